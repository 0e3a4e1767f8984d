"""The access-policy keywords of `Portal(...)`: what a portal refuses to be built with, and how
each check answers a caller who fails it (before the body is read)."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

import authbridge

from .portal_callers import SECRET, Adapter, Caller, Policy
from .portal_support import ADMIN_ID, S_CODE

PRE_REGISTRATION: Dict[str, Any] = {"adminId": ADMIN_ID, "r": 1}


@pytest.mark.parametrize(
    "options, field",
    [
        ({"accept_any_source": True, "allowed_sources": ["192.0.2.0/24"]}, "access"),
        ({"trusted_proxies": ["10.0.0.1"]}, "access"),
        ({"trusted_proxies": ["10.0.0.1"], "shared_secret_bearer": SECRET}, "trusted_proxies"),
        ({"allowed_sources": ["192.0.2.0/33"]}, "allowed_sources"),
        ({"allowed_sources": ["192.0.2.0/24"], "trusted_proxies": ["proxy.internal"]}, "trusted_proxies"),
        ({"shared_secret_header": ("X-Portal-Secret", "short")}, "shared_secret"),
        ({"shared_secret_bearer": "short"}, "shared_secret"),
        ({"shared_secret_header": ("X-Portal-Secret", SECRET), "shared_secret_bearer": SECRET}, "shared_secret"),
        ({"accept_any_source": True, "hook_timeout": 0}, "hook_timeout"),
        ({"accept_any_source": True, "redeem_ttl": 0}, "redeem_ttl"),
        ({"accept_any_source": True, "pre_registration_ttl": 0}, "pre_registration_ttl"),
    ],
)
def test_invalid_policies_and_timings_are_refused(options: Dict[str, Any], field: str) -> None:
    with pytest.raises(authbridge.InvalidInput) as refusal:
        authbridge.Portal(ADMIN_ID, S_CODE, **options)
    assert refusal.value.field == field


def test_a_single_address_string_is_not_a_list_of_sources() -> None:
    with pytest.raises(TypeError):
        authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources="192.0.2.0/24")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_each_check_answers_before_the_body(kind: str) -> None:
    bearer = Policy("bearer", {"shared_secret_bearer": SECRET}, Caller("192.0.2.1"))
    portal = authbridge.Portal(ADMIN_ID, S_CODE, **bearer.options)
    answer = Adapter(kind, portal).post(Caller("192.0.2.1"), "ConfirmPreRegistration", PRE_REGISTRATION)
    assert (answer.status, answer.error_code) == (401, "unauthorized")
    assert answer.headers["www-authenticate"] == "Bearer"

    # No adapter of another server can vouch for a TLS client certificate.
    portal = authbridge.Portal(ADMIN_ID, S_CODE, require_client_certificate=True)
    answer = Adapter(kind, portal).post(Caller("192.0.2.1"), "ConfirmPreRegistration", PRE_REGISTRATION)
    assert (answer.status, answer.error_code) == (403, "client_certificate_required")

    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=["192.0.2.0/24"])
    adapter = Adapter(kind, portal)
    for peer in ("testclient", "", "fe80::1%eth0"):
        answer = adapter.post(Caller(peer), "ConfirmPreRegistration", PRE_REGISTRATION)
        assert (answer.status, answer.error_code) == (403, "forbidden_source"), peer
    assert adapter.post(Caller("::ffff:192.0.2.1"), "ConfirmPreRegistration", PRE_REGISTRATION).status == 200
    assert authbridge.PortalPhase.PRE_REGISTERED is portal.status().phase


def test_handle_takes_the_peer_as_an_address() -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=["192.0.2.0/24"])
    body = json.dumps(PRE_REGISTRATION).encode()
    path = "/api/PortalCommunication/ConfirmPreRegistration"
    headers = [("Content-Type", "application/json"), ("X-Forwarded-For", "192.0.2.1")]
    assert portal.handle("POST", path, headers, body, peer="203.0.113.9").status == 403
    assert portal.handle("POST", path, headers, body).status == 403
    with pytest.raises(ValueError):
        portal.handle("POST", path, headers, body, peer="not-an-address")
    assert portal.handle("POST", path, headers, body, peer="192.0.2.200").status == 200
