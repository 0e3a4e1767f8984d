"""Result objects, enums and options: typed, comparable, and safe to print."""

from __future__ import annotations

import authbridge
from authbridge import LoginStatusCode, Vendor

from .conftest import CLIENT, PASSWORD, USER


def test_login_status_value_object(nevis: authbridge.NevisClient) -> None:
    first = nevis.password_login(CLIENT, USER, PASSWORD)
    second = nevis.password_login(CLIENT, USER, PASSWORD)
    assert first == second
    assert repr(first) == "LoginStatus(status=<LoginStatusCode.OK: 'ok'>, code=5, description='Login Ok')"


def test_enums_are_python_enums() -> None:
    assert Vendor("nevisidm") is Vendor.NEVIS
    assert isinstance(Vendor.NEVIS, str) and Vendor.NEVIS.value == "nevisidm"
    assert LoginStatusCode("failed_locked") is LoginStatusCode.FAILED_LOCKED
    assert [v.value for v in Vendor] == ["nevisidm", "authx", "descope", "otpone", "nopass"]


def test_clients_do_not_print_credentials(nevis_url: str) -> None:
    client = authbridge.NevisClient(nevis_url, basic=("svc", "gateway-pass"))
    assert "gateway-pass" not in repr(client)
    options = authbridge.TransportOptions(proxy="http://user:proxy-pass@proxy:8080", request_timeout=5)
    assert "proxy-pass" not in repr(options)
    assert options.request_timeout == 5.0
