"""Who calls the portal, and how: the access policies under test, the NoPass server and the
outsiders each of them sees, and the portal's ASGI and WSGI apps called directly with the
scope or environ a server would build for such a caller (peer address and headers as sent).

A portal here is registered and its logins started the way the real NoPass server does it,
through the adapter; the sandbox's NoPass server is told about that registration so the
portal's own calls (RequestAuthorization) reach it.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import struct
import threading
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

import authbridge
import authbridge.asgi
import authbridge.wsgi

from .portal_support import ADMIN_ID, S_CODE

PORTAL_ID = "3f0c2b1e-portal"
AUTH_TOKEN = "portal-bearer-token-0123456789"
SECRET = "x-portal-secret-0123456789abcdef"
BASE = "/api/PortalCommunication/"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


#: A valid 1x1 grey PNG in base64, as UpdatePicture carries it (an attacker's picture).
PNG = base64.b64encode(
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _chunk(b"IDAT", zlib.compress(b"\x00\x7f"))
    + _chunk(b"IEND", b"")
).decode()


@dataclass(frozen=True)
class Caller:
    """A client as the portal's server sees it: the socket peer and the headers it sent."""

    peer: Optional[str]
    headers: Tuple[Tuple[str, str], ...] = ()

    def forging(self, address: str) -> "Caller":
        """The same caller with a forged ``X-Forwarded-For`` entry in front of whatever the
        header held (a proxy appends to what the client sent)."""
        kept = [(n, v) for n, v in self.headers if n.lower() != "x-forwarded-for"]
        sent = [v for n, v in self.headers if n.lower() == "x-forwarded-for"]
        forwarded = ", ".join([address, *sent])
        return replace(self, headers=(*kept, ("X-Forwarded-For", forwarded)))


@dataclass(frozen=True)
class Policy:
    """An access policy: the ``Portal`` keywords, how the NoPass server reaches the portal,
    and callers who are not allowed (none when every caller is)."""

    name: str
    options: Dict[str, Any]
    nopass: Caller
    outsiders: Tuple[Caller, ...] = field(default=())

    def __str__(self) -> str:
        return self.name


NOPASS_ADDRESS = "192.0.2.10"
ATTACKER = "203.0.113.66"
PROXY = "10.0.0.1"

POLICIES = [
    Policy(
        "sources",
        {"allowed_sources": ["192.0.2.0/24"]},
        Caller(NOPASS_ADDRESS),
        (Caller(ATTACKER), Caller(ATTACKER).forging(NOPASS_ADDRESS), Caller(None)),
    ),
    Policy(
        "sources+proxy",
        {"allowed_sources": ["192.0.2.0/24"], "trusted_proxies": [PROXY]},
        Caller(PROXY).forging(NOPASS_ADDRESS),
        (
            # Through the proxy, which appends the attacker's address to the forged header.
            Caller(PROXY).forging(ATTACKER).forging(NOPASS_ADDRESS),
            # Straight to the portal, forging the header itself.
            Caller(ATTACKER).forging(NOPASS_ADDRESS),
        ),
    ),
    Policy(
        "shared-secret",
        {"shared_secret_header": ("X-Portal-Secret", SECRET)},
        Caller(ATTACKER, (("X-Portal-Secret", SECRET),)),
        (Caller(NOPASS_ADDRESS), Caller(NOPASS_ADDRESS, (("X-Portal-Secret", SECRET[:-1] + "?"),))),
    ),
    Policy(
        "bearer-secret",
        {"shared_secret_bearer": SECRET},
        Caller(ATTACKER, (("Authorization", f"Bearer {SECRET}"),)),
        (Caller(NOPASS_ADDRESS, (("Authorization", "Bearer guess"),)), Caller(NOPASS_ADDRESS)),
    ),
    Policy("any-source", {"accept_any_source": True}, Caller(ATTACKER)),
]
GUARDED = [p for p in POLICIES if p.outsiders]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Dict[str, str]
    body: Any

    @property
    def error_code(self) -> Optional[str]:
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return str(errors[0]["code"]) if errors else None


def _answer(status: int, headers: List[Tuple[str, str]], body: bytes) -> Answer:
    return Answer(status, {n.lower(): v for n, v in headers}, json.loads(body) if body else None)


async def _asgi(app: authbridge.asgi.PortalApp, caller: Caller, callback: str, body: bytes) -> Answer:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": BASE + callback,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json-patch+json")]
        + [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in caller.headers],
        "client": (caller.peer, 40000) if caller.peer else None,
        "server": ("portal.example", 443),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: List[Dict[str, Any]] = []

    async def receive() -> Dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await app(scope, receive, send)
    start = sent[0]
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in start["headers"]]
    return _answer(start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:]))


