"""Each exception class is raised where it should be, with its attributes filled in."""

from __future__ import annotations

import pickle
import socket
from pathlib import Path

import pytest

import authbridge
from authbridge import Fault, TransportOptions, _errors, _native

from .conftest import CLIENT, PASSWORD, USER

ROUTE = "nevisidm.password_login"
NO_RETRY = TransportOptions(max_attempts=1)


def test_every_core_code_has_a_class() -> None:
    assert sorted(_native.ERROR_CODES) == sorted(_errors.BY_CODE)
    for code, cls in _errors.BY_CODE.items():
        assert issubclass(cls, authbridge.AuthBridgeError)
        assert cls.code == code


def test_families() -> None:
    assert issubclass(authbridge.InvalidInput, ValueError)
    assert issubclass(authbridge.Timeout, TimeoutError)
    assert issubclass(authbridge.ConnectError, authbridge.TransportError)
    assert issubclass(authbridge.ResponseTooLarge, authbridge.TransportError)
    for cls in (
        authbridge.Unauthorized,
        authbridge.NotFound,
        authbridge.Conflict,
        authbridge.RateLimited,
        authbridge.AuthenticationFailed,
        authbridge.HttpStatusError,
    ):
        assert issubclass(cls, authbridge.VendorError)


def test_invalid_input_is_refused_before_sending(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    with pytest.raises(authbridge.InvalidInput) as refused:
        nevis.password_login("", USER, PASSWORD)
    assert refused.value.code == "invalid_input"
    assert refused.value.field == "clientExtId"
    assert "empty" in refused.value.rule
    with pytest.raises(authbridge.InvalidInput) as dots:
        nevis.password_login(CLIENT, "..", PASSWORD)
    assert dots.value.field == "userExtId"
    assert sandbox.request_count(ROUTE) == 0
    with pytest.raises(authbridge.InvalidInput) as url:
        authbridge.NevisClient("ftp://example.com")
    assert url.value.field == "base_url"


def test_unauthorized(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    sandbox.nevis.require_header("Authorization", "Bearer right")
    with pytest.raises(authbridge.Unauthorized) as refused:
        nevis.password_login(CLIENT, USER, PASSWORD)
    assert (refused.value.code, refused.value.status) == ("unauthorized", 401)
    assert refused.value.vendor is authbridge.Vendor.NEVIS


def test_not_found_names_the_vendor_code(nevis: authbridge.NevisClient) -> None:
    with pytest.raises(authbridge.NotFound) as missing:
        nevis.password_login("9999", USER, PASSWORD)
    error = missing.value
    assert (error.code, error.status, error.vendor_code) == ("not_found", 404, "errors.noRecord")
    assert error.vendor_message == "There is no client with external identifier '9999'"


def test_status_faults_map_to_their_families(sandbox: authbridge.Sandbox, nevis_url: str) -> None:
    client = authbridge.NevisClient(nevis_url, transport=NO_RETRY)
    for status, cls in ((409, authbridge.Conflict), (500, authbridge.HttpStatusError), (403, authbridge.Unauthorized)):
        sandbox.arm(ROUTE, Fault.status(status), times=1)
        with pytest.raises(cls) as raised:
            client.password_login(CLIENT, USER, PASSWORD)
        assert raised.value.status == status


def test_rate_limited_carries_retry_after(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    # Longer than the client is willing to wait (max_retry_after 30 s): handed to the caller.
    sandbox.arm(ROUTE, Fault.status(429, retry_after="120"))
    with pytest.raises(authbridge.RateLimited) as limited:
        nevis.password_login(CLIENT, USER, PASSWORD)
    assert limited.value.code == "rate_limited"
    assert limited.value.retry_after == 120.0
    assert sandbox.request_count(ROUTE) == 1


def test_timeout(sandbox: authbridge.Sandbox, nevis_url: str) -> None:
    client = authbridge.NevisClient(nevis_url, transport=TransportOptions(request_timeout=0.2))
    sandbox.arm(ROUTE, Fault.delay(3.0), times=1)
    with pytest.raises(authbridge.Timeout) as late:
        client.password_login(CLIENT, USER, PASSWORD)
    assert late.value.code == "timeout"
    # A password is never sent twice once the server may have seen it.
    assert sandbox.request_count(ROUTE) == 1


def test_reset_after_sending_is_a_transport_error_and_not_replayed(
    sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient
) -> None:
    sandbox.arm(ROUTE, Fault.reset(), times=1)
    with pytest.raises(authbridge.TransportError) as cut:
        nevis.password_login(CLIENT, USER, PASSWORD)
    assert cut.value.code == "transport"
    assert sandbox.request_count(ROUTE) == 1


def test_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = authbridge.NevisClient(f"http://127.0.0.1:{port}", transport=NO_RETRY)
    with pytest.raises(authbridge.ConnectError) as refused:
        client.password_login(CLIENT, USER, PASSWORD)
    assert refused.value.code == "connect"
    assert isinstance(refused.value, authbridge.TransportError)


def test_response_too_large_and_decode(sandbox: authbridge.Sandbox, nevis_url: str) -> None:
    small = authbridge.NevisClient(nevis_url, transport=TransportOptions(max_response_bytes=1000))
    sandbox.arm(ROUTE, Fault.large_body(5000), times=1)
    with pytest.raises(authbridge.ResponseTooLarge):
        small.password_login(CLIENT, USER, PASSWORD)
    sandbox.arm(ROUTE, Fault.large_body(100), times=1)
    with pytest.raises(authbridge.DecodeError) as garbled:
        small.password_login(CLIENT, USER, PASSWORD)
    assert garbled.value.code == "decode"


def test_errors_survive_pickling(nevis: authbridge.NevisClient) -> None:
    with pytest.raises(authbridge.NotFound) as missing:
        nevis.password_login("9999", USER, PASSWORD)
    copy = pickle.loads(pickle.dumps(missing.value))
    assert type(copy) is authbridge.NotFound
    assert (copy.code, copy.status, copy.vendor_code, str(copy)) == (
        "not_found",
        404,
        "errors.noRecord",
        str(missing.value),
    )


def test_no_secret_in_errors(nevis: authbridge.NevisClient) -> None:
    with pytest.raises(authbridge.AuthenticationFailed) as refused:
        nevis.password_login(CLIENT, USER, "hunter2-wrong")
    error = refused.value
    assert "hunter2" not in str(error) + repr(error) + repr(vars(error))


def test_config_error(sandbox: authbridge.Sandbox) -> None:
    # ProcessBiometric needs the biometric application, which this client was not given.
    client = authbridge.AuthxClient(
        sandbox.url("authx"), authbridge.AuthxSandbox.APPLICATION_ID, authbridge.AuthxSandbox.APPLICATION_KEY
    )
    call = authbridge.BiometricCall("guid", authbridge.BiometricKind.FACE, authbridge.BiometricProcess.ENROL)
    with pytest.raises(authbridge.ConfigError) as refused:
        client.process_biometric(call, b"face")
    assert refused.value.code == "config"
    assert sandbox.request_count("authx.ProcessBiometric") == 0


def test_store_error(tmp_path: Path) -> None:
    not_a_database = tmp_path / "portal.sqlite"
    not_a_database.write_bytes(b"this is not an SQLite file, it is plain text" * 100)
    with pytest.raises(authbridge.StoreError) as failed:
        authbridge.Portal("admin", "scode", allowed_sources=["127.0.0.1"], store=not_a_database).status()
    assert failed.value.code == "store"
    with pytest.raises(authbridge.IoError):
        authbridge.Portal("admin", "scode", allowed_sources=["127.0.0.1"], store="/nonexistent-dir/deeper/portal.sqlite")


def test_vendor_error_keeps_the_vendor_code(sandbox: authbridge.Sandbox) -> None:
    client = authbridge.AuthxClient(
        sandbox.url("authx"), authbridge.AuthxSandbox.APPLICATION_ID, authbridge.AuthxSandbox.APPLICATION_KEY
    )
    with pytest.raises(authbridge.VendorError) as refused:
        client.verify_pin("no-such-guid", "1234")
    assert refused.value.code == "vendor"
    assert refused.value.vendor is authbridge.Vendor.AUTHX
    assert refused.value.vendor_code is not None
