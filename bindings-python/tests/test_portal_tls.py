"""`Portal.serve(...)` with its receiver options: mutual TLS that satisfies
`require_client_certificate=True` and refuses other callers at the handshake, TLS without a
client CA that satisfies it for no one, unusable PEM as a `ConfigError` that does not quote
the key, and a header read timeout that closes a silent connection. The certificates are made
by trustme for each test module; the NoPass server is played by `http.client`."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

import pytest
import trustme

import authbridge
from authbridge import PortalPhase

from .portal_support import ADMIN_ID, S_CODE

CALLBACK = "/api/PortalCommunication/ConfirmPreRegistration"
PRE_REGISTRATION = json.dumps({"adminId": ADMIN_ID, "r": 41}).encode()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("localhost", "127.0.0.1")


@pytest.fixture(scope="module")
def client_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("nopass-server")


@pytest.fixture(scope="module")
def stranger_cert() -> trustme.LeafCert:
    """A client certificate from a CA the receiver does not know."""
    return trustme.CA().issue_cert("stranger")


def tls(server_cert: trustme.LeafCert) -> Dict[str, Any]:
    return {"tls_cert_pem": server_cert.cert_chain_pems[0].bytes(), "tls_key_pem": server_cert.private_key_pem.bytes()}


def portal() -> authbridge.Portal:
    return authbridge.Portal(ADMIN_ID, S_CODE, require_client_certificate=True)


def pre_register(url: str, ca: trustme.CA, identity: Optional[trustme.LeafCert] = None) -> Tuple[int, Any]:
    """Sends the pre-registration callback over HTTPS, trusting `ca` and presenting `identity`."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    if identity is not None:
        identity.configure_cert(context)
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    connection = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=10)
    try:
        connection.request("POST", CALLBACK, PRE_REGISTRATION, {"Content-Type": "application/json-patch+json"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        connection.close()


def test_mutual_tls_answers_the_nopass_servers_certificate_and_refuses_others_at_the_handshake(
    ca: trustme.CA, server_cert: trustme.LeafCert, client_cert: trustme.LeafCert, stranger_cert: trustme.LeafCert
) -> None:
    served = portal()
    with served.serve(**tls(server_cert), client_ca_pem=ca.cert_pem.bytes()) as server:
        assert server.url.startswith("https://127.0.0.1:")
        for identity in (None, stranger_cert):
            # With TLS 1.3 the client finishes its side of the handshake first, so the refusal
            # shows on the first read or write: the server's alert, or the connection closed
            # before it was read. Either way no answer comes.
            with pytest.raises((ssl.SSLError, ConnectionError)):
                pre_register(server.url, ca, identity)
        assert served.status().phase is PortalPhase.UNREGISTERED

        status, body = pre_register(server.url, ca, client_cert)
        assert status == 200, body
        assert body["result"]["r"] == 42
        assert served.status().phase is PortalPhase.PRE_REGISTERED


def test_tls_without_a_client_ca_refuses_every_caller(
    ca: trustme.CA, server_cert: trustme.LeafCert, client_cert: trustme.LeafCert, stranger_cert: trustme.LeafCert
) -> None:
    served = portal()
    # PEM as str works as well as bytes.
    cert = server_cert.cert_chain_pems[0].bytes().decode()
    key = server_cert.private_key_pem.bytes().decode()
    with served.serve(tls_cert_pem=cert, tls_key_pem=key) as server:
        assert server.url.startswith("https://")
        # A certificate the receiver did not ask for proves nothing.
        for identity in (None, client_cert, stranger_cert):
            status, body = pre_register(server.url, ca, identity)
            assert (status, body["errors"][0]["code"]) == (403, "client_certificate_required")
        assert served.status().phase is PortalPhase.UNREGISTERED


SECRET_LINE = "c2VjcmV0IGtleSBtYXRlcmlhbA==!"


@pytest.mark.parametrize(
    "case",
    ["broken key", "no key", "another certificate's key", "no certificate", "client CA bundle", "certificate alone",
     "client CA alone"],
)
def test_unusable_pem_is_a_config_error_that_does_not_quote_the_key(
    case: str, ca: trustme.CA, server_cert: trustme.LeafCert, client_cert: trustme.LeafCert
) -> None:
    good = tls(server_cert)
    cases: Dict[str, Dict[str, Any]] = {
        "broken key": {**good, "tls_key_pem": f"-----BEGIN PRIVATE KEY-----\n{SECRET_LINE}\n-----END PRIVATE KEY-----\n"},
        "no key": {**good, "tls_key_pem": "no key here"},
        "another certificate's key": {**good, "tls_key_pem": client_cert.private_key_pem.bytes()},
        "no certificate": {**good, "tls_cert_pem": b""},
        "client CA bundle": {**good, "client_ca_pem": "not a certificate"},
        "certificate alone": {"tls_cert_pem": good["tls_cert_pem"]},
        "client CA alone": {"client_ca_pem": ca.cert_pem.bytes()},
    }
    options = cases[case]
    with pytest.raises(authbridge.ConfigError) as refusal:
        portal().serve(**options)
    assert refusal.value.code == "config"
    shown = f"{refusal.value} {refusal.value!r}"
    assert "c2VjcmV0" not in shown and "no key here" not in shown and "PRIVATE KEY" not in shown, shown


def test_limits_that_refuse_every_callback_are_refused() -> None:
    limits: Tuple[Dict[str, Any], ...] = ({"header_read_timeout": 0.0}, {"idle_timeout": 0.0}, {"max_connections": 0})
    for limit in limits:
        with pytest.raises(authbridge.ConfigError):
            portal().serve(**limit)
    with pytest.raises(ValueError, match="body_read_timeout"):
        portal().serve(body_read_timeout=-1.0)


def test_a_silent_connection_is_closed_after_the_header_read_timeout() -> None:
    # The defaults would keep it 5 s (the idle timeout).
    with portal().serve(header_read_timeout=0.5, idle_timeout=60.0, shutdown_grace=0.1) as server:
        assert server.url.startswith("http://")
        parts = urlsplit(server.url)
        assert parts.hostname and parts.port
        opened = time.monotonic()
        with socket.create_connection((parts.hostname, parts.port), timeout=3) as connection:
            try:
                received = connection.recv(1)
            except socket.timeout:
                pytest.fail("a connection that sent nothing is still open after 3 s")
            except ConnectionResetError:
                received = b""
        held = time.monotonic() - opened
        assert received == b"" and held >= 0.4, (received, held)
