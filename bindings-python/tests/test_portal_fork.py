"""The SQLite store across `fork()`, as gunicorn `--preload` uses it: the portal is built and
serves callbacks in the parent, a forked child serves callbacks on the same portal object
(core gives the child a connection of its own), the parent serves more once the child is
done, and the file is intact with every change in it, read with Python's own sqlite3."""

from __future__ import annotations

import json
import os
import sqlite3
import traceback
from pathlib import Path
from typing import Any, Dict, List

import pytest

import authbridge

from .portal_callers import PNG, POLICIES, PORTAL_ID, Adapter, Policy, registered_portal, start_login
from .portal_support import Recorder


def picture(auth_id: str) -> Dict[str, Any]:
    return {"authId": auth_id, "image": PNG, "nextChange": 30000}


def serve_in_child(adapter: Adapter, policy: Policy, calls: List[Any], report: Path) -> None:
    """The child's work: never returns (no pytest teardown runs in the child)."""
    code = 1
    try:
        statuses = [adapter.post(policy.nopass, callback, body).status for callback, body in calls]
        report.write_text(json.dumps(statuses))
        code = 0 if statuses == [200] * len(calls) else 1
    except BaseException:
        report.write_text(traceback.format_exc())
        code = 2
    finally:
        os._exit(code)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() of a process with threads (3.12+)
def test_sqlite_store_across_fork(sandbox: authbridge.Sandbox, tmp_path: Path) -> None:
    database = tmp_path / "portal.sqlite"
    policy = POLICIES[0]
    portal, adapter = registered_portal("wsgi", policy, sandbox, Recorder(), store=database)
    (ann, ann_id), (bob, bob_id), (cy, cy_id) = (start_login(portal, sandbox, u) for u in ("ann", "bob", "cy"))
    assert adapter.post(policy.nopass, "UpdatePicture", picture(ann_id)).status == 200

    report = tmp_path / "child.txt"
    child_calls = [
        ("AuthorizedUser", {"authId": ann_id, "isAuthorized": True}),
        ("UpdatePicture", picture(bob_id)),
        ("UpdatePicture", picture(bob_id)),
    ]
    pid = os.fork()
    if pid == 0:
        serve_in_child(adapter, policy, child_calls, report)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, report.read_text() if report.exists() else "no report"

    assert adapter.post(policy.nopass, "UpdatePicture", picture(bob_id)).status == 200
    assert adapter.post(policy.nopass, "AuthorizedUser", {"authId": cy_id, "isAuthorized": False}).status == 200
    assert portal.redeem_login(ann.handle).user_id == "ann"  # authorised by the child

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        sessions = {row[0]: row[1:] for row in db.execute("SELECT handle, user_id, state, pictures FROM sessions")}
        registered = db.execute("SELECT phase, portal_id FROM portal").fetchall()
    assert registered == [("registered", PORTAL_ID)]
    assert sessions == {
        ann.handle: ("ann", "redeemed", 2),
        bob.handle: ("bob", "pending", 4),
        cy.handle: ("cy", "denied", 1),
    }
