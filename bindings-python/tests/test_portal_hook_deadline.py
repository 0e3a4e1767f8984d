"""A hook that misses the portal's `hook_timeout`: the NoPass server gets a 503 with
Retry-After at the deadline (not when the hook finally returns), nothing changes even after
the hook returns, and the NoPass server's retry is decided normally."""

from __future__ import annotations

import threading
import time

import pytest

import authbridge
from authbridge import SessionState

from .portal_callers import POLICIES, registered_portal, snapshot, start_login
from .portal_support import Recorder

HOOK_TIMEOUT = 0.5
SLOW = 1.5


class SlowFirstTime(Recorder):
    """Sleeps past the deadline on its first AuthorizedUser, answers at once afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.slow = True
        self.returned = threading.Event()

    def authorized_user(self, event: authbridge.AuthorizationResult) -> None:
        if self.slow:
            self.slow = False
            time.sleep(SLOW)
            super().authorized_user(event)
            self.returned.set()
            return
        super().authorized_user(event)


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_a_hook_past_its_deadline_changes_nothing(kind: str, sandbox: authbridge.Sandbox) -> None:
    policy = POLICIES[0]
    hooks = SlowFirstTime()
    portal, adapter = registered_portal(kind, policy, sandbox, hooks, hook_timeout=HOOK_TIMEOUT)
    login, auth_id = start_login(portal, sandbox, "kim")
    before = snapshot(portal, login.handle)
    approval = {"authId": auth_id, "isAuthorized": True}

    started = time.monotonic()
    answer = adapter.post(policy.nopass, "AuthorizedUser", approval)
    waited = time.monotonic() - started
    assert (answer.status, answer.error_code) == (503, "hook_timeout"), answer
    assert int(answer.headers["retry-after"]) >= 1
    assert waited < SLOW, "the portal waited for the hook instead of answering at its deadline"
    assert snapshot(portal, login.handle) == before

    assert hooks.returned.wait(5), "the slow hook never returned"
    time.sleep(0.1)
    assert snapshot(portal, login.handle) == before, "the late hook's decision was applied"
    with pytest.raises(authbridge.Conflict):
        portal.redeem_login(login.handle)

    assert adapter.post(policy.nopass, "AuthorizedUser", approval).status == 200
    session = portal.session(login.handle)
    assert session is not None and session.state is SessionState.AUTHORIZED
    assert session.version == login.version + 1
