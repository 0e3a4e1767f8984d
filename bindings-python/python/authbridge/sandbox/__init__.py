"""The sandbox: core's local stand-in for every vendor, for tests and demos.

The native ``Sandbox`` starts and stops the stand-ins and runs control requests
(``{"op": "<group>.<operation>", ...}``, the operations of core's ``sandbox::control``);
everything here is written on top of that one entry point: :meth:`Sandbox.control`, the
faults and counters, and one helper object per stand-in (``sandbox.nevis`` and so on).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, cast

from .._native import Sandbox as _NativeSandbox
from .authx import AuthxSandbox, AuthxUpload, AuthxUser
from .descope import DescopeSandbox
from .faults import Fault
from .nevis import NevisSandbox
from .nopass import AsyncNoPassSandbox, CallbackReply, NoPassSandbox, SimPortal, SimPreRegistration
from .otpone import OtpOneSandbox, SimTransaction


class Sandbox(_NativeSandbox):
    """The running stand-in for every vendor compiled in, each on 127.0.0.1 and a free port.
    Use it as a context manager: leaving the ``with`` block (or ``close()``) stops every
    server. Other processes can drive it at ``control_url`` with ``control_token``."""

    def control(self, request: Dict[str, Any]) -> Any:
        """Runs one control request, e.g. ``{"op": "nevis.add_user", "client_ext_id": "1000",
        "user_ext_id": "alice"}``, and returns its answer (None when it has none). A bad request
        raises ``InvalidInput`` naming the field; the GIL is released while it runs."""
        return json.loads(self.control_json(json.dumps(request)))

    async def control_async(self, request: Dict[str, Any]) -> Any:
        """:meth:`control` for asyncio."""
        return json.loads(await self.control_json_async(json.dumps(request)))

    @property
    def urls(self) -> Dict[str, str]:
        """Every vendor's base URL, keyed by the vendor's name."""
        return cast(Dict[str, str], self.control({"op": "sandbox.urls"}))

    def arm(self, route: str, fault: Fault, times: Optional[int] = None) -> None:
        """Arms ``fault`` on ``route`` (``"nevisidm.password_login"``) for the next ``times``
        requests, or until ``clear_faults()`` when ``times`` is None."""
        self.control({"op": "sandbox.arm", "route": route, "fault": fault.to_json(), "times": times})

    def clear_faults(self) -> None:
        self.control({"op": "sandbox.clear_faults"})

    def request_count(self, route: str) -> int:
        """How many requests reached ``route``, faulted ones included."""
        return cast(int, self.control({"op": "sandbox.request_count", "route": route}))

    def reset_counts(self) -> None:
        self.control({"op": "sandbox.reset_counts"})

    @property
    def nevis(self) -> NevisSandbox:
        """The nevisIDM stand-in's control helpers."""
        return NevisSandbox(self.control)

    @property
    def authx(self) -> AuthxSandbox:
        """The AuthX stand-in's control helpers."""
        return AuthxSandbox(self.control)

    @property
    def descope(self) -> DescopeSandbox:
        """The Descope stand-in's control helpers."""
        return DescopeSandbox(self.control)

    @property
    def otpone(self) -> OtpOneSandbox:
        """The OtpOne stand-in's control helpers."""
        return OtpOneSandbox(self.control)

    @property
    def nopass(self) -> NoPassSandbox:
        """The NoPass server stand-in's control helpers and its driver of portal callbacks."""
        return NoPassSandbox(self.control, self.control_async)


__all__ = [
    "AsyncNoPassSandbox",
    "AuthxSandbox",
    "AuthxUpload",
    "AuthxUser",
    "CallbackReply",
    "DescopeSandbox",
    "Fault",
    "NevisSandbox",
    "NoPassSandbox",
    "OtpOneSandbox",
    "Sandbox",
    "SimPortal",
    "SimPreRegistration",
    "SimTransaction",
]
