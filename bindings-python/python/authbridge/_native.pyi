# Type stubs of the native module. Keep in step with src/ (checked by mypy --strict on the
# tests' example code).

from typing import Any, Coroutine, Dict, Generator, List, Optional, Tuple, Union, final

from typing_extensions import Self

from ._enums import LoginStatusCode, Vendor

__version__: str
ERROR_CODES: List[str]
VENDORS: List[str]
HAS_SANDBOX: bool

def refresh_logging() -> None: ...
def _at_exit() -> None: ...

@final
class Call(Coroutine[Any, Any, Any]):
    """The coroutine an asyncio method returns; it starts the call when first awaited."""

    def __await__(self) -> Generator[Any, None, Any]: ...
    def __next__(self) -> Any: ...
    def send(self, value: Any, /) -> Any: ...
    def throw(self, kind: Any, value: Any = None, traceback: Any = None, /) -> Any: ...
    def close(self) -> None: ...

@final
class TransportOptions:
    """Time limits, size limit, retries, TLS and proxy settings shared by every client."""

    def __new__(
        cls,
        *,
        connect_timeout: float = 10.0,
        request_timeout: float = 30.0,
        max_response_bytes: int = 4194304,
        max_attempts: int = 3,
        retry_base_delay: float = 0.2,
        retry_max_delay: float = 5.0,
        max_retry_after: float = 30.0,
        extra_ca_pem: Optional[bytes] = None,
        proxy: Optional[str] = None,
        use_env_proxy: bool = True,
        user_agent_suffix: Optional[str] = None,
    ) -> Self: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def request_timeout(self) -> float: ...
    @property
    def max_attempts(self) -> int: ...

# --- nevisIDM ---------------------------------------------------------------------------

@final
class LoginStatus:
    """A successful nevisIDM login (``statusCode`` 5)."""

    @property
    def status(self) -> LoginStatusCode: ...
    @property
    def code(self) -> int: ...
    @property
    def description(self) -> str: ...

@final
class NevisClient:
    """nevisIDM Authentication API client (blocking). Thread-safe: share one instance.

    Authenticate with at most one of ``bearer``, ``basic`` (username, password), ``header``
    (name, value, e.g. a SecToken) or ``client_certificate_pem`` (certificate and key).
    """

    def __new__(
        cls,
        base_url: str,
        *,
        bearer: Optional[str] = None,
        basic: Optional[Tuple[str, str]] = None,
        header: Optional[Tuple[str, str]] = None,
        client_certificate_pem: Optional[bytes] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    @property
    def aio(self) -> AsyncNevisClient:
        """The asyncio twin of this client, sharing its connection pool."""
    def recovery_code_login(self, client_ext_id: str, user_ext_id: str, code: str) -> None: ...
    def password_login(self, client_ext_id: str, user_ext_id: str, password: str) -> LoginStatus: ...
    def device_password_login(
        self, client_ext_id: str, user_ext_id: str, credential_ext_id: str, password: str
    ) -> LoginStatus: ...
    def context_password_login(
        self, client_ext_id: str, user_ext_id: str, context: str, password: str
    ) -> LoginStatus: ...

@final
class AsyncNevisClient:
    """nevisIDM Authentication API client for asyncio."""

    def __new__(
        cls,
        base_url: str,
        *,
        bearer: Optional[str] = None,
        basic: Optional[Tuple[str, str]] = None,
        header: Optional[Tuple[str, str]] = None,
        client_certificate_pem: Optional[bytes] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    def recovery_code_login(self, client_ext_id: str, user_ext_id: str, code: str) -> Coroutine[Any, Any, None]: ...
    def password_login(self, client_ext_id: str, user_ext_id: str, password: str) -> Coroutine[Any, Any, LoginStatus]: ...
    def device_password_login(
        self, client_ext_id: str, user_ext_id: str, credential_ext_id: str, password: str
    ) -> Coroutine[Any, Any, LoginStatus]: ...
    def context_password_login(
        self, client_ext_id: str, user_ext_id: str, context: str, password: str
    ) -> Coroutine[Any, Any, LoginStatus]: ...

# --- sandbox ----------------------------------------------------------------------------

@final
class Fault:
    """Something a sandbox route does wrong on purpose."""

    @staticmethod
    def delay(seconds: float) -> Fault: ...
    @staticmethod
    def reset() -> Fault: ...
    @staticmethod
    def status(status: int, retry_after: Optional[str] = None) -> Fault: ...
    @staticmethod
    def truncated_body() -> Fault: ...
    @staticmethod
    def large_body(size: int) -> Fault: ...

@final
class NevisSandbox:
    """Control API of the nevisIDM stand-in."""

    def add_client(self, client_ext_id: str, name: str = "Default") -> None: ...
    def add_user(self, client_ext_id: str, user_ext_id: str) -> None: ...
    def set_password(self, client_ext_id: str, user_ext_id: str, password: str) -> None: ...
    def add_device_password(
        self, client_ext_id: str, user_ext_id: str, credential_ext_id: str, password: str
    ) -> None: ...
    def add_context_password(self, client_ext_id: str, user_ext_id: str, context: str, password: str) -> None: ...
    def add_recovery_codes(self, client_ext_id: str, user_ext_id: str, codes: List[str]) -> None: ...
    def require_header(self, name: str, value: str) -> None: ...
    def last_raw_path(self) -> Optional[str]: ...

@final
class Sandbox:
    """Local stand-in for every vendor, on 127.0.0.1. Use it as a context manager."""

    def __new__(cls) -> Self: ...
    def url(self, vendor: Union[Vendor, str]) -> str: ...
    @property
    def urls(self) -> Dict[str, str]: ...
    def arm(self, route: str, fault: Fault, times: Optional[int] = None) -> None: ...
    def clear_faults(self) -> None: ...
    def request_count(self, route: str) -> int: ...
    def reset_counts(self) -> None: ...
    @property
    def nevis(self) -> NevisSandbox: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Sandbox: ...
    def __exit__(self, *exc: object) -> None: ...
