"""A caller the portal refuses whatever its body says is answered before the adapters read a
byte of the body: a refused source cannot make the portal read (up to) a megabyte."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any, Dict, List, MutableMapping

import authbridge
import authbridge.asgi
import authbridge.wsgi

PATH = "/api/PortalCommunication/AuthorizedUser"
BODY = json.dumps({"authId": "a", "isAuthorized": True}).encode()


def portal() -> authbridge.Portal:
    return authbridge.Portal("JimTheAdmin", "nDhTZvX82Et", allowed_sources=["192.0.2.0/24"])


class Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body of a refused caller was read")


def asgi_call(app: authbridge.asgi.PortalApp, client: str, readable: bool) -> List[MutableMapping[str, Any]]:
    sent: List[MutableMapping[str, Any]] = []

    async def receive() -> Dict[str, Any]:
        assert readable, "the body of a refused caller was read"
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
    scope = {"type": "http", "method": "POST", "path": PATH, "root_path": "", "headers": headers, "client": (client, 4711)}
    asyncio.run(app(scope, receive, send))
    return sent


def test_asgi_answers_a_refused_source_without_reading_its_body() -> None:
    app = authbridge.asgi.PortalApp(portal())
    refused = asgi_call(app, "203.0.113.66", readable=False)
    assert refused[0]["status"] == 403
    assert json.loads(refused[1]["body"])["errors"][0]["code"] == "forbidden_source"
    # The NoPass server's callback is read and handled (refused by the state machine).
    handled = asgi_call(app, "192.0.2.10", readable=True)
    assert json.loads(handled[1]["body"])["errors"][0]["code"] == "not_registered"


def wsgi_call(app: authbridge.wsgi.PortalApp, client: str, body: io.IOBase) -> Dict[str, Any]:
    seen: Dict[str, Any] = {}

    def start_response(status: str, headers: List[Any]) -> None:
        seen["status"] = int(status.split()[0])

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": PATH,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(BODY)),
        "REMOTE_ADDR": client,
        "wsgi.input": body,
    }
    seen["body"] = json.loads(b"".join(app(environ, start_response)))
    return seen


def test_wsgi_answers_a_refused_source_without_reading_its_body() -> None:
    app = authbridge.wsgi.PortalApp(portal())
    refused = wsgi_call(app, "203.0.113.66", Unreadable())
    assert (refused["status"], refused["body"]["errors"][0]["code"]) == (403, "forbidden_source")
    handled = wsgi_call(app, "192.0.2.10", io.BytesIO(BODY))
    assert handled["body"]["errors"][0]["code"] == "not_registered"
