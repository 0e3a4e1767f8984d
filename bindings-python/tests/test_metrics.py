"""`authbridge.metrics()` counts the calls and callbacks just made; `metrics_prometheus()` and
the embedded server's opt-in metrics page parse with the Prometheus client's own parser."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Dict, Tuple

import pytest
from prometheus_client.parser import text_string_to_metric_families

import authbridge

from .conftest import CLIENT, PASSWORD, USER
from .portal_support import ADMIN_ID, LOOPBACK, S_CODE, Recorder


def samples(text: str) -> Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float]:
    """Every sample of the text by name and sorted labels."""
    found: Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def ok_logins(snapshot: authbridge.MetricsSnapshot) -> int:
    return sum(
        c["count"]
        for c in snapshot["calls"]
        if (c["vendor"], c["operation"], c["outcome"]) == ("nevisidm", "password_login", "ok")
    )


OK_LOGIN = (("operation", "password_login"), ("outcome", "ok"), ("vendor", "nevisidm"))


def test_the_calls_just_made_are_counted_and_the_text_parses(nevis: authbridge.NevisClient) -> None:
    before = authbridge.metrics()
    for _ in range(3):
        nevis.password_login(CLIENT, USER, PASSWORD)
    after = authbridge.metrics()
    assert ok_logins(after) - ok_logins(before) == 3
    durations = [d for d in after["call_durations"] if d["operation"] == "password_login"]
    assert durations and durations[0]["histogram"]["count"] >= 3
    assert durations[0]["histogram"]["bounds_seconds"][0] == 0.005

    parsed = samples(authbridge.metrics_prometheus())
    # The parser names counter samples with their `_total` suffix.
    assert parsed[("authbridge_calls_total", OK_LOGIN)] == ok_logins(after)
    histogram = (("operation", "password_login"), ("vendor", "nevisidm"))
    assert parsed[("authbridge_call_duration_seconds_count", histogram)] >= 3
    everything = tuple(sorted(histogram + (("le", "+Inf"),)))
    assert parsed[("authbridge_call_duration_seconds_bucket", everything)] >= 3


def test_the_embedded_server_serves_the_page_only_when_asked(sandbox: authbridge.Sandbox) -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK, hooks=Recorder())
    with portal.serve() as server:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}/metrics")
        assert refused.value.code == 404

    with portal.serve(metrics_path="/metrics") as server:
        sandbox.nopass.set_portal_url(server.url)
        sandbox.nopass.register_portal(ADMIN_ID)
        with urllib.request.urlopen(f"{server.url}/metrics") as answer:
            assert answer.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
            parsed = samples(answer.read().decode())
    accepted = (("callback", "ConfirmRegistration"), ("outcome", "accepted"))
    assert parsed[("authbridge_callbacks_total", accepted)] >= 1
    assert parsed[("authbridge_callback_duration_seconds_count", (("callback", "ConfirmRegistration"),))] >= 1


def test_a_metrics_path_that_is_no_path_is_a_config_error() -> None:
    portal = authbridge.Portal(ADMIN_ID, S_CODE, allowed_sources=LOOPBACK)
    with pytest.raises(authbridge.ConfigError):
        portal.serve(metrics_path="metrics")
