"""Shared fixtures: a fresh sandbox per test, and a nevisIDM client set up against it."""

from __future__ import annotations

from typing import Iterator

import pytest

import authbridge

CLIENT = "1000"
USER = "alice"
PASSWORD = "correct horse battery staple"
DEVICE_ID = "phone-1"
DEVICE_PASSWORD = "device-secret-1"
CONTEXT = "intranet"
CONTEXT_PASSWORD = "context-secret-1"
RECOVERY_CODES = ["RC-1111", "RC-2222"]


@pytest.fixture
def sandbox() -> Iterator[authbridge.Sandbox]:
    with authbridge.Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def nevis_url(sandbox: authbridge.Sandbox) -> str:
    control = sandbox.nevis
    control.add_client(CLIENT)
    control.add_user(CLIENT, USER)
    control.set_password(CLIENT, USER, PASSWORD)
    control.add_device_password(CLIENT, USER, DEVICE_ID, DEVICE_PASSWORD)
    control.add_context_password(CLIENT, USER, CONTEXT, CONTEXT_PASSWORD)
    control.add_recovery_codes(CLIENT, USER, RECOVERY_CODES)
    return sandbox.url(authbridge.Vendor.NEVIS)


@pytest.fixture
def nevis(nevis_url: str) -> authbridge.NevisClient:
    return authbridge.NevisClient(nevis_url)
