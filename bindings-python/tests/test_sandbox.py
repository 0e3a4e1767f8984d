"""The sandbox as a context manager, its faults and counters."""

from __future__ import annotations

import pytest

import authbridge
from authbridge import Fault

from .conftest import CLIENT, PASSWORD, USER

ROUTE = "nevisidm.password_login"


def test_urls_and_close() -> None:
    with authbridge.Sandbox() as sandbox:
        url = sandbox.url(authbridge.Vendor.NEVIS)
        assert url.startswith("http://127.0.0.1:")
        assert sandbox.url("nevisidm") == url
        assert sandbox.urls["nevisidm"] == url
        assert url in repr(sandbox)
        assert not sandbox.closed
    assert sandbox.closed
    sandbox.close()  # twice is fine
    with pytest.raises(authbridge.ConfigError, match="closed"):
        sandbox.request_count(ROUTE)
    with pytest.raises(authbridge.ConnectError):
        authbridge.NevisClient(url, transport=authbridge.TransportOptions(max_attempts=1)).password_login(
            CLIENT, USER, PASSWORD
        )


def test_unknown_vendor_name() -> None:
    with authbridge.Sandbox() as sandbox, pytest.raises(ValueError):
        sandbox.url("acme")


def test_counters_and_faults(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    nevis.password_login(CLIENT, USER, PASSWORD)
    nevis.password_login(CLIENT, USER, PASSWORD)
    assert sandbox.request_count(ROUTE) == 2
    sandbox.reset_counts()
    assert sandbox.request_count(ROUTE) == 0

    # A 503 with a short Retry-After is refused unprocessed: the client waits and retries.
    sandbox.arm(ROUTE, Fault.status(503, retry_after="0"), times=1)
    assert nevis.password_login(CLIENT, USER, PASSWORD).code == 5
    assert sandbox.request_count(ROUTE) == 2

    sandbox.arm(ROUTE, Fault.status(500))
    for _ in range(2):
        with pytest.raises(authbridge.HttpStatusError):
            nevis.password_login(CLIENT, USER, PASSWORD)
    sandbox.clear_faults()
    assert nevis.password_login(CLIENT, USER, PASSWORD).code == 5


def test_fault_arguments_are_checked_by_core(sandbox: authbridge.Sandbox) -> None:
    with pytest.raises(authbridge.InvalidInput) as status:
        sandbox.arm(ROUTE, Fault.status(42))
    assert status.value.field == "fault.status"
    with pytest.raises(authbridge.InvalidInput):
        sandbox.arm(ROUTE, Fault.delay(-1.0))
    assert "'reset'" in repr(Fault.reset())
