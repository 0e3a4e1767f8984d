"""Attacks on the NoPass portal through its ASGI and WSGI adapters, under every access policy.

The NoPass protocol signs nothing: whoever reaches the portal can send any callback. Each test
plays an attacker (someone who is not an allowed caller, or one who is but holds only what a
browser or a guess gives), checks the attempt is refused and that the portal's state and the
host's hooks are exactly as before, then lets the real NoPass server make the same call to show
the refusal was not an accident of the setup. A portal built without a policy, the browser
holding the `authId`, a pre-registration that never lapses, unthrottled `adminId` guesses, a
registration that opens a session, a login used twice, a hook deciding one callback twice:
each of those would make one of these tests fail.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List

import pytest

import authbridge
import authbridge.asgi
from authbridge.sandbox import CallbackReply
from authbridge import PortalPhase, RegistrationOrigin, SessionState

from .portal_callers import (
    GUARDED,
    NOPASS_ADDRESS,
    PNG,
    POLICIES,
    PORTAL_ID,
    PROXY,
    Adapter,
    Answer,
    Policy,
    new_portal,
    registered_portal,
    snapshot,
    start_login,
)
from .portal_support import ADMIN_ID, Recorder, uvicorn_server

ADAPTERS = ["asgi", "wsgi"]
REFUSED_CALLER = {"forbidden_source", "unauthorized"}


def refused(answer: Answer, status: int, code: str) -> None:
    assert (answer.status, answer.error_code) == (status, code), answer


def picture(auth_id: str) -> Dict[str, Any]:
    return {"authId": auth_id, "image": PNG, "nextChange": 30000}


def approval(auth_id: str) -> Dict[str, Any]:
    return {"authId": auth_id, "isAuthorized": True}


def test_a_portal_without_an_access_policy_is_not_built() -> None:
    with pytest.raises(authbridge.ConfigError) as refusal:
        authbridge.Portal(ADMIN_ID, "s-code")
    message = str(refusal.value)
    assert "access policy" in message and "allowed_sources" in message and "accept_any_source" in message


@pytest.mark.parametrize("policy", GUARDED, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_outsider_cannot_authorize_a_login(kind: str, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """Even holding the login's real `authId`, a caller the policy does not admit is refused
    before the body is read."""
    hooks = Recorder()
    portal, adapter = registered_portal(kind, policy, sandbox, hooks)
    login, auth_id = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)
    for outsider in policy.outsiders:
        answer = adapter.post(outsider, "AuthorizedUser", approval(auth_id))
        assert answer.status in (401, 403) and answer.error_code in REFUSED_CALLER, (outsider, answer)
    assert snapshot(portal, login.handle) == before
    assert hooks.of(authbridge.AuthorizationResult) == []
    with pytest.raises(authbridge.Conflict):
        portal.redeem_login(login.handle)
    assert adapter.post(policy.nopass, "AuthorizedUser", approval(auth_id)).status == 200
    assert portal.redeem_login(login.handle).user_id == "kim"


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_allowed_caller_cannot_authorize_with_what_the_browser_holds(
    kind: str, policy: Policy, sandbox: authbridge.Sandbox
) -> None:
    """The browser gets a handle, not the `authId`: neither it nor a guess names the login."""
    hooks = Recorder()
    portal, adapter = registered_portal(kind, policy, sandbox, hooks)
    login, auth_id = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)
    assert login.handle != auth_id
    for guess in (login.handle, str(uuid.uuid4())):
        refused(adapter.post(policy.nopass, "AuthorizedUser", approval(guess)), 404, "unknown_auth_id")
    assert snapshot(portal, login.handle) == before
    assert hooks.of(authbridge.AuthorizationResult) == []
    with pytest.raises(authbridge.Conflict):
        portal.redeem_login(login.handle)
    assert adapter.post(policy.nopass, "AuthorizedUser", approval(auth_id)).status == 200


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_a_login_picture_cannot_be_swapped(kind: str, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """The picture the person compares on the login page comes only from the NoPass server."""
    hooks = Recorder()
    portal, adapter = registered_portal(kind, policy, sandbox, hooks)
    login, auth_id = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)
    for outsider in policy.outsiders:
        answer = adapter.post(outsider, "UpdatePicture", picture(auth_id))
        assert answer.status in (401, 403) and answer.error_code in REFUSED_CALLER, (outsider, answer)
    refused(adapter.post(policy.nopass, "UpdatePicture", picture(login.handle)), 404, "unknown_auth_id")
    assert snapshot(portal, login.handle) == before
    assert hooks.of(authbridge.PictureUpdate) == []
    assert adapter.post(policy.nopass, "UpdatePicture", picture(auth_id)).status == 200
    after = portal.session(login.handle)
    assert after is not None and after.image == PNG and after.pictures == login.pictures + 1


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_a_half_registered_portal_cannot_be_taken_over(kind: str, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """A pre-registration nobody confirmed lapses: a late ConfirmRegistration binds nothing."""
    portal = new_portal(sandbox, policy, Recorder(), pre_registration_ttl=0.5)
    adapter = Adapter(kind, portal)
    hijack = {"portalId": "attacker-portal", "authToken": "attacker-token", "settings": "{}"}
    assert adapter.post(policy.nopass, "ConfirmPreRegistration", {"adminId": ADMIN_ID, "r": 1}).status == 200
    assert portal.status().phase is PortalPhase.PRE_REGISTERED
    for outsider in policy.outsiders:
        assert adapter.post(outsider, "ConfirmRegistration", hijack).error_code in REFUSED_CALLER
    time.sleep(0.7)
    before = snapshot(portal)
    assert before[:2] == (PortalPhase.UNREGISTERED, None)
    refused(adapter.post(policy.nopass, "ConfirmRegistration", hijack), 409, "not_pre_registered")
    assert snapshot(portal) == before
    assert adapter.post(policy.nopass, "ConfirmPreRegistration", {"adminId": ADMIN_ID, "r": 2}).status == 200
    confirm = {"portalId": PORTAL_ID, "authToken": "nopass-token", "settings": "{}"}
    assert adapter.post(policy.nopass, "ConfirmRegistration", confirm).status == 200
    assert portal.status().portal_id == PORTAL_ID


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_admin_id_guesses_are_throttled(kind: str, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """Three wrong guesses are free, the fourth locks the source out: from then on every guess,
    right or wrong, gets 429 with Retry-After. A forged X-Forwarded-For does not make a new
    source."""
    portal = new_portal(sandbox, policy, Recorder())
    adapter = Adapter(kind, portal)
    before = snapshot(portal)
    for i in range(4):
        guesser = policy.nopass.forging(f"198.18.0.{i}")
        guess = {"adminId": f"admin-guess-{i}", "r": 7}
        refused(adapter.post(guesser, "ConfirmPreRegistration", guess), 403, "admin_id_mismatch")
    for i, admin_id in enumerate(["admin-guess-5", ADMIN_ID]):
        answer = adapter.post(policy.nopass.forging(f"198.18.1.{i}"), "ConfirmPreRegistration", {"adminId": admin_id, "r": 7})
        refused(answer, 429, "too_many_attempts")
        assert int(answer.headers["retry-after"]) >= 1
    assert snapshot(portal) == before
    time.sleep(int(answer.headers["retry-after"]))
    assert adapter.post(policy.nopass, "ConfirmPreRegistration", {"adminId": ADMIN_ID, "r": 7}).status == 200


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_a_forged_registration_opens_no_session(kind: str, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """An allowed caller who knows the portalId registers a user with an `otp` of its own and
    an `authId` of its choice: even a hook that accepts every registration gets no session out
    of it, and nothing can be redeemed."""
    hooks = Recorder()  # accepts every registration: the worst host
    portal, adapter = registered_portal(kind, policy, sandbox, hooks)
    login, _ = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)
    otp, forged_auth_id = "otp-chosen-by-the-caller-0001", "auth-id-chosen-by-the-caller-0001"
    confirm = {"otp": otp, "portalId": PORTAL_ID, "session": {"authId": forged_auth_id, "login": "kim"}}
    refused(adapter.post(policy.nopass, "ConfirmUserRegistration", confirm), 403, "otp_refused")
    validate = {"otp": otp, "email": "kim@example.com", "login": "kim"}
    assert adapter.post(policy.nopass, "ValidateUserRegistration", validate).body["result"] is True
    assert adapter.post(policy.nopass, "ConfirmUserRegistration", confirm).status == 200
    [registration] = hooks.of(authbridge.UserRegistration)
    assert registration.origin is RegistrationOrigin.NOPASS_SERVER and registration.handle is None
    assert portal.session(forged_auth_id) is None
    for handle in (forged_auth_id, otp):
        with pytest.raises(authbridge.NotFound):
            portal.redeem_login(handle)
    with pytest.raises(authbridge.Conflict):
        portal.redeem_login(login.handle)
    refused(adapter.post(policy.nopass, "AuthorizedUser", approval(forged_auth_id)), 404, "unknown_auth_id")
    assert snapshot(portal, login.handle) == before


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_a_login_is_redeemed_once(kind: str, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """Eight requests redeem the same authorised login at once: one user is signed in."""
    portal, adapter = registered_portal(kind, policy, sandbox, Recorder())
    login, auth_id = start_login(portal, sandbox, "kim")
    assert adapter.post(policy.nopass, "AuthorizedUser", approval(auth_id)).status == 200
    outcomes: List[Any] = []
    gate = threading.Barrier(8)

    def redeem() -> None:
        gate.wait()
        try:
            outcomes.append(portal.redeem_login(login.handle))
        except authbridge.AuthBridgeError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=redeem) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signed_in = [o for o in outcomes if isinstance(o, authbridge.RedeemedLogin)]
    assert [o.user_id for o in signed_in] == ["kim"]
    assert all(isinstance(o, authbridge.Conflict) for o in outcomes if o not in signed_in)
    before = snapshot(portal, login.handle)
    assert before[-1][0] is SessionState.REDEEMED
    with pytest.raises(authbridge.Conflict):
        portal.redeem_login(login.handle)
    refused(adapter.post(policy.nopass, "AuthorizedUser", approval(auth_id)), 409, "session_finished")
    assert snapshot(portal, login.handle) == before

    # The asyncio twin: four coroutines at once, one user signed in.
    second, second_id = start_login(portal, sandbox, "lee")
    assert adapter.post(policy.nopass, "AuthorizedUser", approval(second_id)).status == 200

    async def redeem_together() -> List[Any]:
        calls = [portal.aio.redeem_login(second.handle) for _ in range(4)]
        return list(await asyncio.gather(*calls, return_exceptions=True))

    outcomes = asyncio.run(redeem_together())
    assert [o.user_id for o in outcomes if isinstance(o, authbridge.RedeemedLogin)] == ["lee"]
    assert sum(isinstance(o, authbridge.Conflict) for o in outcomes) == 3


class SlowDecider(Recorder):
    """Takes its time over the decisions, so copies of a callback overlap; counts the calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Dict[str, int] = {}

    def _count(self, hook: str, seconds: float) -> None:
        with self.lock:
            self.calls[hook] = self.calls.get(hook, 0) + 1
        time.sleep(seconds)

    def authorized_user(self, event: authbridge.AuthorizationResult) -> None:
        # A copy arriving later finds the login decided: 409 either way.
        self._count("authorized_user", 0.3)
        super().authorized_user(event)

    def delete_user(self, event: authbridge.UserDeletion) -> bool:
        # Nothing is stored, so only an overlapping copy is refused: overlap generously.
        self._count("delete_user", 0.6)
        return super().delete_user(event)


