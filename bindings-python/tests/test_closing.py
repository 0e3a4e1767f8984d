"""`close()` and the context managers of every client: the blocking class with `with`, its
asyncio twin with `async with` and `aclose()`; afterwards a call raises `ConfigError`
(code `config`), while a call already in flight finishes."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, List

import pytest

import authbridge
from authbridge import AuthxSandbox, DescopeSandbox, Fault, RequestType

from .conftest import CLIENT, PASSWORD, USER
from .portal_support import ADMIN_ID, S_CODE

SERVER_KEY, CLIENT_KEY = "SRV-closing-tests", "JS-closing-tests"


@dataclass(frozen=True)
class Case:
    """A client built against the sandbox, and one call it answers (a coroutine on the
    asyncio twin, whose methods have the same names)."""

    name: str
    make: Callable[[authbridge.Sandbox], Any]
    use: Callable[[Any], Any]

    def __str__(self) -> str:
        return self.name


def nevis(sandbox: authbridge.Sandbox) -> authbridge.NevisClient:
    sandbox.nevis.add_client(CLIENT)
    sandbox.nevis.add_user(CLIENT, USER)
    sandbox.nevis.set_password(CLIENT, USER, PASSWORD)
    return authbridge.NevisClient(sandbox.url(authbridge.Vendor.NEVIS))


def otpone_url(sandbox: authbridge.Sandbox) -> str:
    sandbox.otpone.register_keys(SERVER_KEY, CLIENT_KEY)
    return sandbox.url(authbridge.Vendor.OTPONE)


CASES = [
    Case("nevis", nevis, lambda c: c.password_login(CLIENT, USER, PASSWORD)),
    Case(
        "authx",
        lambda s: authbridge.AuthxClient(
            s.url("authx"), AuthxSandbox.APPLICATION_ID, AuthxSandbox.APPLICATION_KEY
        ),
        lambda c: c.access_token(),
    ),
    Case(
        "descope",
        lambda s: authbridge.DescopeClient(DescopeSandbox.PROJECT_ID, base_url=s.url("descope")),
        lambda c: c.totp_sign_up("bob"),
    ),
    Case(
        "otpone-server",
        lambda s: authbridge.OtpOneServer(SERVER_KEY, base_url=otpone_url(s)),
        lambda c: c.get_transaction_id("a@example.com", RequestType.WEB_SESSION, "Sign in"),
    ),
    Case(
        "otpone-client",
        lambda s: authbridge.OtpOneClient(CLIENT_KEY, base_url=otpone_url(s)),
        lambda c: c.is_finish("no-such-transaction"),
    ),
    Case(
        "portal",
        lambda s: authbridge.Portal(ADMIN_ID, S_CODE, accept_any_source=True),
        lambda c: c.status(),
    ),
]


def call(case: Case, client: Any) -> Any:
    try:
        return case.use(client)
    except authbridge.VendorError as refusal:  # the sandbox answered: the client works
        return refusal


async def call_async(case: Case, client: Any) -> Any:
    try:
        return await case.use(client)
    except authbridge.VendorError as refusal:
        return refusal


def assert_closed(case: Case, client: Any) -> None:
    assert client.closed
    with pytest.raises(authbridge.ConfigError, match="is closed") as raised:
        case.use(client)
    assert raised.value.code == "config"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_with_closes_the_client_and_its_asyncio_twin(case: Case, sandbox: authbridge.Sandbox) -> None:
    with case.make(sandbox) as client:
        call(case, client)
        twin = client.aio
        assert not client.closed and not twin.closed
    assert_closed(case, client)
    assert_closed(case, twin)  # raised when called, before anything is awaited
    client.close()  # closing twice does nothing
    twin.close()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_async_with_and_aclose(case: Case, sandbox: authbridge.Sandbox) -> None:
    blocking = case.make(sandbox)

    async def run() -> None:
        async with blocking.aio as client:
            assert client.__class__.__name__.startswith("Async")
            await call_async(case, client)
            assert not client.closed
        assert_closed(case, client)
        assert blocking.closed, "the blocking twin stayed open"
        await client.aclose()  # closing twice does nothing

        other = case.make(sandbox).aio
        await call_async(case, other)
        await other.aclose()
        assert_closed(case, other)

    asyncio.run(run())


def test_an_exception_leaves_the_with_block_closed_and_propagates(sandbox: authbridge.Sandbox) -> None:
    with pytest.raises(KeyError), nevis(sandbox) as client:
        raise KeyError("raised inside")
    assert client.closed


def test_a_call_in_flight_finishes_after_close(sandbox: authbridge.Sandbox) -> None:
    client = nevis(sandbox)
    sandbox.arm("nevisidm.password_login", Fault.delay(0.5), times=1)
    outcome: List[Any] = []
    caller = threading.Thread(target=lambda: outcome.append(client.password_login(CLIENT, USER, PASSWORD)))
    caller.start()
    time.sleep(0.2)
    client.close()
    assert not outcome, "the call was not in flight when the client was closed"
    caller.join(10)
    assert outcome and outcome[0].status is authbridge.LoginStatusCode.OK
    assert_closed(Case("nevis", nevis, lambda c: c.password_login(CLIENT, USER, PASSWORD)), client)


def test_the_sandbox_and_the_embedded_server_close_the_same_way(sandbox: authbridge.Sandbox) -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, accept_any_source=True)
    with portal.serve() as server:
        assert not server.closed
    assert server.closed
    server.close()
    with authbridge.Sandbox() as other:
        pass
    with pytest.raises(authbridge.ConfigError, match="the sandbox is closed"):
        other.control({"op": "sandbox.urls"})
