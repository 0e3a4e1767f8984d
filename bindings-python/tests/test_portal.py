"""The NoPass portal from Python: the sandbox, playing the NoPass server, drives every
callback over HTTP into the portal served by uvicorn (ASGI), werkzeug (WSGI) and the
embedded server, with Python hooks deciding; plus the portal's own NoPass server calls,
sessions, waits and the SQLite store."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import pytest

import authbridge
import authbridge.asgi
import authbridge.wsgi
from authbridge import PortalPhase, RegistrationOrigin, SessionOrigin, SessionState

from .portal_support import ADMIN_ID, LOOPBACK, S_CODE, Recorder, free_port, uvicorn_server, werkzeug_server


def make_portal(sandbox: authbridge.Sandbox, hooks: Any, store: Any = None) -> authbridge.Portal:
    """A portal that serves the sandbox's NoPass server, which calls from this machine."""
    return authbridge.Portal(
        ADMIN_ID,
        S_CODE,
        allowed_sources=LOOPBACK,
        server_url=sandbox.url(authbridge.Vendor.NOPASS),
        hooks=hooks,
        store=store,
    )


@contextmanager
def served(kind: str, portal: authbridge.Portal) -> Iterator[str]:
    if kind == "asgi":
        with uvicorn_server(authbridge.asgi.PortalApp(portal)) as url:
            yield url
    elif kind == "wsgi":
        with werkzeug_server(authbridge.wsgi.PortalApp(portal)) as url:
            yield url
    else:
        with portal.serve() as server:
            yield server.url


@pytest.mark.parametrize("kind", ["asgi", "wsgi", "embedded"])
def test_full_flow_over_http(kind: str, sandbox: authbridge.Sandbox) -> None:
    hooks = Recorder()
    portal = make_portal(sandbox, hooks)
    nopass = sandbox.nopass
    with served(kind, portal) as url:
        nopass.set_portal_url(url)

        # The console registers the portal.
        registration = nopass.register_portal(ADMIN_ID)
        assert registration.s_code == S_CODE
        assert nopass.registration() == registration
        status = portal.status()
        assert status.phase is PortalPhase.REGISTERED
        assert status.portal_id == registration.portal_id
        assert status.auth_token == registration.auth_token and "auth_token='***'" in repr(status)
        assert [type(e).__name__ for e in hooks.events[:2]] == ["PreRegistration", "Registration"]

        # A user registers: the portal pre-registers, the NoPass app completes it, and the
        # registration's session is redeemed like a login.
        started = portal.pre_register_user("ann@example.com", email="ann@example.com")
        assert started.otp not in repr(started) and started.register_link
        received = nopass.pre_registration("ann@example.com")
        assert received is not None and received.otp == started.otp and received.email == "ann@example.com"
        assert started.handle not in repr(started)
        reg_auth_id = nopass.complete_user_registration("ann@example.com")
        confirmed = hooks.of(authbridge.UserRegistration)
        assert confirmed and confirmed[0].user_id == "ann@example.com"
        assert confirmed[0].origin is RegistrationOrigin.PORTAL and confirmed[0].handle == started.handle
        reg_session = portal.session(started.handle)
        assert reg_session is not None and reg_session.origin is SessionOrigin.REGISTRATION
        assert reg_session.state is SessionState.AUTHORIZED and portal.session(reg_auth_id) is None
        assert portal.redeem_login(started.handle).user_id == "ann@example.com"

        # She logs in while the login page long-polls by the handle.
        login = portal.request_authorization("ann@example.com")
        assert login.state is SessionState.PENDING and login.image_png() is not None
        auth_id = nopass.last_auth_id("ann@example.com")
        assert auth_id is not None and auth_id != login.handle and auth_id not in repr(login)
        driver = threading.Thread(target=nopass.drive_login, args=(auth_id, 2, True))
        driver.start()
        seen, session = login.version, login
        while session.state is SessionState.PENDING:
            session = portal.wait_session(login.handle, seen, timeout=20)
            seen = session.version
        driver.join()
        assert session.state is SessionState.AUTHORIZED and not session.finished
        assert session.pictures == 3
        assert len(hooks.of(authbridge.PictureUpdate)) == 2
        assert (session.image_data_url() or "").startswith("data:image/png;base64,")
        assert [e.handle for e in hooks.of(authbridge.AuthorizationResult)] == [login.handle]
        redeemed = portal.redeem_login(login.handle)
        assert (redeemed.user_id, redeemed.origin) == ("ann@example.com", SessionOrigin.LOGIN)
        assert login.handle not in repr(redeemed)
        current = portal.session(login.handle)
        assert current is not None and current.state is SessionState.REDEEMED and current.finished

        # No event and no session shows the authId; none shows the handle that redeems a login.
        for shown in [*map(repr, hooks.events), repr(login), repr(session), repr(started)]:
            assert auth_id not in shown and reg_auth_id not in shown and started.otp not in shown
            assert login.handle not in shown and started.handle not in shown

        # Session close, user changes, deletion, additions.
        assert nopass.close_session(auth_id).success
        assert hooks.of(authbridge.SessionClosing)[0].handle == login.handle
        assert nopass.update_user("ann@example.com", {"givenName": {"newValue": "Anne", "forbiddenStore": False}}).success
        update = hooks.of(authbridge.UserUpdate)[0]
        assert update.changes[0].field == "givenName" and update.changes[0].new_value == "Anne"
        assert nopass.add_users([{"givenName": "Bo", "email": "bo@example.com", "login": "bo"}]).success
        assert hooks.of(authbridge.UsersAddition)[0].users[0].given_name == "Bo"
        assert nopass.delete_user("ann@example.com").success
        assert hooks.of(authbridge.UserDeletion)[0].user_id == "ann@example.com"

        # The portal is deleted in the console: everything is refused from then on.
        assert nopass.disable_service().success
        assert portal.status().phase is PortalPhase.DISABLED
        assert not nopass.close_session(auth_id).success


