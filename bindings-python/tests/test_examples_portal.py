"""The README's Flask portal example, served by werkzeug, driven by the sandbox's NoPass server."""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path
from typing import Any, Dict

import authbridge

from .examples.flask_portal import create_app
from .portal_support import werkzeug_server


def call(url: str, method: str = "GET") -> Dict[str, Any]:
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: Dict[str, Any] = json.loads(response.read())
        return answer


def test_flask_portal_example(sandbox: authbridge.Sandbox, tmp_path: Path) -> None:
    app = create_app(sandbox.url(authbridge.Vendor.NOPASS), str(tmp_path / "portal.sqlite"))
    with werkzeug_server(app) as url:
        nopass = sandbox.nopass
        nopass.set_portal_url(url)
        nopass.register_portal("my-admin-id")
        nopass.register_user_from_server("sam", "sam@example.com")
        nopass.add_user("sam")

        started = call(f"{url}/login/sam", "POST")
        assert str(started["image"]).startswith("data:image/png;base64,")
        driver = threading.Thread(target=nopass.drive_login, args=(started["auth_id"], 1, True))
        driver.start()
        seen, state = 1, "pending"
        while state == "pending":
            page = call(f"{url}/login/{started['auth_id']}/wait/{seen}")
            seen, state = page["version"], page["state"]
        driver.join()
        assert state == "authorized"
