"""The README's examples run and give what they promise (mypy --strict checks them too)."""

from __future__ import annotations

import asyncio

import authbridge

from .conftest import CLIENT, PASSWORD, USER
from .examples import async_login, sync_login


def test_sync_example() -> None:
    assert sync_login.main() == "welcome (Login Ok)"


def test_async_example() -> None:
    alice, bob, carol = async_login.main()
    assert (alice, bob) == ("Login Ok", "Login Ok")
    assert carol.startswith("NotFound(")


def test_coroutines_start_only_when_awaited(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    async def run() -> int:
        pending = nevis.aio.password_login(CLIENT, USER, PASSWORD)
        await asyncio.sleep(0.05)
        assert sandbox.request_count("nevisidm.password_login") == 0
        task = asyncio.create_task(pending)
        return (await task).code

    assert asyncio.run(run()) == 5
    assert asyncio.run(nevis.aio.password_login(CLIENT, USER, PASSWORD)).code == 5
