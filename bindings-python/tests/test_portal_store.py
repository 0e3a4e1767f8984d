"""The portal's store is chosen by URL, as in every language: memory:, sqlite:PATH or a bare
path, redis:// (covered against a real Redis by tests/cross/50-replicas.sh)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

import pytest

import authbridge


def portal(store: Union[str, Path, None]) -> authbridge.Portal:
    return authbridge.Portal("JimTheAdmin", "nDhTZvX82Et", accept_any_source=True, store=store)


@pytest.mark.parametrize("kind", [None, "memory:", "sqlite:", "bare"])
def test_each_store_url_opens_a_working_portal(tmp_path: Path, kind: Optional[str]) -> None:
    store: Union[str, Path, None] = kind
    if kind == "sqlite:":
        store = f"sqlite:{tmp_path / 'portal.sqlite'}"
    elif kind == "bare":
        store = tmp_path / "portal.sqlite"
    assert portal(store).status().phase == authbridge.PortalPhase.UNREGISTERED
    if kind in ("sqlite:", "bare"):
        assert (tmp_path / "portal.sqlite").exists(), "the SQLite file was not created"


def test_an_unknown_scheme_is_refused_by_name() -> None:
    with pytest.raises(authbridge.InvalidInput) as refused:
        portal("ftp://example.com/portal")
    assert "ftp" in str(refused.value)


def test_an_unreachable_redis_is_a_store_error_without_the_password() -> None:
    with pytest.raises(authbridge.StoreError) as failed:
        portal("redis://app:hunter2-secret@127.0.0.1:1/0?portal=shop")
    assert "127.0.0.1:1" in str(failed.value)
    assert "hunter2" not in str(failed.value)
