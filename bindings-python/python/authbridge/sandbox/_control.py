"""What every stand-in's helpers share: the sandbox's one control entry point."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict

from .._native import Sandbox as _NativeSandbox

#: Runs one control request (``{"op": "<group>.<operation>", ...}``) and returns its answer.
Control = Callable[[Dict[str, Any]], Any]
#: The same for asyncio.
AsyncControl = Callable[[Dict[str, Any]], Awaitable[Any]]
#: What the stand-ins accept from the start, read from core (``authx.APPLICATION_ID``, ...).
PRESETS = _NativeSandbox.PRESETS


def millis(seconds: float) -> int:
    """A duration in seconds as the whole milliseconds of the requests' ``*_ms`` fields (core
    refuses a negative one, naming the operation)."""
    return round(seconds * 1000)


class Group:
    """The control helpers of one group of operations (``nevis``, ``authx``, ...)."""

    _group = ""

    def __init__(self, control: Control) -> None:
        self._control = control

    def _run(self, operation: str, **arguments: Any) -> Any:
        return self._control({"op": f"{self._group}.{operation}", **arguments})
