"""The sandbox's one generic control entry point: requests as data, answers as data."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest

import authbridge

from .conftest import CLIENT, PASSWORD, USER


def test_a_user_set_up_through_requests_can_log_in(sandbox: authbridge.Sandbox) -> None:
    for request in [
        {"op": "nevis.add_client", "client_ext_id": CLIENT, "name": "Default"},
        {"op": "nevis.add_user", "client_ext_id": CLIENT, "user_ext_id": USER},
        {"op": "nevis.set_password", "client_ext_id": CLIENT, "user_ext_id": USER, "password": PASSWORD},
    ]:
        assert sandbox.control(request) is None
    client = authbridge.NevisClient(sandbox.url(authbridge.Vendor.NEVIS))
    assert client.password_login(CLIENT, USER, PASSWORD).code == 5
    assert sandbox.control({"op": "sandbox.request_count", "route": "nevisidm.password_login"}) == 1
    credential = {"kind": "password"}
    state = {"op": "nevis.credential_state", "client_ext_id": CLIENT, "user_ext_id": USER, "credential": credential}
    assert sandbox.control(state) == "active"


def test_answers_are_json_values(sandbox: authbridge.Sandbox) -> None:
    secret = sandbox.control({"op": "descope.add_totp_user", "login_id": "bob"})
    assert isinstance(secret, str) and len(secret) == 32
    assert sandbox.control({"op": "descope.user", "login_id": "bob"})["loginIds"] == ["bob"]
    answer = sandbox.control_json('{"op": "nopass.has_user", "user_id": "carol"}')
    assert json.loads(answer) is False
    urls = asyncio.run(sandbox.control_async({"op": "sandbox.urls"}))
    assert urls["nevisidm"] == sandbox.url("nevisidm")


def test_bad_requests_are_refused_naming_the_field(sandbox: authbridge.Sandbox) -> None:
    with pytest.raises(authbridge.InvalidInput) as missing:
        sandbox.control({"op": "nevis.add_user", "client_ext_id": CLIENT})
    assert missing.value.field == "user_ext_id" and "nevis.add_user" in missing.value.rule
    with pytest.raises(authbridge.InvalidInput) as group:
        sandbox.control({"op": "acme.add_user"})
    assert group.value.field == "op"
    with pytest.raises(authbridge.InvalidInput) as text:
        sandbox.control_json("not json")
    assert text.value.field == "request"


def test_other_processes_reach_the_same_operations_over_http(sandbox: authbridge.Sandbox) -> None:
    body = json.dumps({"op": "nopass.add_user", "user_id": "dana"}).encode()
    headers = {"Authorization": f"Bearer {sandbox.control_token}", "Content-Type": "application/json"}
    request = urllib.request.Request(sandbox.control_url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.load(answer) == {"result": None}
    assert sandbox.nopass.has_user("dana")

