"""WSGI adapter for the NoPass portal (Flask, Django, any WSGI server).

    app = authbridge.wsgi.PortalApp(portal)
    # Flask: app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/api/PortalCommunication": app})

Each request is answered by the blocking :meth:`authbridge.Portal.handle`, which releases the
GIL while the portal works, so a threaded server keeps serving other requests. A request
refused whatever its body (:meth:`authbridge.Portal.refusal`: a caller the access policy
refuses, a wrong path, method or content type) is answered before its body is read.

The portal's source check uses ``REMOTE_ADDR``, the socket peer, and the headers exactly as
they came: only the portal's ``trusted_proxies`` make it believe ``X-Forwarded-For`` (do not
put werkzeug's ``ProxyFix`` or similar in front of this app, which rewrites ``REMOTE_ADDR``).
With gunicorn ``--preload`` the portal is built before the workers fork; its SQLite store
opens a connection of its own in each worker.

A WSGI server has no event loop, so a portal with an ``async def`` hook is refused here with a
``ConfigError`` naming the hook: running it on a loop of its own would break the application
objects it uses that belong to another loop. Serve such a portal with ``authbridge.asgi``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from ._errors import ConfigError
from ._native import Portal
from ._peer import socket_peer

StartResponse = Callable[..., Any]


class PortalApp:
    """A WSGI application serving the portal's callbacks."""

    def __init__(self, portal: Portal) -> None:
        if portal.async_hooks:
            raise ConfigError(
                f"portal hook {portal.async_hooks[0]} is async def, and a WSGI server has no event loop "
                "to await it on: serve the portal with authbridge.asgi.PortalApp, or make the hook a "
                "plain method"
            )
        self.portal = portal
        self._limit = portal.max_body_bytes + 1

    def __call__(self, environ: Dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        headers: List[Tuple[str, str]] = []
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers.append((key[5:].replace("_", "-").lower(), value))
        if environ.get("CONTENT_TYPE"):
            headers.append(("content-type", environ["CONTENT_TYPE"]))
        length: Optional[int] = None
        if environ.get("CONTENT_LENGTH"):
            headers.append(("content-length", environ["CONTENT_LENGTH"]))
            try:
                length = int(environ["CONTENT_LENGTH"])
            except ValueError:
                length = None
        method = environ["REQUEST_METHOD"]
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        peer = socket_peer(environ.get("REMOTE_ADDR"))
        response = self.portal.refusal(method, path, headers, peer)
        if response is None:
            stream = environ["wsgi.input"]
            body = stream.read(min(length, self._limit)) if length is not None else stream.read(self._limit)
            response = self.portal.handle(method, path, headers, body, peer=peer)
        out = list(response.headers)
        if response.content_type:
            out.append(("Content-Type", response.content_type))
        out.append(("Content-Length", str(len(response.body))))
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        start_response(f"{response.status} {reason}", out)
        return [response.body]
