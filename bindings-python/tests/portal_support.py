"""Servers for the portal tests: uvicorn (ASGI) and werkzeug (WSGI), each in a thread on a
free loopback port, stopped at the end of the test."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, List

import authbridge

ADMIN_ID = "portal-admin-7"
S_CODE = "s-code-secret-9"
#: Where the sandbox's NoPass server calls from: this machine.
LOOPBACK = ["127.0.0.0/8", "::1"]


class Recorder(authbridge.PortalHooks):
    """Accepts every decision and remembers every event."""

    def __init__(self) -> None:
        self.events: List[Any] = []
        self.lock = threading.Lock()

    def _seen(self, event: Any) -> None:
        with self.lock:
            self.events.append(event)

    def of(self, kind: type) -> List[Any]:
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]

    def confirm_pre_registration(self, event: authbridge.PreRegistration) -> None:
        self._seen(event)

    def confirm_registration(self, event: authbridge.Registration) -> None:
        self._seen(event)

    def update_picture(self, event: authbridge.PictureUpdate) -> None:
        self._seen(event)

    def validate_user_registration(self, event: authbridge.UserRegistrationCheck) -> bool:
        self._seen(event)
        return True

    def confirm_user_registration(self, event: authbridge.UserRegistration) -> None:
        self._seen(event)

    def authorized_user(self, event: authbridge.AuthorizationResult) -> None:
        self._seen(event)

    def update_user(self, event: authbridge.UserUpdate) -> bool:
        self._seen(event)
        return True

    def delete_user(self, event: authbridge.UserDeletion) -> bool:
        self._seen(event)
        return True

    def add_users(self, event: authbridge.UsersAddition) -> bool:
        self._seen(event)
        return True

    def close_session(self, event: authbridge.SessionClosing) -> None:
        self._seen(event)

    def disable_service(self, event: authbridge.ServiceDisabling) -> None:
        self._seen(event)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def uvicorn_server(app: Any, **options: Any) -> Iterator[str]:
    """`options` are more `uvicorn.Config` settings (e.g. `proxy_headers=False`)."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@contextmanager
def werkzeug_server(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=20)