@pytest.mark.parametrize("policy", POLICIES, ids=str)
@pytest.mark.parametrize("kind", ADAPTERS)
def test_concurrent_copies_of_a_callback_reach_the_hook_once(
    kind: str, policy: Policy, sandbox: authbridge.Sandbox
) -> None:
    hooks = SlowDecider()
    portal, adapter = registered_portal(kind, policy, sandbox, hooks)
    login, auth_id = start_login(portal, sandbox, "kim")
    answers = adapter.post_together(policy.nopass, "AuthorizedUser", [approval(auth_id)] * 5)
    assert sorted(a.status for a in answers) == [200, 409, 409, 409, 409], answers
    assert {a.error_code for a in answers if a.status == 409} <= {"in_progress", "session_finished"}
    assert hooks.calls == {"authorized_user": 1}
    session = portal.session(login.handle)
    assert session is not None and session.state is SessionState.AUTHORIZED and session.version == login.version + 1

    deletion = {"userId": "kim", "portalId": PORTAL_ID}
    answers = adapter.post_together(policy.nopass, "DeleteUser", [deletion] * 4)
    assert sorted(a.status for a in answers) == [200, 409, 409, 409], answers
    assert {a.error_code for a in answers if a.status == 409} == {"in_progress"}
    assert hooks.calls == {"authorized_user": 1, "delete_user": 1}


