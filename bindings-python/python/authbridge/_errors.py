"""The exceptions authbridge raises: one class per stable error code.

Every error is an :class:`AuthBridgeError` whose ``code`` is the same snake_case string C
(``ab_error_code``) and Node (``err.code``) see. Catch a family (``VendorError``,
``TransportError``) or a single class (``RateLimited``); branch on ``code`` if you prefer
strings. Messages and attributes never contain a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Type

if TYPE_CHECKING:
    from ._enums import LoginStatusCode, SessionRejection, Vendor


class AuthBridgeError(Exception):
    """Base class of every authbridge error."""

    code: str = "error"
    #: The vendor the error concerns, when one does.
    vendor: Optional[Vendor]
    #: HTTP status of the vendor's answer, when there was one.
    status: Optional[int]
    #: The vendor's own error code (nevisIDM ``errors.noRecord``, AuthX ``response_code``, ...).
    vendor_code: Optional[str]
    #: The vendor's own message.
    vendor_message: Optional[str]
    #: Seconds the server asked to wait before trying again (``Retry-After``).
    retry_after: Optional[float]

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        vendor: Optional[Vendor] = None,
        status: Optional[int] = None,
        vendor_code: Optional[str] = None,
        vendor_message: Optional[str] = None,
        retry_after: Optional[float] = None,
        field: Optional[str] = None,
        rule: Optional[str] = None,
        login_status: Optional[LoginStatusCode] = None,
        session_rejection: Optional[SessionRejection] = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.vendor = vendor
        self.status = status
        self.vendor_code = vendor_code
        self.vendor_message = vendor_message
        self.retry_after = retry_after
        self._field = field
        self._rule = rule
        self._login_status = login_status
        self._session_rejection = session_rejection

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keep the attributes when the error crosses a process boundary (multiprocessing).
        kwargs = {
            "code": self.code,
            "vendor": self.vendor,
            "status": self.status,
            "vendor_code": self.vendor_code,
            "vendor_message": self.vendor_message,
            "retry_after": self.retry_after,
            "field": self._field,
            "rule": self._rule,
            "login_status": self._login_status,
            "session_rejection": self._session_rejection,
        }
        return (_rebuild, (type(self), self.message, kwargs))


def _rebuild(cls: Type[AuthBridgeError], message: str, kwargs: Dict[str, object]) -> AuthBridgeError:
    return cls(message, **kwargs)  # type: ignore[arg-type]


class InvalidInput(AuthBridgeError, ValueError):
    """A value was refused before anything was sent; ``field`` and ``rule`` say which and why."""

    code = "invalid_input"

    @property
    def field(self) -> str:
        """The input as the vendor spells it (``adminId``, ``password``, ...)."""
        return self._field or ""

    @property
    def rule(self) -> str:
        """What the value must be (``must not be empty``, ``at most 64 characters``, ...)."""
        return self._rule or ""


class ConfigError(AuthBridgeError):
    """A client or server was configured in a way that cannot work."""

    code = "config"


class Timeout(AuthBridgeError, TimeoutError):
    """The call, or a wait for a person, did not finish within its time limit."""

    code = "timeout"


class TransportError(AuthBridgeError):
    """The connection failed after the request may have reached the server."""

    code = "transport"


class ConnectError(TransportError):
    """The connection could not be opened: the request never reached the server."""

    code = "connect"


class ResponseTooLarge(TransportError):
    """The answer was larger than the configured limit."""

    code = "response_too_large"


class DecodeError(AuthBridgeError):
    """The vendor's answer could not be understood."""

    code = "decode"


class VendorError(AuthBridgeError):
    """The vendor refused the call; ``vendor``, ``status`` and ``vendor_code`` say how."""

    code = "vendor"


class HttpStatusError(VendorError):
    """The vendor answered with an HTTP status authbridge has no better name for."""

    code = "http_status"


class Unauthorized(VendorError):
    """The credentials used to call the vendor were refused (HTTP 401/403)."""

    code = "unauthorized"


class NotFound(VendorError):
    """The user, client, credential or transaction does not exist."""

    code = "not_found"


class Conflict(VendorError):
    """The call conflicts with the current state (credential not active, user exists, ...)."""

    code = "conflict"


class RateLimited(VendorError):
    """The vendor limits the rate of calls; ``retry_after`` says when to try again."""

    code = "rate_limited"


class AuthenticationFailed(VendorError):
    """The person's credential was checked and refused (wrong password, code, denied)."""

    code = "authentication_failed"

    @property
    def login_status(self) -> Optional[LoginStatusCode]:
        """For a refused nevisIDM login: whether the credential is now locked."""
        return self._login_status

    @property
    def session_rejection(self) -> Optional[SessionRejection]:
        """For a Descope session JWT that validation refused: why."""
        return self._session_rejection


class Cancelled(AuthBridgeError):
    """The call or wait was cancelled."""

    code = "cancelled"


class IoError(AuthBridgeError, OSError):
    """A file or stream given to authbridge could not be read."""

    code = "io"


class StoreError(AuthBridgeError):
    """The NoPass portal's state store failed; nothing was changed."""

    code = "store"


#: The class raised for each error code.
BY_CODE: Dict[str, Type[AuthBridgeError]] = {
    cls.code: cls
    for cls in (
        InvalidInput,
        ConfigError,
        Timeout,
        TransportError,
        ConnectError,
        ResponseTooLarge,
        DecodeError,
        VendorError,
        HttpStatusError,
        Unauthorized,
        NotFound,
        Conflict,
        RateLimited,
        AuthenticationFailed,
        Cancelled,
        IoError,
        StoreError,
    )
}
