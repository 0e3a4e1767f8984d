"""One replica of a NoPass portal in Python, under uvicorn, for the multi-replica test and
benchmark (see portal_replica.rs for the contract every replica keeps).

The ASGI portal app answers the NoPass server's callbacks; a small ASGI host API is what a
login page would call. Environment: AB_STORE, AB_NOPASS_SERVER, AB_ADMIN_ID, AB_SCODE. Prints
``{"callbacks": url, "host": url}`` once serving.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from typing import Any, Awaitable, Callable, Dict, MutableMapping, Tuple

import uvicorn

import authbridge
import authbridge.asgi

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

STATUS = {"conflict": 409, "not_found": 404, "authentication_failed": 403}


class OwnRegistrations(authbridge.PortalHooks):
    """Accepts the registrations this portal started, and no other."""

    def validate_user_registration(self, event: authbridge.UserRegistrationCheck) -> bool:
        return event.origin == authbridge.RegistrationOrigin.PORTAL


portal = authbridge.Portal(
    os.environ["AB_ADMIN_ID"],
    os.environ["AB_SCODE"],
    allowed_sources=["127.0.0.0/8"],
    server_url=os.environ["AB_NOPASS_SERVER"],
    store=os.environ["AB_STORE"],
    hooks=OwnRegistrations(),
)
callbacks = authbridge.asgi.PortalApp(portal)


async def host_call(method: str, path: str, query: str) -> Tuple[int, Dict[str, Any]]:
    parts = path.strip("/").split("/")
    aio = portal.aio
    try:
        if method == "POST" and parts[:2] == ["host", "login"]:
            return 200, {"handle": (await aio.request_authorization(parts[2])).handle}
        if method == "POST" and parts[:2] == ["host", "register"]:
            return 200, {"handle": (await aio.pre_register_user(parts[2])).handle}
        if method == "GET" and parts[:2] == ["host", "wait"]:
            seen = int(query[len("seen=") :]) if query.startswith("seen=") else 0
            session = await aio.wait_session(parts[2], seen, timeout=10)
            return 200, {"state": session.state.value, "version": session.version}
        if method == "POST" and parts[:2] == ["host", "redeem"]:
            return 200, {"userId": (await aio.redeem_login(parts[2])).user_id}
    except authbridge.AuthBridgeError as error:
        return STATUS.get(error.code, 500), {"code": error.code, "message": str(error)}
    return 404, {"code": "not_found"}


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http" or not scope["path"].startswith("/host/"):
        await callbacks(scope, receive, send)
        return
    status, body = await host_call(scope["method"], scope["path"], scope.get("query_string", b"").decode())
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def main() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d" % sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", proxy_headers=False, lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    print(json.dumps({"callbacks": url, "host": url}), flush=True)
    await serving


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
