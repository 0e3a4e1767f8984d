"""`async def` portal hooks: awaited on the event loop of the ASGI server that received the
callback, within the portal's hook deadline; refused, naming the hook, where nothing can
await them (WSGI, the embedded receiver, the blocking `handle`)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, List, MutableMapping, Optional, Set, Tuple

import pytest

import authbridge
import authbridge.asgi
import authbridge.wsgi
from authbridge import SessionState

from .portal_callers import POLICIES, Answer, registered_portal, snapshot, start_login
from .portal_support import ADMIN_ID, LOOPBACK, S_CODE, uvicorn_server

HOOK_TIMEOUT = 0.5


class LoopRecorder:
    """An ASGI app in front of the portal's: remembers the loop and thread serving requests."""

    def __init__(self, app: authbridge.asgi.PortalApp) -> None:
        self.app = app
        self.seen: Set[Tuple[int, int]] = set()

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.seen.add((id(asyncio.get_running_loop()), threading.get_ident()))
        await self.app(scope, receive, send)


class AsyncDecider(authbridge.PortalHooks):
    """Accepts the registration of `ann` only, after awaiting (as a database lookup would)."""

    def __init__(self) -> None:
        self.ran_on: List[Tuple[int, int]] = []
        self.decided: List[Tuple[Optional[str], bool]] = []

    async def validate_user_registration(self, event: authbridge.UserRegistrationCheck) -> bool:
        self.ran_on.append((id(asyncio.get_running_loop()), threading.get_ident()))
        await asyncio.sleep(0.01)
        accepted = event.user_id == "ann"
        self.decided.append((event.user_id, accepted))
        return accepted


def make_portal(sandbox: authbridge.Sandbox, hooks: Any, **options: Any) -> authbridge.Portal:
    return authbridge.Portal(
        ADMIN_ID,
        S_CODE,
        allowed_sources=LOOPBACK,
        server_url=sandbox.url(authbridge.Vendor.NOPASS),
        hooks=hooks,
        **options,
    )


def test_an_async_hook_decides_on_the_uvicorn_servers_loop(sandbox: authbridge.Sandbox) -> None:
    hooks = AsyncDecider()
    portal = make_portal(sandbox, hooks)
    assert portal.async_hooks == ["validate_user_registration"]
    app = LoopRecorder(authbridge.asgi.PortalApp(portal))
    with uvicorn_server(app) as url:
        sandbox.nopass.set_portal_url(url)
        sandbox.nopass.register_portal(ADMIN_ID)
        portal.pre_register_user("ann")
        sandbox.nopass.complete_user_registration("ann")  # the hook approves
        with pytest.raises(authbridge.AuthBridgeError):
            sandbox.nopass.register_user_from_server("eve", "eve@example.com")  # the hook denies
    assert [accepted for _, accepted in hooks.decided] == [True, False]
    assert len(hooks.ran_on) == 2
    assert set(hooks.ran_on) <= app.seen, "the hook did not run on the server's loop and thread"
    assert all(thread != threading.get_ident() for _, thread in hooks.ran_on)


class SlowAsyncFirstTime(authbridge.PortalHooks):
    """Awaits past the deadline on its first AuthorizedUser, answers at once afterwards."""

    def __init__(self) -> None:
        self.calls = 0
        self.loops: List[asyncio.AbstractEventLoop] = []
        self.cancelled = threading.Event()

    async def authorized_user(self, event: authbridge.AuthorizationResult) -> None:
        self.calls += 1
        self.loops.append(asyncio.get_running_loop())
        if self.calls == 1:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise


@contextmanager
def loop_in_a_thread() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop that keeps running after a request, as a server's does."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_a_late_async_hook_is_cancelled_and_changes_nothing(sandbox: authbridge.Sandbox) -> None:
    policy = POLICIES[0]
    hooks = SlowAsyncFirstTime()
    portal, adapter = registered_portal("asgi", policy, sandbox, hooks, hook_timeout=HOOK_TIMEOUT)
    login, auth_id = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)

    with loop_in_a_thread() as loop:

        approval = {"authId": auth_id, "isAuthorized": True}

        def approve() -> Answer:
            sent = adapter.post_async(policy.nopass, "AuthorizedUser", approval)
            return asyncio.run_coroutine_threadsafe(sent, loop).result(10)

        started = time.monotonic()
        late = approve()
        assert (late.status, late.error_code) == (503, "hook_timeout"), late
        assert time.monotonic() - started < 5, "the portal waited for the hook instead of its deadline"
        # The loop runs on: only the portal can have cancelled the hook's task.
        assert hooks.cancelled.wait(5), "the late hook's task was not cancelled"
        assert snapshot(portal, login.handle) == before

        assert approve().status == 200
        assert hooks.loops == [loop, loop]
    session = portal.session(login.handle)
    assert session is not None and session.state is SessionState.AUTHORIZED


def test_an_async_hook_that_raises_refuses_the_callback(sandbox: authbridge.Sandbox) -> None:
    class Failing(authbridge.PortalHooks):
        async def delete_user(self, event: authbridge.UserDeletion) -> bool:
            raise RuntimeError("the user directory is down")

    portal = make_portal(sandbox, Failing())
    with uvicorn_server(authbridge.asgi.PortalApp(portal)) as url:
        sandbox.nopass.set_portal_url(url)
        sandbox.nopass.register_portal(ADMIN_ID)
        refused = sandbox.nopass.delete_user("zed")
    assert not refused.success
    assert "directory" not in json.dumps(refused.body)


class AsyncNotified(authbridge.PortalHooks):
    async def authorized_user(self, event: authbridge.AuthorizationResult) -> None:
        pass


def test_surfaces_without_an_event_loop_refuse_an_async_hook_by_name() -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK, hooks=AsyncNotified())
    with pytest.raises(authbridge.ConfigError, match="authorized_user is async def"):
        authbridge.wsgi.PortalApp(portal)
    with pytest.raises(authbridge.ConfigError, match="authorized_user is async def"):
        portal.serve()
    with pytest.raises(authbridge.ConfigError, match="authorized_user is async def"):
        portal.handle("POST", "/api/PortalCommunication/AuthorizedUser", [], b"{}")
    # A plain hook object is served everywhere.
    plain = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK, hooks=authbridge.PortalHooks())
    assert plain.async_hooks == []
    authbridge.wsgi.PortalApp(plain)
    plain.serve().close()


def test_async_generators_are_no_hooks() -> None:
    class Generator(authbridge.PortalHooks):
        async def update_user(self, event: authbridge.UserUpdate):  # type: ignore[no-untyped-def]
            yield True

    with pytest.raises(TypeError, match="update_user is an async generator"):
        authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK, hooks=Generator())
