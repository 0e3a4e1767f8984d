"""Descope nOTP (with waits), TOTP and session validation, blocking and asyncio."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

import authbridge
from authbridge import DescopeSandbox, SessionRejection, Totp

PHONE = "+15550001111"


@pytest.fixture
def descope(sandbox: authbridge.Sandbox) -> authbridge.DescopeClient:
    return authbridge.DescopeClient(DescopeSandbox.PROJECT_ID, base_url=sandbox.url(authbridge.Vendor.DESCOPE))


def approve_when_waiting(sandbox: authbridge.Sandbox, deny: bool = False) -> threading.Thread:
    """Plays the person: acts on the first nOTP login that waits."""

    def act() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            waiting = sandbox.descope.waiting_logins()
            if waiting:
                (sandbox.descope.deny if deny else sandbox.descope.approve)(waiting[0])
                return
            time.sleep(0.02)

    person = threading.Thread(target=act)
    person.start()
    return person


def test_notp_sign_in_and_wait(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    sandbox.descope.add_user(PHONE)
    sandbox.descope.set_roles(PHONE, ["admin"], ["read"])
    start = descope.notp_sign_in(PHONE)
    assert start.pending_ref and start.pending_ref not in repr(start)
    assert start.image
    assert descope.notp_pending_session(start.pending_ref) is None

    person = approve_when_waiting(sandbox)
    session = descope.wait_for_session(start.pending_ref, timeout=20, interval=1)
    person.join()
    assert PHONE in session.user.login_ids
    assert session.session_jwt and session.session_jwt not in repr(session)
    assert session.refresh_jwt

    claims = descope.validate_session(session.session_jwt)
    assert claims.subject == session.user.user_id
    assert claims.has_role("admin") and claims.has_permission("read") and not claims.has_role("root")
    assert claims.all["sub"] == claims.subject


def test_denied_login_and_options(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    sandbox.descope.add_user(PHONE)
    options = authbridge.LoginOptions(custom_claims={"shop": "north"}, template_options={"greeting": "hi"})
    start = descope.notp_sign_up_or_in(PHONE, login_options=options)
    body = sandbox.descope.last_request_body("descope.notp_signup_in")
    assert body is not None and body["loginOptions"]["customClaims"] == {"shop": "north"}
    person = approve_when_waiting(sandbox, deny=True)
    with pytest.raises(authbridge.AuthBridgeError) as denied:
        descope.wait_for_session(start.pending_ref, timeout=20, interval=1)
    person.join()
    assert denied.value.vendor is authbridge.Vendor.DESCOPE
    assert denied.value.vendor_code == "E066104"


def test_sign_up_with_details(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    user = authbridge.UserDetails(name="Bob Jones", email="bob@example.com")
    start = descope.notp_sign_up("+15550002222", user)
    assert start.pending_ref
    body = sandbox.descope.last_request_body("descope.notp_signup")
    assert body is not None and body["user"]["email"] == "bob@example.com"


def test_wait_times_out_and_is_cancellable(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    sandbox.descope.add_user(PHONE)
    start = descope.notp_sign_in(PHONE)
    with pytest.raises(authbridge.Timeout):
        descope.wait_for_session(start.pending_ref, timeout=1.2, interval=1)

    token = authbridge.CancellationToken()
    threading.Timer(0.3, token.cancel).start()
    with pytest.raises(authbridge.Cancelled):
        descope.wait_for_session(start.pending_ref, timeout=30, cancel=token)
    assert token.cancelled

    async def cancelled_task() -> None:
        task = asyncio.ensure_future(descope.aio.wait_for_session(start.pending_ref, timeout=30))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancelled_task())


def test_rate_limited_start(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    sandbox.descope.add_user(PHONE)
    sandbox.descope.rate_limit("descope.notp_signin", 1, retry_after=90)
    with pytest.raises(authbridge.RateLimited) as limited:
        descope.notp_sign_in(PHONE)
    assert limited.value.retry_after == 90.0


def test_totp(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    key = sandbox.descope.add_totp_user("carol@example.com")
    code = Totp.from_base32(key).now()
    session = descope.totp_verify("carol@example.com", code)
    assert session.user.login_ids == ["carol@example.com"]
    with pytest.raises(authbridge.AuthenticationFailed):
        descope.totp_verify("carol@example.com", "000000" if code != "000000" else "111111")

    assert session.refresh_jwt is not None
    replaced = descope.totp_update("carol@example.com", session.refresh_jwt)
    assert replaced.key not in repr(replaced)
    step_up = descope.totp_verify_for_session(
        "carol@example.com", replaced.generator().now(), authbridge.LoginOptions(stepup=True), session.refresh_jwt
    )
    assert step_up.session_jwt

    enrollment = descope.totp_sign_up("dave@example.com", authbridge.UserDetails(name="Dave"))
    assert enrollment.provisioning_url.startswith("otpauth://totp/")
    assert descope.totp_verify("dave@example.com", enrollment.generator().now()).first_seen in (True, False)


def test_session_rejections(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    now = int(time.time())
    issuer = sandbox.descope.issuer(DescopeSandbox.PROJECT_ID)
    expired = sandbox.descope.sign_jwt({"sub": "u1", "iss": issuer, "iat": now - 7200, "exp": now - 3600})
    with pytest.raises(authbridge.AuthenticationFailed) as refused:
        descope.validate_session(expired)
    assert refused.value.session_rejection is SessionRejection.EXPIRED
    with pytest.raises(authbridge.AuthenticationFailed) as garbage:
        descope.validate_session("not.a.jwt")
    assert garbage.value.session_rejection is SessionRejection.MALFORMED
    valid = sandbox.descope.sign_jwt({"sub": "u1", "iss": issuer, "iat": now, "exp": now + 600, "roles": ["x"]})
    assert descope.validate_session(valid).roles == ["x"]


# RFC 6238 Appendix B, shared with the other languages' tests.
RFC6238 = json.loads((Path(__file__).parents[2] / "tests" / "vectors" / "totp-rfc6238.json").read_text())


@pytest.mark.parametrize("algorithm", ["SHA1", "SHA256", "SHA512"])
def test_totp_generator_matches_rfc_6238_appendix_b(algorithm: str) -> None:
    totp = Totp(RFC6238["keys"][algorithm].encode(), algorithm=algorithm, digits=RFC6238["digits"])
    assert totp.algorithm == algorithm
    vectors = RFC6238["vectors"]
    assert len(vectors) == 6
    for vector in vectors:
        assert totp.at(vector["time"]) == vector[algorithm], f"{algorithm} at {vector['time']}"


def test_totp_generator_verifies_and_reads_uris() -> None:
    totp = Totp(RFC6238["keys"]["SHA1"].encode(), digits=8)
    assert totp.verify_at("94287082", 59 + 30, window=1) == 1
    assert totp.verify_at("94287082", 59 + 90, window=1) is None
    uri = Totp.from_uri("otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&issuer=Acme&digits=6&period=30")
    assert (uri.issuer, uri.account, uri.digits, uri.period, uri.algorithm) == ("Acme", "alice", 6, 30, "SHA1")
    assert "JBSWY3DPEHPK3PXP" not in repr(uri)
    with pytest.raises(authbridge.InvalidInput):
        Totp(b"x", digits=4)


def test_asyncio_twin(sandbox: authbridge.Sandbox, descope: authbridge.DescopeClient) -> None:
    sandbox.descope.add_user(PHONE)
    key = sandbox.descope.add_totp_user("erin@example.com")

    async def run() -> None:
        aio = descope.aio
        start = await aio.notp_sign_in(PHONE)
        assert await aio.notp_pending_session(start.pending_ref) is None
        waiting = asyncio.ensure_future(aio.wait_for_session(start.pending_ref, timeout=20, interval=1))
        await asyncio.sleep(0.2)
        assert sandbox.descope.approve(start.pending_ref)
        session = await waiting
        claims = await aio.validate_session(session.session_jwt)
        assert claims.subject == session.user.user_id
        totp_session = await aio.totp_verify("erin@example.com", Totp.from_base32(key).now())
        assert totp_session.session_jwt
        assert (await aio.notp_sign_up_or_in(PHONE)).pending_ref
        assert (await aio.notp_sign_up("+15550003333")).pending_ref
        assert (await aio.totp_sign_up("frank@example.com")).key
        assert totp_session.refresh_jwt is not None
        assert (await aio.totp_update("erin@example.com", totp_session.refresh_jwt)).key

    asyncio.run(run())
