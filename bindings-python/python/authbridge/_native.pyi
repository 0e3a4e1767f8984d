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
    @property
    def authx(self) -> AuthxSandbox: ...

# --- AuthX ------------------------------------------------------------------------------

from os import PathLike

from ._enums import BiometricKind, BiometricOutcome, BiometricProcess

_Sample = Union[bytes, str, "PathLike[str]"]

@final
class BiometricApp:
    """The biometric application (``application_parameters`` of ProcessBiometric)."""

    def __new__(cls, application_key: str, secret_key: str, host_name: str) -> Self: ...
    @property
    def host_name(self) -> str: ...

@final
class UserProfile:
    """A user for AddUser / UpdateUser; ``aliases`` fill ``alias_name`` ... ``alias_name4``."""

    def __new__(
        cls,
        user_name: str,
        email: str,
        first_name: str,
        last_name: str,
        number: str,
        *,
        country_code: Optional[str] = None,
        aliases: List[Optional[str]] = ...,
    ) -> Self: ...
    @property
    def user_name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def country_code(self) -> Optional[str]: ...
    @property
    def aliases(self) -> List[Optional[str]]: ...

@final
class DeviceData:
    """``device_data`` of a ProcessBiometric call; unset fields describe the calling program."""

    def __new__(
        cls,
        *,
        browser_name: Optional[str] = None,
        os: Optional[str] = None,
        os_version: Optional[str] = None,
        browser_version: Optional[str] = None,
        device_name: Optional[str] = None,
        ip: Optional[str] = None,
        src_user_id: int = 0,
    ) -> Self: ...

@final
class BiometricCall:
    """One ProcessBiometric call: whose sample, which biometric, what to do with it."""

    def __new__(
        cls,
        user_guid: str,
        kind: Union[BiometricKind, str],
        process: Union[BiometricProcess, str],
        *,
        correlation_id: Optional[str] = None,
        device_data: Optional[DeviceData] = None,
        src_user_id: int = 0,
    ) -> Self: ...
    @property
    def user_guid(self) -> str: ...
    @property
    def kind(self) -> BiometricKind: ...
    @property
    def process(self) -> BiometricProcess: ...
    @property
    def correlation_id(self) -> Optional[str]: ...

@final
class AccessToken:
    """An AuthX access token; ``repr`` hides it."""

    @property
    def access_token(self) -> str: ...
    @property
    def token_type(self) -> str: ...
    @property
    def expires_in(self) -> float: ...
    @property
    def company_id(self) -> Optional[str]: ...
    @property
    def issued(self) -> Optional[str]: ...
    @property
    def expires(self) -> Optional[str]: ...

@final
class PinVerification:
    """VerifyPin's answer: a wrong PIN is ``verified=False`` (and falsy), not an error."""

    @property
    def verified(self) -> bool: ...
    @property
    def subcode(self) -> Optional[int]: ...
    @property
    def message(self) -> Optional[str]: ...
    def __bool__(self) -> bool: ...

@final
class BiometricResult:
    """ProcessBiometric's answer; only ``BiometricOutcome.SUCCESS`` accepted the sample."""

    @property
    def outcome(self) -> BiometricOutcome: ...
    @property
    def code(self) -> int: ...
    @property
    def subcode(self) -> int: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def correlation_id(self) -> str: ...
    @property
    def success(self) -> bool: ...

@final
class FrameChunks:
    def __iter__(self) -> FrameChunks: ...
    def __next__(self) -> bytes: ...

@final
class BiometricFrame:
    """A framed ProcessBiometric body for hosts with their own HTTP stack."""

    @staticmethod
    def new(
        app: BiometricApp, call: BiometricCall, data: _Sample, data_content_type: str = "application/octet-stream"
    ) -> BiometricFrame: ...
    @property
    def content_type(self) -> str: ...
    @property
    def boundary(self) -> str: ...
    @property
    def correlation_id(self) -> str: ...
    @property
    def content_length(self) -> Optional[int]: ...
    def read(self) -> bytes: ...
    def chunks(self) -> FrameChunks: ...

