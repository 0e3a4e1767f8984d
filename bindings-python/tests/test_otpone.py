"""OtpOne standard, distributed and server-only requests, blocking and asyncio."""

from __future__ import annotations

import asyncio
import threading
from typing import List, Tuple

import pytest

import authbridge
from authbridge import PageType, RequestType

SERVER_KEY, CLIENT_KEY = "SRV-python-tests", "JS-python-tests"
USER = "alice@example.com"

Pair = Tuple[authbridge.OtpOneServer, authbridge.OtpOneClient]


@pytest.fixture
def otpone(sandbox: authbridge.Sandbox) -> Pair:
    sandbox.otpone.register_keys(SERVER_KEY, CLIENT_KEY)
    url = sandbox.url(authbridge.Vendor.OTPONE)
    return authbridge.OtpOneServer(SERVER_KEY, base_url=url), authbridge.OtpOneClient(CLIENT_KEY, base_url=url)


def test_standard_request(sandbox: authbridge.Sandbox, otpone: Pair) -> None:
    server, _ = otpone
    transaction = server.get_transaction_id(USER, RequestType.WEB_SESSION, "Sign in to Example")
    assert transaction.user_mail == USER and transaction.request_type is RequestType.WEB_SESSION
    html = server.get_html(transaction.id, PageType.RTR_PHONE_VALIDATION, "login-form")
    assert html
    token = sandbox.otpone.approve(transaction.id)
    assert token is not None
    validation = server.verify_token(token, USER)
    assert validation.user_valided == USER
    with pytest.raises(authbridge.AuthBridgeError):
        server.verify_token(token, USER)  # single use
    assert SERVER_KEY not in repr(server)


def test_distributed_request_and_private_token(sandbox: authbridge.Sandbox, otpone: Pair) -> None:
    server, client = otpone
    transaction = server.get_transaction_id(USER, "RequestSignDocument", "Sign the lease", private_token="lease-42")
    assert client.is_finish(transaction.id) is False
    threading.Timer(0.3, lambda: sandbox.otpone.approve(transaction.id)).start()
    validation = client.wait_for_result(transaction.id, USER, timeout=20, interval=1)
    assert validation.private_token == "lease-42"
    assert "lease-42" not in repr(validation)
    assert client.is_finish(transaction.id) is True
    assert client.get_result(transaction.id, USER).user_valided == USER


def test_denied_mismatched_and_timed_out(sandbox: authbridge.Sandbox, otpone: Pair) -> None:
    server, client = otpone
    denied = server.get_transaction_id(USER, RequestType.WEB_SESSION, "m")
    assert sandbox.otpone.deny(denied.id)
    with pytest.raises(authbridge.AuthenticationFailed):
        client.wait_for_result(denied.id, USER, timeout=10, interval=1)

    other = server.get_transaction_id(USER, RequestType.WEB_SESSION, "m")
    assert sandbox.otpone.set_reported_user(other.id, "mallory@example.com")
    sandbox.otpone.approve(other.id)
    with pytest.raises(authbridge.AuthenticationFailed):
        client.get_result(other.id, USER)

    waiting = server.get_transaction_id(USER, RequestType.WEB_SESSION, "m")
    with pytest.raises(authbridge.Timeout):
        client.wait_for_result(waiting.id, USER, timeout=1.2, interval=1)


def test_server_only_request(sandbox: authbridge.Sandbox, otpone: Pair) -> None:
    server, _ = otpone

    approved: List[str] = []

    def person() -> None:
        # Waits with the GIL released, while the request below waits for the person.
        pending = sandbox.otpone.wait_pending(USER, timeout=10)
        if pending:
            approved.append(pending)
            sandbox.otpone.approve(pending)

    person_thread = threading.Thread(target=person)
    person_thread.start()
    validation = server.send_request(USER, RequestType.COMPUTER_SESSION, "Open session", "10.0.0.7", "Linux", "app")
    person_thread.join()
    assert validation.user_valided == USER
    shown = sandbox.otpone.transaction(approved[0])
    assert shown is not None and shown.server_only and shown.status == "approved"
    assert shown.requester == ("10.0.0.7", "Linux", "app")


def test_keys_cannot_be_swapped(sandbox: authbridge.Sandbox) -> None:
    with pytest.raises(authbridge.InvalidInput):
        authbridge.OtpOneServer(CLIENT_KEY)
    with pytest.raises(authbridge.InvalidInput):
        authbridge.OtpOneClient(SERVER_KEY)
    with pytest.raises(authbridge.InvalidInput):
        authbridge.OtpOneServer(SERVER_KEY, base_url=sandbox.url("otpone")).get_transaction_id(
            USER, "NoSuchType", "m"
        )
    with pytest.raises(ValueError):
        authbridge.OtpOneServer(SERVER_KEY, paths={"nope": "/x"})


def test_unregistered_key_is_unauthorized(sandbox: authbridge.Sandbox) -> None:
    server = authbridge.OtpOneServer("SRV-unknown", base_url=sandbox.url("otpone"))
    with pytest.raises(authbridge.Unauthorized):
        server.get_transaction_id(USER, RequestType.WEB_SESSION, "m")


def test_asyncio_twins(sandbox: authbridge.Sandbox, otpone: Pair) -> None:
    server, client = otpone

    async def run() -> None:
        transaction = await server.aio.get_transaction_id(USER, RequestType.WEB_SESSION, "m", "pt")
        assert await server.aio.get_html(transaction.id, PageType.CERTIFICATE, "f")
        assert await client.aio.is_finish(transaction.id) is False
        waiting = asyncio.ensure_future(client.aio.wait_for_result(transaction.id, USER, timeout=20, interval=1))
        await asyncio.sleep(0.2)
        token = sandbox.otpone.approve(transaction.id)
        assert token is not None
        assert (await waiting).private_token == "pt"
        assert (await client.aio.get_result(transaction.id)).user_valided == USER
        assert (await server.aio.verify_token(token, USER)).user_valided == USER

        async def approve_soon() -> None:
            while not sandbox.otpone.pending_for(USER):
                await asyncio.sleep(0.02)
            sandbox.otpone.approve(sandbox.otpone.pending_for(USER) or "")

        validation, _ = await asyncio.gather(
            server.aio.send_request(USER, RequestType.WEB_SESSION, "m", "127.0.0.1", "Linux", "app"), approve_soon()
        )
        assert validation.user_valided == USER

    asyncio.run(run())
