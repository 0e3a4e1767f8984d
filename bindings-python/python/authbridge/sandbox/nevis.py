"""``Sandbox.nevis``: the nevisIDM stand-in's control helpers (operations ``nevis.*``)."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple, Union, cast

from ._control import Group, millis

#: ``"password"``, ``("device_password", credential_ext_id)`` or ``("context_password", context)``.
Credential = Union[str, Tuple[str, str]]

# The field that names a credential of each kind in the request's `credential` object.
_NAMED_BY = {"device_password": "credential_ext_id", "context_password": "context"}


def _credential(credential: Credential) -> Dict[str, str]:
    if isinstance(credential, str):
        return {"kind": credential}
    kind, name = credential
    # A kind core does not know goes as it is: core refuses it, naming the kinds it knows.
    return {"kind": kind, _NAMED_BY.get(kind, "name"): name}


class NevisSandbox(Group):
    """Adds clients, users and credentials to the nevisIDM stand-in."""

    _group = "nevis"

    def add_client(self, client_ext_id: str, name: str = "Default") -> None:
        """Adds a client; ``name`` is what 404 messages call it (``'Default'`` in the seed)."""
        self._run("add_client", client_ext_id=client_ext_id, name=name)

    def add_user(self, client_ext_id: str, user_ext_id: str) -> None:
        """Adds a user with no credentials to an existing client."""
        self._run("add_user", client_ext_id=client_ext_id, user_ext_id=user_ext_id)

    def set_password(self, client_ext_id: str, user_ext_id: str, password: str) -> None:
        self._run("set_password", client_ext_id=client_ext_id, user_ext_id=user_ext_id, password=password)

    def add_device_password(self, client_ext_id: str, user_ext_id: str, credential_ext_id: str, password: str) -> None:
        self._run(
            "add_device_password",
            client_ext_id=client_ext_id,
            user_ext_id=user_ext_id,
            credential_ext_id=credential_ext_id,
            password=password,
        )

    def add_context_password(self, client_ext_id: str, user_ext_id: str, context: str, password: str) -> None:
        self._run(
            "add_context_password",
            client_ext_id=client_ext_id,
            user_ext_id=user_ext_id,
            context=context,
            password=password,
        )

    def add_recovery_codes(self, client_ext_id: str, user_ext_id: str, codes: List[str]) -> None:
        """Issues single-use recovery codes."""
        self._run("add_recovery_codes", client_ext_id=client_ext_id, user_ext_id=user_ext_id, codes=codes)

    def set_state(self, client_ext_id: str, user_ext_id: str, credential: Credential, state: str) -> None:
        """Sets a credential's state: ``"active"`` (which also resets its failure count),
        ``"disabled"`` or ``"locked"``."""
        self._run(
            "set_state",
            client_ext_id=client_ext_id,
            user_ext_id=user_ext_id,
            credential=_credential(credential),
            state=state,
        )

    def credential_state(self, client_ext_id: str, user_ext_id: str, credential: Credential) -> Optional[str]:
        """``"active"``, ``"disabled"`` or ``"locked"``; None when the credential does not exist."""
        state = self._run(
            "credential_state", client_ext_id=client_ext_id, user_ext_id=user_ext_id, credential=_credential(credential)
        )
        return cast(Optional[str], state)

    def set_lock_policy(self, max_failures: int, temporary_lock: Optional[float] = None) -> None:
        """Wrong passwords in a row that lock a credential; with ``temporary_lock`` (seconds)
        the lock lifts after that time (statusCode 9) instead of being permanent (4)."""
        lock_ms = None if temporary_lock is None else millis(temporary_lock)
        self._run("set_lock_policy", max_failures=max_failures, temporary_lock_ms=lock_ms)

    def set_recovery_code_failure(self, status: int, code: str) -> None:
        """Answers a wrong or used recovery code with HTTP ``status`` and error ``code`` instead
        of 400 ``errors.invalidRecoveryCode`` (deployments differ)."""
        self._run("set_recovery_code_failure", status=status, code=code)

    def require_header(self, name: str, value: str) -> None:
        """Requires every request to carry header ``name`` with exactly ``value`` (else 401)."""
        self._run("require_header", name=name, value=value)

    def last_raw_path(self) -> Optional[str]:
        """The raw (still percent-encoded) path of the last request."""
        return cast(Optional[str], self._run("last_raw_path"))
