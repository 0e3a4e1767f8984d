"""ASGI adapter for the NoPass portal (FastAPI, Starlette, Quart, plain uvicorn).

    app = authbridge.asgi.PortalApp(portal)            # serve it on its own, or
    fastapi_app.mount("/api/PortalCommunication", app)  # mount it (any prefix works)

Every request is answered by :meth:`authbridge.AsyncPortal.handle`; the adapter only moves
bytes. The portal's ``async def`` hooks are awaited on the server's event loop (the one running
this app), within the portal's ``hook_timeout``; plain hooks run in a worker thread. A request
refused whatever its body (:meth:`authbridge.Portal.refusal`: a caller the access policy
refuses, a wrong path, method or content type) is answered before its body is read; otherwise
the body is read up to the portal's limit (plus one byte, so core can refuse it).

The portal's source check uses ``scope["client"]``, the peer as the server reports it, and
the headers exactly as they came: only the portal's ``trusted_proxies`` make it believe
``X-Forwarded-For``. Servers that rewrite ``scope["client"]`` from that header themselves
(uvicorn does for peers in ``forwarded_allow_ips``, 127.0.0.1 by default) decide for the
portal which proxy to trust; run them with ``--no-proxy-headers`` (``proxy_headers=False``)
and give the portal ``trusted_proxies`` instead.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, List, MutableMapping, Tuple

from ._native import Portal
from ._peer import socket_peer

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class PortalApp:
    """An ASGI application serving the portal's callbacks."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self._aio = portal.aio
        self._limit = portal.max_body_bytes + 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        headers: List[Tuple[str, str]] = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        client = scope.get("client")
        peer = socket_peer(client[0] if client else None)
        path = _full_path(scope)
        response = self.portal.refusal(scope["method"], path, headers, peer)
        if response is None:
            body = bytearray()
            more = True
            while more and len(body) < self._limit:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            response = await self._aio.handle(scope["method"], path, headers, bytes(body), peer=peer)
        out: List[Tuple[bytes, bytes]] = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
        if response.content_type:
            out.append((b"content-type", response.content_type.encode("latin-1")))
        out.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": out})
        await send({"type": "http.response.body", "body": response.body})


def _full_path(scope: Scope) -> str:
    # Frameworks differ on whether a mounted app's `path` still holds the mount prefix.
    root: str = scope.get("root_path", "")
    path: str = scope["path"]
    return path if not root or path.startswith(root) else root + path
