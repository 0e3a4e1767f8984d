"""Every nevisIDM login, blocking and asyncio, against the sandbox."""

from __future__ import annotations

import asyncio

import pytest

import authbridge
from authbridge import LoginStatusCode

from .conftest import (
    CLIENT,
    CONTEXT,
    CONTEXT_PASSWORD,
    DEVICE_ID,
    DEVICE_PASSWORD,
    PASSWORD,
    RECOVERY_CODES,
    USER,
)


def test_password_login(nevis: authbridge.NevisClient) -> None:
    status = nevis.password_login(CLIENT, USER, PASSWORD)
    assert status.status is LoginStatusCode.OK
    assert status.code == 5
    assert status.description == "Login Ok"


def test_device_and_context_password_logins(nevis: authbridge.NevisClient) -> None:
    assert nevis.device_password_login(CLIENT, USER, DEVICE_ID, DEVICE_PASSWORD).code == 5
    assert nevis.context_password_login(CLIENT, USER, CONTEXT, CONTEXT_PASSWORD).code == 5
    with pytest.raises(authbridge.AuthenticationFailed):
        nevis.device_password_login(CLIENT, USER, DEVICE_ID, CONTEXT_PASSWORD)
    with pytest.raises(authbridge.NotFound) as missing:
        nevis.context_password_login(CLIENT, USER, "no-such-context", CONTEXT_PASSWORD)
    assert missing.value.vendor_code == "errors.noRecord"


def test_recovery_code_works_once(nevis: authbridge.NevisClient) -> None:
    nevis.recovery_code_login(CLIENT, USER, RECOVERY_CODES[0])
    with pytest.raises(authbridge.AuthenticationFailed) as used:
        nevis.recovery_code_login(CLIENT, USER, RECOVERY_CODES[0])
    assert used.value.status == 400
    assert used.value.vendor_code == "errors.invalidRecoveryCode"
    nevis.recovery_code_login(CLIENT, USER, RECOVERY_CODES[1])


def test_wrong_passwords_lock_the_credential(nevis: authbridge.NevisClient) -> None:
    seen = []
    for _ in range(3):
        with pytest.raises(authbridge.AuthenticationFailed) as refused:
            nevis.password_login(CLIENT, USER, "wrong")
        assert refused.value.vendor is authbridge.Vendor.NEVIS
        assert refused.value.status == 200
        seen.append(refused.value.login_status)
    assert seen == [
        LoginStatusCode.FAILED,
        LoginStatusCode.FAILED_LOCK_WARNING,
        LoginStatusCode.FAILED_LOCKED,
    ]
    # Locked now: even the right password is refused as a conflict (credential not active).
    with pytest.raises(authbridge.Conflict) as locked:
        nevis.password_login(CLIENT, USER, PASSWORD)
    assert locked.value.status == 422
    assert locked.value.vendor_code == "errors.credentialNotActive"


def test_ids_are_one_encoded_path_segment(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    with pytest.raises(authbridge.NotFound):
        nevis.password_login(CLIENT, "a/b?c#d", PASSWORD)
    assert sandbox.nevis.last_raw_path() == "/nevisidm/api/auth/v1/1000/users/a%2Fb%3Fc%23d/password/login/"


def test_caller_authentication_modes(sandbox: authbridge.Sandbox, nevis_url: str) -> None:
    sandbox.nevis.require_header("Authorization", "Bearer service-token")
    with pytest.raises(authbridge.Unauthorized) as refused:
        authbridge.NevisClient(nevis_url).password_login(CLIENT, USER, PASSWORD)
    assert refused.value.status == 401
    assert authbridge.NevisClient(nevis_url, bearer="service-token").password_login(CLIENT, USER, PASSWORD).code == 5

    sandbox.nevis.require_header("Authorization", "Basic c3ZjOmd3LXBhc3M=")  # svc:gw-pass
    assert authbridge.NevisClient(nevis_url, basic=("svc", "gw-pass")).password_login(CLIENT, USER, PASSWORD).code == 5

    sandbox.nevis.require_header("SecToken", "tok-123")
    client = authbridge.NevisClient(nevis_url, header=("SecToken", "tok-123"))
    assert client.password_login(CLIENT, USER, PASSWORD).code == 5

    with pytest.raises(authbridge.InvalidInput) as both:
        authbridge.NevisClient(nevis_url, bearer="a", basic=("b", "c"))
    assert both.value.field == "auth"


def test_every_login_as_asyncio(nevis: authbridge.NevisClient) -> None:
    aio = nevis.aio

    async def run() -> None:
        assert (await aio.password_login(CLIENT, USER, PASSWORD)).code == 5
        assert (await aio.device_password_login(CLIENT, USER, DEVICE_ID, DEVICE_PASSWORD)).code == 5
        assert (await aio.context_password_login(CLIENT, USER, CONTEXT, CONTEXT_PASSWORD)).code == 5
        await aio.recovery_code_login(CLIENT, USER, RECOVERY_CODES[0])
        with pytest.raises(authbridge.AuthenticationFailed):
            await aio.recovery_code_login(CLIENT, USER, RECOVERY_CODES[0])
        with pytest.raises(authbridge.AuthenticationFailed) as refused:
            await aio.password_login(CLIENT, USER, "wrong")
        assert refused.value.login_status is LoginStatusCode.FAILED
        with pytest.raises(authbridge.InvalidInput):
            await aio.password_login(CLIENT, USER, "")

    asyncio.run(run())


def test_async_client_constructed_directly(nevis_url: str) -> None:
    async def run() -> authbridge.LoginStatus:
        client = authbridge.AsyncNevisClient(nevis_url)
        return await client.password_login(CLIENT, USER, PASSWORD)

    assert asyncio.run(run()).status is LoginStatusCode.OK


def test_credential_states_and_lock_policy(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient) -> None:
    control = sandbox.nevis
    control.set_state(CLIENT, USER, ("device_password", DEVICE_ID), "disabled")
    assert control.credential_state(CLIENT, USER, ("device_password", DEVICE_ID)) == "disabled"
    with pytest.raises(authbridge.Conflict):
        nevis.device_password_login(CLIENT, USER, DEVICE_ID, DEVICE_PASSWORD)
    control.set_state(CLIENT, USER, ("device_password", DEVICE_ID), "active")
    assert nevis.device_password_login(CLIENT, USER, DEVICE_ID, DEVICE_PASSWORD).code == 5

    control.set_lock_policy(1, temporary_lock=60)
    with pytest.raises(authbridge.AuthenticationFailed) as locked:
        nevis.context_password_login(CLIENT, USER, CONTEXT, "wrong")
    assert locked.value.login_status is LoginStatusCode.FAILED_TEMPORARILY_LOCKED
    assert control.credential_state(CLIENT, USER, ("context_password", CONTEXT)) == "locked"
    assert control.credential_state(CLIENT, USER, "password") == "active"
    with pytest.raises(ValueError):
        control.set_state(CLIENT, USER, "passkey", "active")
