"""Core's traces reach the `authbridge` logger, never with a secret."""

from __future__ import annotations

import asyncio
import logging
from typing import Iterator, List

import pytest

import authbridge

from .conftest import CLIENT, USER
from .portal_support import ADMIN_ID, LOOPBACK, S_CODE, Recorder


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured() -> Iterator[Capture]:
    logger = logging.getLogger("authbridge")
    handler = Capture()
    logger.addHandler(handler)
    old = logger.level
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


SECRET = "pa55-very-secret-word"


def test_each_call_is_one_debug_record_without_secrets(
    sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient, captured: Capture
) -> None:
    sandbox.nevis.set_password(CLIENT, USER, SECRET)
    logging.getLogger("authbridge").setLevel(logging.DEBUG)
    nevis.password_login(CLIENT, USER, SECRET)
    with pytest.raises(authbridge.AuthenticationFailed):
        nevis.password_login(CLIENT, USER, SECRET + "-wrong")
    asyncio.run(nevis.aio.password_login(CLIENT, USER, SECRET))
    calls = [r for r in captured.records if getattr(r, "authbridge", {}).get("operation") == "password_login"]
    assert len(calls) == 3
    for record in calls:
        assert record.levelno == logging.DEBUG
        assert record.name == "authbridge"
        assert record.authbridge["vendor"] == "nevisidm"  # type: ignore[attr-defined]
        assert record.authbridge["status"] == "200"  # type: ignore[attr-defined]
        assert record.authbridge["attempts"] == "1"  # type: ignore[attr-defined]
        assert float(record.authbridge["duration_ms"]) >= 0  # type: ignore[attr-defined]
        assert "nevisidm password_login: POST 127.0.0.1 -> 200" in record.getMessage()
    for record in captured.records:
        assert SECRET not in record.getMessage() + repr(vars(record))


def test_silent_above_debug(nevis: authbridge.NevisClient, captured: Capture) -> None:
    logging.getLogger("authbridge").setLevel(logging.INFO)
    with pytest.raises(authbridge.AuthenticationFailed):
        nevis.password_login(CLIENT, USER, "wrong")
    assert captured.records == []


def test_retries_are_logged(sandbox: authbridge.Sandbox, nevis: authbridge.NevisClient, captured: Capture) -> None:
    logging.getLogger("authbridge").setLevel(logging.DEBUG)
    sandbox.arm("nevisidm.password_login", authbridge.Fault.status(503, retry_after="0"), times=1)
    with pytest.raises(authbridge.AuthenticationFailed):
        nevis.password_login(CLIENT, USER, "wrong")
    messages = [r.getMessage() for r in captured.records]
    assert any("retrying" in m for m in messages), messages
    assert any("(2 attempt(s)" in m for m in messages), messages


def test_each_portal_callback_is_one_record(sandbox: authbridge.Sandbox, captured: Capture) -> None:
    logging.getLogger("authbridge").setLevel(logging.DEBUG)
    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK, hooks=Recorder())
    with portal.serve() as server:
        sandbox.nopass.set_portal_url(server.url)
        registration = sandbox.nopass.register_portal(ADMIN_ID)
    callbacks = [r for r in captured.records if "callback" in getattr(r, "authbridge", {})]
    names = [r.authbridge["callback"] for r in callbacks]  # type: ignore[attr-defined]
    assert names == ["ConfirmPreRegistration", "ConfirmRegistration"], names
    for record in callbacks:
        assert record.authbridge["outcome"] == "accepted"  # type: ignore[attr-defined]
        assert record.authbridge["status"] == "200"  # type: ignore[attr-defined]
    for record in captured.records:
        text = record.getMessage() + repr(vars(record))
        assert ADMIN_ID not in text and registration.auth_token not in text and S_CODE not in text
