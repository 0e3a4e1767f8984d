"""The README's Flask portal example, served by werkzeug, driven by the sandbox's NoPass server
and by browsers (cookie jars): the one that started a login is signed in once, nobody else."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any, Dict

import pytest

import authbridge

from .examples.flask_portal import create_app
from .portal_support import LOOPBACK, werkzeug_server


class Browser:
    """A browser: keeps its cookies between requests."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def call(self, url: str, method: str = "GET") -> Dict[str, Any]:
        with self.opener.open(urllib.request.Request(url, method=method), timeout=30) as response:
            answer: Dict[str, Any] = json.loads(response.read())
            return answer

    def refused(self, url: str, method: str = "GET") -> int:
        with pytest.raises(urllib.error.HTTPError) as refusal:
            self.call(url, method)
        return refusal.value.code


def test_flask_portal_example(sandbox: authbridge.Sandbox, tmp_path: Path) -> None:
    app = create_app(sandbox.url(authbridge.Vendor.NOPASS), str(tmp_path / "portal.sqlite"), LOOPBACK, {"sam"})
    with werkzeug_server(app) as url:
        nopass = sandbox.nopass
        nopass.set_portal_url(url)
        nopass.register_portal("my-admin-id")
        nopass.add_user("sam")
        # A registration the NoPass server starts is refused, whatever e-mail it claims.
        with pytest.raises(authbridge.AuthBridgeError):
            nopass.register_user_from_server("sam", "sam@example.com")

        sams_browser = Browser()
        started = sams_browser.call(f"{url}/login/sam", "POST")
        auth_id = nopass.last_auth_id("sam")
        assert auth_id is not None and auth_id not in json.dumps(started)
        assert str(started["image"]).startswith("data:image/png;base64,")
        handle = started["handle"]
        # Completing before the person said yes signs nobody in.
        assert sams_browser.refused(f"{url}/login/{handle}/complete", "POST") == 403

        driver = threading.Thread(target=nopass.drive_login, args=(auth_id, 1, True))
        driver.start()
        seen, state = 1, "pending"
        while state == "pending":
            page = sams_browser.call(f"{url}/login/{handle}/wait/{seen}")
            seen, state = page["version"], page["state"]
        driver.join()
        assert state == "authorized"

        # Another browser that learnt the handle cannot complete Sam's login.
        assert Browser().refused(f"{url}/login/{handle}/complete", "POST") == 403
        assert sams_browser.call(f"{url}/login/{handle}/complete", "POST") == {"user": "sam"}
        # Once only.
        assert sams_browser.refused(f"{url}/login/{handle}/complete", "POST") == 403
        assert Browser().refused(f"{url}/login/no-such-handle/wait/0") == 404