@final
class AuthxClient:
    """AuthX client (blocking). Thread-safe: share one instance (one cached token)."""

    def __new__(
        cls,
        base_url: str,
        application_id: str,
        application_key: str,
        *,
        biometric_app: Optional[BiometricApp] = None,
        token_refresh_margin: Optional[float] = None,
        biometric_content_type: Optional[str] = None,
        upload_timeout: Optional[float] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    @staticmethod
    def for_tenant(
        host: str,
        application_id: str,
        application_key: str,
        *,
        biometric_app: Optional[BiometricApp] = None,
        token_refresh_margin: Optional[float] = None,
        biometric_content_type: Optional[str] = None,
        upload_timeout: Optional[float] = None,
        transport: Optional[TransportOptions] = None,
    ) -> AuthxClient: ...
    @property
    def aio(self) -> AsyncAuthxClient: ...
    def biometric_frame(self, call: BiometricCall, data: _Sample) -> BiometricFrame: ...
    def access_token(self) -> AccessToken: ...
    def add_user(self, user: UserProfile) -> str: ...
    def update_user(self, guid: str, user: UserProfile) -> str: ...
    def delete_user(self, guid: str) -> None: ...
    def generate_pin(self, guid: str, pin: str) -> None: ...
    def verify_pin(self, guid: str, pin: str) -> PinVerification: ...
    def process_biometric(self, call: BiometricCall, data: _Sample) -> BiometricResult: ...

@final
class AsyncAuthxClient:
    """AuthX client for asyncio."""

    def __new__(
        cls,
        base_url: str,
        application_id: str,
        application_key: str,
        *,
        biometric_app: Optional[BiometricApp] = None,
        token_refresh_margin: Optional[float] = None,
        biometric_content_type: Optional[str] = None,
        upload_timeout: Optional[float] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    @staticmethod
    def for_tenant(
        host: str,
        application_id: str,
        application_key: str,
        *,
        biometric_app: Optional[BiometricApp] = None,
        token_refresh_margin: Optional[float] = None,
        biometric_content_type: Optional[str] = None,
        upload_timeout: Optional[float] = None,
        transport: Optional[TransportOptions] = None,
    ) -> AsyncAuthxClient: ...
    def biometric_frame(self, call: BiometricCall, data: _Sample) -> BiometricFrame: ...
    def access_token(self) -> Coroutine[Any, Any, AccessToken]: ...
    def add_user(self, user: UserProfile) -> Coroutine[Any, Any, str]: ...
    def update_user(self, guid: str, user: UserProfile) -> Coroutine[Any, Any, str]: ...
    def delete_user(self, guid: str) -> Coroutine[Any, Any, None]: ...
    def generate_pin(self, guid: str, pin: str) -> Coroutine[Any, Any, None]: ...
    def verify_pin(self, guid: str, pin: str) -> Coroutine[Any, Any, PinVerification]: ...
    def process_biometric(self, call: BiometricCall, data: _Sample) -> Coroutine[Any, Any, BiometricResult]: ...

@final
class AuthxSandbox:
    """Control API of the AuthX stand-in; the class attributes are the credentials it accepts."""

    APPLICATION_ID: str
    APPLICATION_KEY: str
    BIOMETRIC_APPLICATION_KEY: str
    BIOMETRIC_SECRET_KEY: str
    HOST_NAME: str
    def add_application(self, application_id: str, application_key: str) -> None: ...
    def add_biometric_app(self, application_key: str, secret_key: str, host_name: str) -> None: ...
    def set_token_lifetime(self, seconds: float) -> None: ...
    def expire_tokens(self) -> None: ...
    def issued_token_count(self) -> int: ...
    def user(self, guid: str) -> Optional[Dict[str, Any]]: ...
    def user_named(self, user_name: str) -> Optional[Dict[str, Any]]: ...
    def user_count(self) -> int: ...
    def queue_biometric_outcome(self, response_code: int) -> None: ...
    def last_request(self, route: str) -> Optional[Dict[str, Any]]: ...
    def last_upload(self) -> Optional[Dict[str, Any]]: ...
