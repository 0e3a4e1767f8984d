"""Three replicas of one NoPass portal — Rust (embedded receiver), Python (ASGI under uvicorn)
and Node (Express) — sharing one real Redis, with the sandbox's NoPass server sending every
callback to the next replica in turn. Logins and user registrations start on one replica and
are waited on and redeemed on another; then a replica is killed with SIGKILL mid-flow, and
Redis itself is restarted (AOF). No acknowledged change may be lost, and no login redeemed
twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import authbridge
from redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[3]
ADMIN_ID = "JimTheAdmin"
S_CODE = "nDhTZvX82Et"


class Replica:
    """One portal process; `host` is its login-page API, `callbacks` its NoPass endpoint."""

    def __init__(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the {name} replica exited before it served"
        urls = json.loads(line)
        self.callbacks: str = urls["callbacks"]
        self.host: str = urls["host"]

    def call(self, method: str, path: str) -> Tuple[int, Dict[str, Any]]:
        request = urllib.request.Request(self.host + path, method=method, data=b"" if method == "POST" else None)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def sandbox() -> Iterator[authbridge.Sandbox]:
    with authbridge.Sandbox() as sandbox:
        yield sandbox


def start_replicas(redis: RedisServer, sandbox: authbridge.Sandbox) -> List[Replica]:
    env = {
        "AB_STORE": redis.url("shop"),
        "AB_NOPASS_SERVER": sandbox.url("nopass"),
        "AB_ADMIN_ID": ADMIN_ID,
        "AB_SCODE": S_CODE,
        "AUTHBRIDGE_NODE": str(ROOT / "bindings-node"),
    }
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return [
        Replica("rust", [str(target / "debug" / "examples" / "portal_replica")], env),
        Replica("python", ["python", str(Path(__file__).with_name("python_replica.py"))], env),
        Replica("node", ["node", str(Path(__file__).with_name("node_replica.mjs"))], env),
    ]


def wait_until(replica: Replica, handle: str, state: str) -> None:
    seen = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, session = replica.call("GET", f"/host/wait/{handle}?seen={seen}")
        assert status == 200, (replica.name, session)
        if session["state"] == state:
            return
        seen = session["version"]
    raise AssertionError(f"{handle} never became {state} on {replica.name}")


def test_three_replicas_in_three_languages_act_as_one_portal(redis: RedisServer, sandbox: authbridge.Sandbox) -> None:
    replicas = start_replicas(redis, sandbox)
    try:
        nopass = sandbox.nopass
        nopass.set_portal_urls([r.callbacks for r in replicas])
        nopass.set_redeliveries(20)
        # ConfirmPreRegistration lands on one replica, ConfirmRegistration on the next.
        nopass.register_portal(ADMIN_ID)
        redeemed: Dict[str, str] = {}

        def log_in(user: str, start: Replica, wait: Replica, redeem: Replica) -> None:
            nopass.add_user(user)
            status, login = start.call("POST", f"/host/login/{user}")
            assert status == 200, (start.name, login)
            auth_id = nopass.last_auth_id(user)
            assert auth_id is not None
            nopass.drive_login(auth_id, 2, True)
            wait_until(wait, login["handle"], "authorized")
            status, signed_in = redeem.call("POST", f"/host/redeem/{login['handle']}")
            assert (status, signed_in.get("userId")) == (200, user), (redeem.name, signed_in)
            redeemed[login["handle"]] = user

        # Every combination of start, wait and redeem over the three languages.
        for n in range(9):
            log_in(f"user{n}", replicas[n % 3], replicas[(n + 1) % 3], replicas[(n + 2) % 3])

        # A user registration started on Node, confirmed through the rotation, redeemed on Python.
        status, started = replicas[2].call("POST", "/host/register/newcomer")
        assert status == 200, started
        nopass.complete_user_registration("newcomer")
        wait_until(replicas[0], started["handle"], "authorized")
        status, signed_in = replicas[1].call("POST", f"/host/redeem/{started['handle']}")
        assert (status, signed_in.get("userId")) == (200, "newcomer"), signed_in
        redeemed[started["handle"]] = "newcomer"

        # Authorised but not yet redeemed when the Rust replica is killed mid-flow: the
        # callbacks meant for it are redelivered to the others.
        nopass.add_user("survivor")
        status, survivor = replicas[0].call("POST", "/host/login/survivor")
        assert status == 200, survivor
        replicas[0].kill()
        auth_id = nopass.last_auth_id("survivor")
        assert auth_id is not None
        nopass.drive_login(auth_id, 3, True)
        live = replicas[1:]
        wait_until(live[0], survivor["handle"], "authorized")

        # Redis itself restarts (AOF, fsync always): the acknowledged authorisation survives.
        redis.restart()
        wait_until(live[1], survivor["handle"], "authorized")
        status, signed_in = live[1].call("POST", f"/host/redeem/{survivor['handle']}")
        assert (status, signed_in.get("userId")) == (200, "survivor"), signed_in
        redeemed[survivor["handle"]] = "survivor"

        # After the restart the replicas work on: a new login through both survivors.
        log_in("late", live[0], live[1], live[0])

        # No login is redeemed twice, on any replica.
        for handle in redeemed:
            for replica in live:
                status, refused = replica.call("POST", f"/host/redeem/{handle}")
                assert (status, refused["code"]) == (409, "conflict"), (replica.name, refused)
    finally:
        for replica in replicas:
            replica.stop()
