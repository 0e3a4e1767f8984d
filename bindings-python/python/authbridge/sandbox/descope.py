"""``Sandbox.descope``: the Descope stand-in's control helpers (operations ``descope.*``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, cast

from ._control import PRESETS, Group, millis


class DescopeSandbox(Group):
    """Users, pending nOTP logins (approve, deny, expire), keys and forced failures of the
    Descope stand-in. ``PROJECT_ID`` is the project it serves from the start, ``DEFAULT_PHONE``
    the phone an approval comes from when nothing names one."""

    _group = "descope"

    PROJECT_ID = PRESETS["descope.PROJECT_ID"]
    DEFAULT_PHONE = PRESETS["descope.DEFAULT_PHONE"]

    def add_project(self, project_id: str) -> None:
        self._run("add_project", project_id=project_id)

    def issuer(self, project_id: str) -> str:
        """The ``iss`` of tokens issued for ``project_id``."""
        return cast(str, self._run("issuer", project_id=project_id))

    def add_user(self, login_id: str) -> str:
        """Registers a user (verified phone = ``login_id``); returns its user ID."""
        return cast(str, self._run("add_user", login_id=login_id))

    def add_totp_user(self, login_id: str) -> str:
        """Registers a user with an active TOTP key; returns the key in base32."""
        return cast(str, self._run("add_totp_user", login_id=login_id))

    def set_roles(self, login_id: str, roles: List[str], permissions: List[str]) -> None:
        self._run("set_roles", login_id=login_id, roles=roles, permissions=permissions)

    def set_tenant(self, login_id: str, tenant_id: str, roles: List[str], permissions: List[str]) -> None:
        self._run("set_tenant", login_id=login_id, tenant_id=tenant_id, roles=roles, permissions=permissions)

    def user(self, login_id: str) -> Optional[Dict[str, Any]]:
        """The user object Descope would answer for ``login_id``."""
        return cast(Optional[Dict[str, Any]], self._run("user", login_id=login_id))

    def waiting_logins(self) -> List[str]:
        """Pending references of nOTP logins still waiting for the person, oldest first."""
        return cast(List[str], self._run("waiting_logins"))

    def approve(self, pending_ref: str) -> bool:
        """The person sends the message; False when the reference is unknown or not waiting."""
        return cast(bool, self._run("approve", pending_ref=pending_ref))

    def approve_as(self, pending_ref: str, phone: str) -> bool:
        """The person with WhatsApp number ``phone`` sends the message."""
        return cast(bool, self._run("approve_as", pending_ref=pending_ref, phone=phone))

    def deny(self, pending_ref: str) -> bool:
        return cast(bool, self._run("deny", pending_ref=pending_ref))

    def expire(self, pending_ref: str) -> bool:
        return cast(bool, self._run("expire", pending_ref=pending_ref))

    def set_pending_ttl(self, ttl: float) -> None:
        """How long (seconds) an nOTP login waits for the person."""
        self._run("set_pending_ttl", ttl_ms=millis(ttl))

    def set_session_ttl(self, ttl: float) -> None:
        """The lifetime (seconds) of session tokens issued from now on."""
        self._run("set_session_ttl", ttl_ms=millis(ttl))

    def set_refresh_in_cookie(self, on: bool) -> None:
        self._run("set_refresh_in_cookie", on=on)

    def set_no_published_keys(self, on: bool) -> None:
        """Publishes an empty key set while ``on``: no token validates meanwhile."""
        self._run("set_no_published_keys", on=on)

    def require_management_key(self, key: str) -> None:
        self._run("require_management_key", key=key)

    def add_notp_provider(self, provider: str) -> None:
        self._run("add_notp_provider", provider=provider)

    def rate_limit(self, route: str, times: int, retry_after: Optional[int] = None) -> None:
        """The next ``times`` requests on ``route`` answer 429 (with ``Retry-After`` when given)."""
        self._run("rate_limit", route=route, times=times, retry_after=retry_after)

    def fail_next(
        self,
        route: str,
        status: int,
        error_code: Optional[str] = None,
        retry_after: Optional[int] = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` requests on ``route`` answer ``status`` with Descope's ``error_code``."""
        self._run("fail_next", route=route, status=status, error_code=error_code, retry_after=retry_after, times=times)

    def sign_jwt(self, claims: Dict[str, Any]) -> str:
        """Signs ``claims`` as the stand-in signs its tokens, for crafted tokens in tests."""
        return cast(str, self._run("sign_jwt", claims=claims))

    def signing_kid(self) -> str:
        return cast(str, self._run("signing_kid"))

    def rotate_signing_key(self) -> None:
        self._run("rotate_signing_key")

    def last_request_body(self, route: str) -> Optional[Dict[str, Any]]:
        return cast(Optional[Dict[str, Any]], self._run("last_request_body", route=route))

    def last_sdk_headers(self) -> Optional[Tuple[str, str]]:
        """The SDK name and version headers of the last request."""
        headers = self._run("last_sdk_headers")
        return None if headers is None else (headers["name"], headers["version"])

    def last_authorization(self) -> Optional[str]:
        return cast(Optional[str], self._run("last_authorization"))