def test_outsiders_are_refused_over_a_real_server(sandbox: authbridge.Sandbox) -> None:
    """uvicorn serving the ASGI app (without rewriting the peer from headers): the sandbox's
    NoPass server and a plain client on this machine, not in the policy, forge their way in
    with X-Forwarded-For and the real `authId`; the NoPass server behind the trusted proxy is
    served."""
    policy = next(p for p in POLICIES if p.name == "sources+proxy")
    hooks = Recorder()
    portal, adapter = registered_portal("asgi", policy, sandbox, hooks)
    login, auth_id = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)
    app = authbridge.asgi.PortalApp(portal)
    with uvicorn_server(app, proxy_headers=False) as url:
        sandbox.nopass.set_portal_url(url)
        refused(Answer(**_reply(sandbox.nopass.authorize(auth_id, True))), 403, "forbidden_source")
        refused(Answer(**_reply(sandbox.nopass.update_picture(auth_id))), 403, "forbidden_source")
        request = urllib.request.Request(
            url + "/api/PortalCommunication/AuthorizedUser",
            data=b'{"authId": "%s", "isAuthorized": true}' % auth_id.encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"{NOPASS_ADDRESS}, {PROXY}"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as forged:
            urllib.request.urlopen(request, timeout=10)
        assert forged.value.code == 403
    assert snapshot(portal, login.handle) == before
    assert hooks.of(authbridge.AuthorizationResult) == hooks.of(authbridge.PictureUpdate) == []
    assert adapter.post(policy.nopass, "AuthorizedUser", approval(auth_id)).status == 200


def _reply(reply: CallbackReply) -> Dict[str, Any]:
    return {"status": reply.status, "headers": {}, "body": reply.body}
