"""Faults a sandbox route can be armed with (``Sandbox.arm``)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._control import millis


class Fault:
    """Something a sandbox route does wrong on purpose; build one with the static methods.
    Core checks the values when the fault is armed (``InvalidInput`` naming the field)."""

    __slots__ = ("_spec",)

    def __init__(self, spec: Dict[str, Any]) -> None:
        self._spec = spec

    @staticmethod
    def delay(seconds: float) -> Fault:
        """Wait ``seconds`` before answering normally."""
        return Fault({"kind": "delay", "ms": millis(seconds)})

    @staticmethod
    def reset() -> Fault:
        """Read the request, then close the connection without answering."""
        return Fault({"kind": "reset"})

    @staticmethod
    def status(status: int, retry_after: Optional[str] = None) -> Fault:
        """Answer ``status`` at once with an empty JSON body and an optional ``Retry-After``
        value (seconds, or an HTTP date)."""
        return Fault({"kind": "status", "status": status, "retry_after": retry_after})

    @staticmethod
    def truncated_body() -> Fault:
        """Handle the request, then send only half of the answer."""
        return Fault({"kind": "truncated_body"})

    @staticmethod
    def large_body(size: int) -> Fault:
        """Answer 200 with a JSON body of about ``size`` bytes."""
        return Fault({"kind": "large_body", "bytes": size})

    def to_json(self) -> Dict[str, Any]:
        """The fault's JSON form, ``{"kind": "delay", "ms": 200}`` and so on."""
        return dict(self._spec)

    def __repr__(self) -> str:
        return f"Fault({self._spec!r})"