def test_hooks_decide_and_failures_refuse(sandbox: authbridge.Sandbox) -> None:
    class Strict(authbridge.PortalHooks):
        def validate_user_registration(self, event: authbridge.UserRegistrationCheck) -> bool:
            return event.origin == "portal" and event.user_id == "zed"

        def delete_user(self, event: authbridge.UserDeletion) -> bool:
            raise RuntimeError("the user directory is down")

    portal = make_portal(sandbox, Strict())
    with portal.serve() as server:
        sandbox.nopass.set_portal_url(server.url)
        sandbox.nopass.register_portal(ADMIN_ID)
        portal.pre_register_user("zed")
        sandbox.nopass.complete_user_registration("zed")
        with pytest.raises(authbridge.AuthBridgeError):
            sandbox.nopass.register_user_from_server("zed", "zed@example.com")
        refused = sandbox.nopass.delete_user("zed")
        assert not refused.success
        assert "directory" not in json.dumps(refused.body)  # the hook's message stays in the log


def test_handle_directly_and_errors(sandbox: authbridge.Sandbox) -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, accept_any_source=True)
    answer = portal.handle(
        "POST",
        "/api/PortalCommunication/ConfirmPreRegistration",
        [("Content-Type", "application/json")],
        json.dumps({"adminId": ADMIN_ID, "r": 41}).encode(),
    )
    assert answer.status == 200 and answer.json()["result"]["r"] == 42
    assert answer.content_type and answer.content_type.startswith("application/json")
    wrong = portal.handle(
        "POST",
        "/api/PortalCommunication/ConfirmPreRegistration",
        [("Content-Type", "application/json")],
        json.dumps({"adminId": "intruder", "r": 1}).encode(),
    )
    assert wrong.status != 200 and wrong.error_code
    missing = portal.handle("POST", "/api/PortalCommunication/NoSuchThing", [], b"{}")
    assert missing.status == 404
    # Calls to the NoPass server need a server URL and a registration.
    with pytest.raises(authbridge.AuthBridgeError):
        portal.request_authorization("ann@example.com")
    with pytest.raises(authbridge.InvalidInput):
        authbridge.Portal("", S_CODE, accept_any_source=True)
    with pytest.raises(ValueError):
        authbridge.Portal(ADMIN_ID, S_CODE, accept_any_source=True, response_mode="loud")


def test_sqlite_store_survives_a_new_portal(sandbox: authbridge.Sandbox, tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite"
    first = make_portal(sandbox, Recorder(), store=db)
    with first.serve() as server:
        sandbox.nopass.set_portal_url(server.url)
        registration = sandbox.nopass.register_portal(ADMIN_ID)
    second = make_portal(sandbox, Recorder(), store=str(db))
    status = second.status()
    assert status.phase is PortalPhase.REGISTERED and status.portal_id == registration.portal_id
    second.reset()
    assert second.status().phase is PortalPhase.UNREGISTERED


@asynccontextmanager
async def uvicorn_on_this_loop(app: Any) -> AsyncIterator[str]:
    """Serves `app` with uvicorn on the running event loop, as FastAPI deployments do."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


def test_asgi_on_the_same_loop_with_async_driver(sandbox: authbridge.Sandbox) -> None:
    """A FastAPI-style deployment: the portal's asyncio methods and the ASGI app on one loop."""
    hooks = Recorder()
    portal = make_portal(sandbox, hooks)

    async def run() -> None:
        async with uvicorn_on_this_loop(authbridge.asgi.PortalApp(portal)) as url:
            nopass = sandbox.nopass.aio
            sandbox.nopass.set_portal_url(url)
            await nopass.register_portal(ADMIN_ID)
            sandbox.nopass.add_user("kim")
            aio = portal.aio
            assert (await aio.status()).phase is PortalPhase.REGISTERED
            login = await aio.request_authorization("kim")
            auth_id = sandbox.nopass.last_auth_id("kim")
            assert auth_id is not None
            waiting = asyncio.ensure_future(aio.wait_session(login.handle, login.version, timeout=20))
            await nopass.update_picture(auth_id)
            changed = await waiting
            assert changed.pictures == 2
            await nopass.authorize(auth_id, False, "not me")
            final = await aio.session(login.handle)
            assert final is not None and final.state is SessionState.DENIED and final.reason == "not me"
            with pytest.raises(authbridge.AuthenticationFailed):
                await aio.redeem_login(login.handle)
            assert (await aio.pre_register_user("lee")).register_link
            reply = await nopass.send("CloseSession", {"authId": auth_id, "userId": "kim"})
            assert isinstance(reply.status, int)
            answer = await aio.handle("GET", "/api/PortalCommunication/CloseSession", [], b"")
            assert answer.status == 405
            await aio.reset()

    asyncio.run(run())


def test_wsgi_adapter_reads_headers_and_body() -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK, response_mode="bare")
    with werkzeug_server(authbridge.wsgi.PortalApp(portal)) as url:
        request = urllib.request.Request(
            url + "/api/PortalCommunication/ConfirmPreRegistration",
            data=json.dumps({"AdminId": ADMIN_ID, "R": 9}).encode(),
            headers={"Content-Type": "text/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert json.loads(response.read())["r"] == 10
