"""Threads, asyncio concurrency, cancellation, the GIL and fork()."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest

import authbridge
from authbridge import Fault

from .conftest import CLIENT, PASSWORD, USER

ROUTE = "nevisidm.password_login"


def wait_for(condition: "object", what: str, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.005)


def test_eight_threads_share_one_client(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    users = [f"user-{i}" for i in range(8)]
    for user in users:
        sandbox.nevis.add_user(CLIENT, user)
        sandbox.nevis.set_password(CLIENT, user, f"pw-{user}")

    def work(user: str) -> List[str]:
        results = []
        for n in range(25):
            if n % 5 == 4:
                try:
                    nevis.password_login(CLIENT, user, "wrong")
                except authbridge.AuthenticationFailed as refused:
                    results.append(refused.code)
                # Reset the failure count with a good login right after.
            results.append(nevis.password_login(CLIENT, user, f"pw-{user}").description)
        return results

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(work, users))
    for results in outcomes:
        assert results.count("Login Ok") == 25
        assert results.count("authentication_failed") == 5
    assert sandbox.request_count(ROUTE) == 8 * 30


def test_two_hundred_concurrent_asyncio_calls(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    for i in range(200):
        sandbox.nevis.add_user(CLIENT, f"u{i}")
        sandbox.nevis.set_password(CLIENT, f"u{i}", f"p{i}")

    async def run() -> List[object]:
        calls = []
        for i in range(200):
            password = f"p{i}" if i % 4 else "wrong"
            calls.append(nevis.aio.password_login(CLIENT, f"u{i}", password))
        results: List[object] = await asyncio.gather(*calls, return_exceptions=True)
        return results

    results = asyncio.run(run())
    for i, result in enumerate(results):
        if i % 4:
            assert isinstance(result, authbridge.LoginStatus) and result.code == 5, (i, result)
        else:
            assert isinstance(result, authbridge.AuthenticationFailed), (i, result)
            assert result.login_status is authbridge.LoginStatusCode.FAILED
    assert sandbox.request_count(ROUTE) == 200


def test_blocking_call_releases_the_gil(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    sandbox.arm(ROUTE, Fault.delay(3.0), times=1)
    outcome: List[object] = []
    caller = threading.Thread(target=lambda: outcome.append(nevis.password_login(CLIENT, USER, PASSWORD)))
    caller.start()
    # This thread needs the GIL for every line below: if the blocked call held it, none of it
    # would run until the call came back, and the checks on `caller` would fail.
    wait_for(lambda: sandbox.request_count(ROUTE) == 1, "the call to reach the sandbox")
    squares = sum(i * i for i in range(200_000))
    assert squares > 0
    assert caller.is_alive() and not outcome, "the Python work should finish while the call is still waiting"
    caller.join(timeout=30)
    assert len(outcome) == 1


def test_asyncio_loop_keeps_running_and_cancellation_stops_the_call(
    sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient
) -> None:
    sandbox.arm(ROUTE, Fault.delay(5.0), times=1)

    async def run() -> int:
        call = asyncio.ensure_future(nevis.aio.password_login(CLIENT, USER, PASSWORD))
        ticks = 0
        while sandbox.request_count(ROUTE) == 0:
            await asyncio.sleep(0.01)
        for _ in range(10):
            await asyncio.sleep(0.01)
            ticks += 1
        assert not call.done()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # The client still works after a cancelled call.
        assert (await nevis.aio.password_login(CLIENT, USER, PASSWORD)).code == 5
        return ticks

    assert asyncio.run(run()) == 10


def test_wait_for_timeout_cancels(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    sandbox.arm(ROUTE, Fault.delay(5.0), times=1)

    async def run() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(nevis.aio.password_login(CLIENT, USER, PASSWORD), timeout=0.2)

    asyncio.run(run())


def test_several_event_loops_in_turn_and_in_threads(nevis: authbridge.NevisClient) -> None:
    async def once() -> int:
        return (await nevis.aio.password_login(CLIENT, USER, PASSWORD)).code

    assert asyncio.run(once()) == 5
    assert asyncio.run(once()) == 5
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda _: asyncio.run(once()), range(8))) == [5] * 8


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_calls_work_in_a_forked_child(nevis: authbridge.NevisClient) -> None:
    # Warm up the runtime, the connection pool and the asyncio driver in the parent first.
    assert nevis.password_login(CLIENT, USER, PASSWORD).code == 5

    async def async_login() -> int:
        return (await nevis.aio.password_login(CLIENT, USER, PASSWORD)).code

    assert asyncio.run(async_login()) == 5

    pid = os.fork()
    if pid == 0:  # the child: exit code 0 only if both kinds of call work
        try:
            ok = nevis.password_login(CLIENT, USER, PASSWORD).code == 5 and asyncio.run(async_login()) == 5
            os._exit(0 if ok else 1)
        except BaseException as error:  # noqa: BLE001 - report anything to the parent
            print(f"child failed: {error!r}", file=sys.stderr)
            os._exit(2)
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.01)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    # The parent is unaffected.
    assert nevis.password_login(CLIENT, USER, PASSWORD).code == 5
