"""``Sandbox.otpone``: the OtpOne stand-in's control helpers (operations ``otpone.*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple, cast

from ._control import Group, millis


@dataclass(frozen=True)
class SimTransaction:
    """A transaction as the stand-in shows it (its tokens are left out)."""

    id: str
    #: ``UserMail`` as received.
    user_mail: str
    #: ``requestype`` as a number.
    request_type: int
    message: str
    #: ``"pending"``, ``"approved"``, ``"denied"`` or ``"expired"``.
    status: str
    #: Opened by SendRequest (server only) rather than getTransactionID.
    server_only: bool
    #: Whether a non-empty ``privateToken`` was attached.
    has_private_token: bool
    #: ``(userIP, OSType, NavigatorOrAPPName)`` of a SendRequest.
    requester: Optional[Tuple[str, str, str]]


class OtpOneSandbox(Group):
    """Key pairs and transactions of the OtpOne stand-in: the test plays the person by
    approving, denying or expiring transactions."""

    _group = "otpone"

    def register_keys(self, server_key: str, client_key: str) -> None:
        """Registers a key pair: the server key (``SRV-…``) and its client key (``JS-…``)."""
        self._run("register_keys", server_key=server_key, client_key=client_key)

    def approve(self, transaction_id: str) -> Optional[str]:
        """The person approves; returns the token the page would receive (None when the
        transaction is unknown or no longer pending)."""
        return cast(Optional[str], self._run("approve", transaction_id=transaction_id))

    def deny(self, transaction_id: str) -> bool:
        return cast(bool, self._run("deny", transaction_id=transaction_id))

    def expire(self, transaction_id: str) -> bool:
        return cast(bool, self._run("expire", transaction_id=transaction_id))

    def set_reported_user(self, transaction_id: str, user: str) -> bool:
        """Makes results report ``user`` as ``UserValided`` (to test that a mismatch is refused)."""
        return cast(bool, self._run("set_reported_user", transaction_id=transaction_id, user=user))

    def set_transaction_ttl(self, ttl: float) -> None:
        self._run("set_transaction_ttl", ttl_ms=millis(ttl))

    def set_server_only_timeout(self, timeout: float) -> None:
        self._run("set_server_only_timeout", timeout_ms=millis(timeout))

    def set_html_as_text(self, as_text: bool) -> None:
        self._run("set_html_as_text", as_text=as_text)

    def transaction(self, transaction_id: str) -> Optional[SimTransaction]:
        found = self._run("transaction", transaction_id=transaction_id)
        if found is None:
            return None
        requester = found.pop("requester")
        if requester is not None:
            requester = (requester["userIP"], requester["OSType"], requester["NavigatorOrAPPName"])
        return SimTransaction(**found, requester=requester)

    def pending_for(self, user_mail: str) -> Optional[str]:
        """The newest pending transaction of ``user_mail``."""
        return cast(Optional[str], self._run("pending_for", user_mail=user_mail))

    def wait_pending(self, user_mail: str, timeout: float) -> Optional[str]:
        """Waits (GIL released) up to ``timeout`` seconds for a pending transaction of
        ``user_mail``; its id, or None."""
        return cast(Optional[str], self._run("wait_pending", user_mail=user_mail, timeout_ms=millis(timeout)))

    def last_query(self) -> Optional[str]:
        """The raw query string of the last request (it holds keys: wire-format tests only)."""
        return cast(Optional[str], self._run("last_query"))
