"""The shape of ``authbridge.metrics()``: core's metrics snapshot as plain dicts and lists."""

from __future__ import annotations

from typing import List, TypedDict


class CallCount(TypedDict):
    """Vendor calls of one operation that ended one way (``outcome``: ``ok`` or ``error``)."""

    vendor: str
    operation: str
    outcome: str
    count: int


class ErrorCount(TypedDict):
    """Failed vendor calls by stable error code."""

    vendor: str
    code: str
    count: int


class RetryCount(TypedDict):
    """Attempts repeated by the retry policy, beyond each call's first."""

    vendor: str
    operation: str
    count: int


class CallbackCount(TypedDict):
    """Portal callbacks of one kind that ended one way (``accepted``, ``refused``, ``failed``)."""

    callback: str
    outcome: str
    count: int


class Histogram(TypedDict):
    """Durations over fixed bounds in seconds; ``cumulative_counts`` as Prometheus counts them."""

    bounds_seconds: List[float]
    cumulative_counts: List[int]
    sum_seconds: float
    count: int


class CallDuration(TypedDict):
    vendor: str
    operation: str
    histogram: Histogram


class CallbackDuration(TypedDict):
    callback: str
    histogram: Histogram


class MetricsSnapshot(TypedDict):
    """Every counter and histogram of the process at one moment."""

    calls: List[CallCount]
    errors: List[ErrorCount]
    retries: List[RetryCount]
    callbacks: List[CallbackCount]
    call_durations: List[CallDuration]
    callback_durations: List[CallbackDuration]