def _wsgi(app: authbridge.wsgi.PortalApp, caller: Caller, callback: str, body: bytes) -> Answer:
    environ: Dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": BASE + callback,
        "QUERY_STRING": "",
        "SERVER_NAME": "portal.example",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json-patch+json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "https",
    }
    if caller.peer:
        environ["REMOTE_ADDR"] = caller.peer
    for name, value in caller.headers:
        key = "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    started: List[Any] = []

    def start_response(status: str, headers: List[Tuple[str, str]], exc_info: Any = None) -> None:
        started.extend([int(status.split()[0]), headers])

    chunks = b"".join(app(environ, start_response))
    return _answer(started[0], started[1], chunks)


class Adapter:
    """The portal's ASGI or WSGI app, called as a server would call it."""

    def __init__(self, kind: str, portal: authbridge.Portal) -> None:
        self.kind = kind
        # Only the app of this kind: the WSGI one refuses a portal with async hooks.
        if kind == "asgi":
            self.asgi = authbridge.asgi.PortalApp(portal)
        else:
            self.wsgi = authbridge.wsgi.PortalApp(portal)

    def post(self, caller: Caller, callback: str, body: Dict[str, Any]) -> Answer:
        return self.post_together(caller, callback, [body])[0]

    async def post_async(self, caller: Caller, callback: str, body: Dict[str, Any]) -> Answer:
        """Calls the ASGI app on the running loop."""
        return await _asgi(self.asgi, caller, callback, json.dumps(body).encode())

    def post_together(self, caller: Caller, callback: str, bodies: Sequence[Dict[str, Any]]) -> List[Answer]:
        """Sends the bodies at the same time (one asyncio task or one thread each)."""
        raw = [json.dumps(b).encode() for b in bodies]
        if self.kind == "asgi":

            async def all_at_once() -> List[Answer]:
                return list(await asyncio.gather(*(_asgi(self.asgi, caller, callback, b) for b in raw)))

            return asyncio.run(all_at_once())
        answers: List[Optional[Answer]] = [None] * len(raw)
        gate = threading.Barrier(len(raw))

        def one(i: int) -> None:
            gate.wait()
            answers[i] = _wsgi(self.wsgi, caller, callback, raw[i])

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(raw))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [a for a in answers if a is not None]


def new_portal(sandbox: authbridge.Sandbox, policy: Policy, hooks: Any = None, **options: Any) -> authbridge.Portal:
    return authbridge.Portal(
        ADMIN_ID, S_CODE, server_url=sandbox.url(authbridge.Vendor.NOPASS), hooks=hooks, **policy.options, **options
    )


def register(adapter: Adapter, policy: Policy, sandbox: authbridge.Sandbox) -> None:
    """Registers the portal as the NoPass console does, through the adapter."""
    first = adapter.post(policy.nopass, "ConfirmPreRegistration", {"adminId": ADMIN_ID, "r": 41})
    assert first.status == 200, first
    second = adapter.post(
        policy.nopass, "ConfirmRegistration", {"portalId": PORTAL_ID, "authToken": AUTH_TOKEN, "settings": "{}"}
    )
    assert second.status == 200, second
    sandbox.nopass.set_registration(PORTAL_ID, AUTH_TOKEN, S_CODE)


def start_login(portal: authbridge.Portal, sandbox: authbridge.Sandbox, user: str) -> Tuple[authbridge.LoginSession, str]:
    """A login the portal started: the session (what the host and browser get) and the
    `authId` (what only the NoPass server knows)."""
    sandbox.nopass.add_user(user)
    session = portal.request_authorization(user)
    auth_id = sandbox.nopass.last_auth_id(user)
    assert auth_id is not None
    return session, auth_id


def snapshot(portal: authbridge.Portal, *handles: str) -> Tuple[Any, ...]:
    """Everything an attack could change: the registration and the sessions' states."""
    status = portal.status()
    sessions = []
    for handle in handles:
        s = portal.session(handle)
        sessions.append(None if s is None else (s.state, s.version, s.pictures, s.image, s.reason))
    return (status.phase, status.portal_id, status.auth_token, status.version, *sessions)


def registered_portal(
    kind: str, policy: Policy, sandbox: authbridge.Sandbox, hooks: Any = None, **options: Any
) -> Tuple[authbridge.Portal, Adapter]:
    """A portal under `policy`, registered by the NoPass server through the `kind` adapter."""
    portal = new_portal(sandbox, policy, hooks, **options)
    adapter = Adapter(kind, portal)
    register(adapter, policy, sandbox)
    return portal, adapter
