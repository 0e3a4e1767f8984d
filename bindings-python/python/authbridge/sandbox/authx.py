"""``Sandbox.authx``: the AuthX stand-in's control helpers (operations ``authx.*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, cast

from ._control import PRESETS, Group, millis


@dataclass(frozen=True)
class AuthxUser:
    """A user as the stand-in holds it."""

    guid: str
    user_name: str
    email: str
    first_name: str
    last_name: str
    #: ``phone.mobile.countryCode`` as stored (``+1`` when the request left it out).
    country_code: str
    number: str
    #: ``alias_name`` … ``alias_name4``; an empty alias counts as none.
    aliases: List[Optional[str]]
    has_pin: bool
    #: The ``authentication_id``s with an enrolled sample, ascending.
    enrolled: List[int]


@dataclass(frozen=True)
class AuthxUpload:
    """What the stand-in saw of the last ProcessBiometric upload that passed the wire checks."""

    #: Size of the ``biometricdata`` part.
    bytes: int
    #: SHA-256 of the ``biometricdata`` part, in hex.
    sha256: str
    #: The request's ``Content-Length``, if it had one (a chunked upload has none).
    content_length: Optional[int]
    data_content_type: str
    #: The ``processBiometrics`` part.
    process_biometrics: Any


class AuthxSandbox(Group):
    """Applications, tokens, users and forced biometric outcomes of the AuthX stand-in. The
    class attributes are the credentials it accepts from the start (the seed's samples)."""

    _group = "authx"

    APPLICATION_ID = PRESETS["authx.APPLICATION_ID"]
    APPLICATION_KEY = PRESETS["authx.APPLICATION_KEY"]
    BIOMETRIC_APPLICATION_KEY = PRESETS["authx.BIOMETRIC_APPLICATION_KEY"]
    BIOMETRIC_SECRET_KEY = PRESETS["authx.BIOMETRIC_SECRET_KEY"]
    HOST_NAME = PRESETS["authx.HOST_NAME"]

    def add_application(self, application_id: str, application_key: str) -> None:
        self._run("add_application", application_id=application_id, application_key=application_key)

    def add_biometric_app(self, application_key: str, secret_key: str, host_name: str) -> None:
        self._run("add_biometric_app", application_key=application_key, secret_key=secret_key, host_name=host_name)

    def set_token_lifetime(self, seconds: float) -> None:
        """The lifetime (``expires_in``) of tokens issued from now on."""
        self._run("set_token_lifetime", lifetime_ms=millis(seconds))

    def expire_tokens(self) -> None:
        """Ends every token issued so far: calls carrying one get 401 from now on."""
        self._run("expire_tokens")

    def issued_tokens(self) -> List[str]:
        """Every access token issued, oldest first."""
        return cast(List[str], self._run("issued_tokens"))

    def issued_token_count(self) -> int:
        """How many access tokens the stand-in has issued."""
        return len(self.issued_tokens())

    def user(self, guid: str) -> Optional[AuthxUser]:
        user = self._run("user", guid=guid)
        return None if user is None else AuthxUser(**user)

    def user_named(self, user_name: str) -> Optional[AuthxUser]:
        user = self._run("user_named", user_name=user_name)
        return None if user is None else AuthxUser(**user)

    def user_count(self) -> int:
        return cast(int, self._run("user_count"))

    def queue_biometric_outcome(self, response_code: int) -> None:
        """The next ProcessBiometric answers ``response_code`` instead of comparing samples."""
        self._run("queue_biometric_outcome", response_code=response_code)

    def last_request(self, route: str) -> Optional[Dict[str, Any]]:
        """The JSON body of the last request on a JSON route (``"authx.AddUser"``, …)."""
        return cast(Optional[Dict[str, Any]], self._run("last_request", route=route))

    def last_upload(self) -> Optional[AuthxUpload]:
        upload = self._run("last_upload")
        return None if upload is None else AuthxUpload(**upload)

    def set_upload_rate(self, bytes_per_second: Optional[int]) -> None:
        """Reads ProcessBiometric bodies at no more than ``bytes_per_second`` from now on
        (``None``: as fast as they arrive), so a test can cancel an upload in flight."""
        self._run("set_upload_rate", bytes_per_second=bytes_per_second)

    def aborted_uploads(self) -> int:
        """How many uploads the client abandoned before their whole body arrived."""
        return cast(int, self._run("aborted_uploads"))
