# Type stubs of the native module: the one hand-kept declaration of its API. stubtest checks
# them against the built module (tests/cross/30-python.sh), and mypy --strict checks the
# package, the examples and the tests against them.

from typing import (
    Any,
    AsyncIterable,
    Awaitable,
    Callable,
    Coroutine,
    Dict,
    Generator,
    List,
    Literal,
    Optional,
    Protocol,
    Tuple,
    Union,
    final,
)

from typing_extensions import Self

from ._enums import LoginStatusCode, Vendor
from ._metrics import MetricsSnapshot

__version__: str
ERROR_CODES: List[str]
VENDORS: List[str]
HAS_SANDBOX: bool

def refresh_logging() -> None: ...
def metrics() -> MetricsSnapshot:
    """The process's counters and duration histograms of vendor calls and portal callbacks."""
def metrics_prometheus() -> str:
    """``metrics()`` in the Prometheus text exposition format (version 0.0.4)."""
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
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its ``.aio`` twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

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
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its blocking twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def aclose(self) -> Coroutine[Any, Any, None]: ...
    def __aenter__(self) -> Coroutine[Any, Any, Self]: ...
    def __aexit__(self, *exc: object) -> Coroutine[Any, Any, None]: ...

# --- sandbox ----------------------------------------------------------------------------

class Sandbox:
    """Local stand-in for every vendor, on 127.0.0.1: its lifecycle and the one control entry
    point (``authbridge.Sandbox`` adds the typed helpers)."""

    PRESETS: Dict[str, str]
    def __new__(cls) -> Self: ...
    def url(self, vendor: Union[Vendor, str]) -> str: ...
    @property
    def control_url(self) -> str: ...
    @property
    def control_token(self) -> str: ...
    def control_json(self, request: str) -> str: ...
    def control_json_async(self, request: str) -> Coroutine[Any, Any, str]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Stops every server and waits until they have stopped; calls made afterwards raise
        ``ConfigError``. Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

# --- AuthX ------------------------------------------------------------------------------

from os import PathLike

from ._enums import (
    BiometricKind,
    BiometricOutcome,
    BiometricProcess,
    PageType,
    PortalPhase,
    RequestType,
    SessionOrigin,
    SessionRejection,
    SessionState,
)

_Sample = Union[bytes, str, "PathLike[str]"]

class _BinaryReader(Protocol):
    def read(self, size: int, /) -> bytes: ...

class _AsyncReader(Protocol):
    def read(self, size: int, /) -> Awaitable[bytes]: ...

#: What ``process_biometric`` uploads: a sample, a binary file-like object, or (asyncio only)
#: an async reader such as FastAPI's ``UploadFile`` or an async iterable of bytes, streamed.
_UploadSample = Union[_Sample, _BinaryReader]
_AsyncUploadSample = Union[_Sample, _BinaryReader, _AsyncReader, AsyncIterable[bytes]]
_Progress = Callable[[int, int], object]

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
    def process_biometric(
        self,
        call: BiometricCall,
        data: _UploadSample,
        *,
        length: Optional[int] = None,
        on_progress: Optional[_Progress] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> BiometricResult: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its ``.aio`` twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

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
    def process_biometric(
        self,
        call: BiometricCall,
        data: _AsyncUploadSample,
        *,
        length: Optional[int] = None,
        on_progress: Optional[_Progress] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> Coroutine[Any, Any, BiometricResult]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its blocking twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def aclose(self) -> Coroutine[Any, Any, None]: ...
    def __aenter__(self) -> Coroutine[Any, Any, Self]: ...
    def __aexit__(self, *exc: object) -> Coroutine[Any, Any, None]: ...

# --- waits and TOTP ---------------------------------------------------------------------

@final
class CancellationToken:
    """Cancels a wait from another thread: the wait raises ``Cancelled``."""

    def __new__(cls) -> Self: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

@final
class Totp:
    """RFC 6238 TOTP generator; ``algorithm`` is ``SHA1``, ``SHA256`` or ``SHA512``."""

    def __new__(
        cls, secret: bytes, *, algorithm: Optional[str] = None, digits: Optional[int] = None, period: Optional[int] = None
    ) -> Self: ...
    @staticmethod
    def from_base32(
        secret: str, *, algorithm: Optional[str] = None, digits: Optional[int] = None, period: Optional[int] = None
    ) -> Totp: ...
    @staticmethod
    def from_uri(uri: str) -> Totp: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...
    @property
    def issuer(self) -> Optional[str]: ...
    @property
    def account(self) -> Optional[str]: ...
    def now(self) -> str: ...
    def at(self, unix_seconds: int) -> str: ...
    def for_step(self, step: int) -> str: ...
    def step_at(self, unix_seconds: int) -> int: ...
    def seconds_left_at(self, unix_seconds: int) -> int: ...
    def verify_at(self, code: str, unix_seconds: int, window: int = 1) -> Optional[int]: ...

# --- Descope ----------------------------------------------------------------------------

@final
class LoginOptions:
    """``loginOptions`` of a sign-in; ``stepup``/``mfa`` need the session's refresh JWT."""

    def __new__(
        cls,
        *,
        stepup: bool = False,
        mfa: bool = False,
        custom_claims: Optional[Dict[str, Any]] = None,
        template_options: Optional[Dict[str, str]] = None,
        revoke_other_sessions: bool = False,
    ) -> Self: ...

@final
class UserDetails:
    """Details of a user to sign up."""

    def __new__(
        cls,
        *,
        name: Optional[str] = None,
        given_name: Optional[str] = None,
        middle_name: Optional[str] = None,
        family_name: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
    ) -> Self: ...

@final
class NotpStart:
    """A started nOTP login: show ``image`` or redirect, then wait with ``pending_ref``."""

    @property
    def pending_ref(self) -> str: ...
    @property
    def redirect_url(self) -> str: ...
    @property
    def image(self) -> str: ...

@final
class DescopeUser:
    @property
    def user_id(self) -> str: ...
    @property
    def login_ids(self) -> List[str]: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def given_name(self) -> Optional[str]: ...
    @property
    def middle_name(self) -> Optional[str]: ...
    @property
    def family_name(self) -> Optional[str]: ...
    @property
    def email(self) -> Optional[str]: ...
    @property
    def phone(self) -> Optional[str]: ...
    @property
    def verified_email(self) -> bool: ...
    @property
    def verified_phone(self) -> bool: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def picture(self) -> Optional[str]: ...
    @property
    def role_names(self) -> List[str]: ...
    @property
    def created_time(self) -> Optional[int]: ...
    @property
    def totp(self) -> Optional[bool]: ...
    @property
    def extra(self) -> Dict[str, Any]: ...

@final
class Session:
    """A signed-in Descope session; ``repr`` hides the JWTs."""

    @property
    def session_jwt(self) -> str: ...
    @property
    def refresh_jwt(self) -> Optional[str]: ...
    @property
    def cookie_max_age(self) -> Optional[int]: ...
    @property
    def cookie_expiration(self) -> Optional[int]: ...
    @property
    def cookie_domain(self) -> Optional[str]: ...
    @property
    def cookie_path(self) -> Optional[str]: ...
    @property
    def first_seen(self) -> bool: ...
    @property
    def user(self) -> DescopeUser: ...

@final
class TotpEnrollment:
    """A TOTP key to show the person; every field is secret."""

    @property
    def provisioning_url(self) -> str: ...
    @property
    def image(self) -> str: ...
    @property
    def key(self) -> str: ...
    def generator(self) -> Totp: ...

@final
class SessionClaims:
    """The checked claims of a session JWT."""

    @property
    def subject(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def issued_at(self) -> Optional[int]: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def roles(self) -> List[str]: ...
    @property
    def permissions(self) -> List[str]: ...
    @property
    def tenants(self) -> Dict[str, Dict[str, Any]]: ...
    @property
    def all(self) -> Dict[str, Any]: ...
    def has_role(self, role: str) -> bool: ...
    def has_permission(self, permission: str) -> bool: ...

@final
class DescopeClient:
    """Descope nOTP / TOTP / session client (blocking). Thread-safe: share one instance."""

    def __new__(
        cls,
        project_id: str,
        *,
        base_url: Optional[str] = None,
        management_key: Optional[str] = None,
        leeway: float = 5.0,
        min_key_refresh: float = 30.0,
        audience: Optional[str] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    @property
    def aio(self) -> AsyncDescopeClient: ...
    def notp_sign_up(
        self,
        login_id: str,
        user: Optional[UserDetails] = None,
        *,
        provider: Optional[str] = None,
        provider_id: Optional[str] = None,
        login_options: Optional[LoginOptions] = None,
    ) -> NotpStart: ...
    def notp_sign_in(
        self,
        login_id: str,
        *,
        provider: Optional[str] = None,
        provider_id: Optional[str] = None,
        login_options: Optional[LoginOptions] = None,
        refresh_jwt: Optional[str] = None,
    ) -> NotpStart: ...
    def notp_sign_up_or_in(
        self,
        login_id: str,
        *,
        provider: Optional[str] = None,
        provider_id: Optional[str] = None,
        login_options: Optional[LoginOptions] = None,
        refresh_jwt: Optional[str] = None,
    ) -> NotpStart: ...
    def notp_pending_session(self, pending_ref: str) -> Optional[Session]: ...
    def wait_for_session(
        self,
        pending_ref: str,
        *,
        timeout: float = 300.0,
        interval: Optional[float] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> Session: ...
    def totp_sign_up(self, login_id: str, user: Optional[UserDetails] = None) -> TotpEnrollment: ...
    def totp_verify(self, login_id: str, code: str, login_options: Optional[LoginOptions] = None) -> Session: ...
    def totp_verify_for_session(
        self, login_id: str, code: str, login_options: LoginOptions, refresh_jwt: str
    ) -> Session: ...
    def totp_update(self, login_id: str, refresh_jwt: str) -> TotpEnrollment: ...
    def validate_session(self, session_jwt: str) -> SessionClaims: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its ``.aio`` twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

@final
class AsyncDescopeClient:
    """Descope client for asyncio."""

    def __new__(
        cls,
        project_id: str,
        *,
        base_url: Optional[str] = None,
        management_key: Optional[str] = None,
        leeway: float = 5.0,
        min_key_refresh: float = 30.0,
        audience: Optional[str] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    def notp_sign_up(
        self,
        login_id: str,
        user: Optional[UserDetails] = None,
        *,
        provider: Optional[str] = None,
        provider_id: Optional[str] = None,
        login_options: Optional[LoginOptions] = None,
    ) -> Coroutine[Any, Any, NotpStart]: ...
    def notp_sign_in(
        self,
        login_id: str,
        *,
        provider: Optional[str] = None,
        provider_id: Optional[str] = None,
        login_options: Optional[LoginOptions] = None,
        refresh_jwt: Optional[str] = None,
    ) -> Coroutine[Any, Any, NotpStart]: ...
    def notp_sign_up_or_in(
        self,
        login_id: str,
        *,
        provider: Optional[str] = None,
        provider_id: Optional[str] = None,
        login_options: Optional[LoginOptions] = None,
        refresh_jwt: Optional[str] = None,
    ) -> Coroutine[Any, Any, NotpStart]: ...
    def notp_pending_session(self, pending_ref: str) -> Coroutine[Any, Any, Optional[Session]]: ...
    def wait_for_session(
        self,
        pending_ref: str,
        *,
        timeout: float = 300.0,
        interval: Optional[float] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> Coroutine[Any, Any, Session]: ...
    def totp_sign_up(self, login_id: str, user: Optional[UserDetails] = None) -> Coroutine[Any, Any, TotpEnrollment]: ...
    def totp_verify(
        self, login_id: str, code: str, login_options: Optional[LoginOptions] = None
    ) -> Coroutine[Any, Any, Session]: ...
    def totp_verify_for_session(
        self, login_id: str, code: str, login_options: LoginOptions, refresh_jwt: str
    ) -> Coroutine[Any, Any, Session]: ...
    def totp_update(self, login_id: str, refresh_jwt: str) -> Coroutine[Any, Any, TotpEnrollment]: ...
    def validate_session(self, session_jwt: str) -> Coroutine[Any, Any, SessionClaims]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its blocking twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def aclose(self) -> Coroutine[Any, Any, None]: ...
    def __aenter__(self) -> Coroutine[Any, Any, Self]: ...
    def __aexit__(self, *exc: object) -> Coroutine[Any, Any, None]: ...

# --- OtpOne -----------------------------------------------------------------------------

@final
class OtpOneTransaction:
    """A transaction opened by getTransactionID."""

    @property
    def id(self) -> str: ...
    @property
    def user_mail(self) -> str: ...
    @property
    def request_type(self) -> RequestType: ...

@final
class OtpOneValidation:
    """A validation OtpOne reported valid for the expected user; ``repr`` hides the token."""

    @property
    def user_valided(self) -> str: ...
    @property
    def private_token(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def fields(self) -> Dict[str, Any]: ...

@final
class OtpOneServer:
    """OtpOne with the server key (``SRV-...``), blocking."""

    def __new__(
        cls,
        server_key: str,
        *,
        base_url: Optional[str] = None,
        send_request_timeout: Optional[float] = None,
        paths: Optional[Dict[str, str]] = None,
        params: Optional[Dict[str, str]] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    @property
    def aio(self) -> AsyncOtpOneServer: ...
    def get_transaction_id(
        self,
        user_mail: str,
        request_type: Union[RequestType, str],
        message: str,
        private_token: Optional[str] = None,
    ) -> OtpOneTransaction: ...
    def get_html(self, transaction_id: str, page_type: Union[PageType, str], form_id: str) -> str: ...
    def verify_token(self, token: str, expected_user: str) -> OtpOneValidation: ...
    def send_request(
        self,
        user_mail: str,
        request_type: Union[RequestType, str],
        message: str,
        user_ip: str,
        os_type: str,
        app_name: str,
    ) -> OtpOneValidation: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its ``.aio`` twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

@final
class AsyncOtpOneServer:
    """OtpOne with the server key, for asyncio."""

    def __new__(
        cls,
        server_key: str,
        *,
        base_url: Optional[str] = None,
        send_request_timeout: Optional[float] = None,
        paths: Optional[Dict[str, str]] = None,
        params: Optional[Dict[str, str]] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    def get_transaction_id(
        self,
        user_mail: str,
        request_type: Union[RequestType, str],
        message: str,
        private_token: Optional[str] = None,
    ) -> Coroutine[Any, Any, OtpOneTransaction]: ...
    def get_html(self, transaction_id: str, page_type: Union[PageType, str], form_id: str) -> Coroutine[Any, Any, str]: ...
    def verify_token(self, token: str, expected_user: str) -> Coroutine[Any, Any, OtpOneValidation]: ...
    def send_request(
        self,
        user_mail: str,
        request_type: Union[RequestType, str],
        message: str,
        user_ip: str,
        os_type: str,
        app_name: str,
    ) -> Coroutine[Any, Any, OtpOneValidation]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its blocking twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def aclose(self) -> Coroutine[Any, Any, None]: ...
    def __aenter__(self) -> Coroutine[Any, Any, Self]: ...
    def __aexit__(self, *exc: object) -> Coroutine[Any, Any, None]: ...

@final
class OtpOneClient:
    """OtpOne with the client key (``JS-...``), blocking."""

    def __new__(
        cls,
        client_key: str,
        *,
        base_url: Optional[str] = None,
        paths: Optional[Dict[str, str]] = None,
        params: Optional[Dict[str, str]] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    @property
    def aio(self) -> AsyncOtpOneClient: ...
    def is_finish(self, transaction_id: str) -> bool: ...
    def get_result(self, transaction_id: str, expected_user: Optional[str] = None) -> OtpOneValidation: ...
    def wait_for_result(
        self,
        transaction_id: str,
        expected_user: Optional[str] = None,
        *,
        timeout: float = 300.0,
        interval: Optional[float] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> OtpOneValidation: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its ``.aio`` twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

@final
class AsyncOtpOneClient:
    """OtpOne with the client key, for asyncio."""

    def __new__(
        cls,
        client_key: str,
        *,
        base_url: Optional[str] = None,
        paths: Optional[Dict[str, str]] = None,
        params: Optional[Dict[str, str]] = None,
        transport: Optional[TransportOptions] = None,
    ) -> Self: ...
    def is_finish(self, transaction_id: str) -> Coroutine[Any, Any, bool]: ...
    def get_result(self, transaction_id: str, expected_user: Optional[str] = None) -> Coroutine[Any, Any, OtpOneValidation]: ...
    def wait_for_result(
        self,
        transaction_id: str,
        expected_user: Optional[str] = None,
        *,
        timeout: float = 300.0,
        interval: Optional[float] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> Coroutine[Any, Any, OtpOneValidation]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its blocking twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def aclose(self) -> Coroutine[Any, Any, None]: ...
    def __aenter__(self) -> Coroutine[Any, Any, Self]: ...
    def __aexit__(self, *exc: object) -> Coroutine[Any, Any, None]: ...

# --- NoPass portal ----------------------------------------------------------------------

@final
class PortalResponse:
    """The answer to one callback: send status, content type, headers and body as they are."""

    @property
    def status(self) -> int: ...
    @property
    def content_type(self) -> Optional[str]: ...
    @property
    def headers(self) -> List[Tuple[str, str]]: ...
    @property
    def body(self) -> bytes: ...
    def json(self) -> Any: ...
    @property
    def error_code(self) -> Optional[str]: ...
    @property
    def error_message(self) -> Optional[str]: ...

@final
class PortalStatus:
    """The portal's registration and phase; ``repr`` hides ``auth_token``."""

    @property
    def version(self) -> int: ...
    @property
    def phase(self) -> PortalPhase: ...
    @property
    def portal_id(self) -> Optional[str]: ...
    @property
    def auth_token(self) -> Optional[str]: ...
    @property
    def settings(self) -> Optional[str]: ...
    @property
    def changed_at_ms(self) -> int: ...

@final
class LoginSession:
    """A NoPass login (or a portal-started registration's session) as the portal keeps it.
    The browser gets ``handle``; the NoPass ``authId`` never leaves core. ``repr`` shows only
    the start of the handle."""

    @property
    def handle(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def origin(self) -> SessionOrigin: ...
    @property
    def state(self) -> SessionState: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def image(self) -> Optional[str]: ...
    @property
    def next_change_ms(self) -> Optional[int]: ...
    @property
    def picture_expires_at_ms(self) -> Optional[int]: ...
    @property
    def pictures(self) -> int: ...
    @property
    def created_at_ms(self) -> int: ...
    @property
    def expires_at_ms(self) -> int: ...
    @property
    def updated_at_ms(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def finished(self) -> bool: ...
    def image_data_url(self) -> Optional[str]: ...
    def image_png(self) -> Optional[bytes]: ...

@final
class RedeemedLogin:
    """An authorised login, given once by ``redeem_login``: sign ``user_id`` in."""

    @property
    def handle(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def origin(self) -> SessionOrigin: ...
    @property
    def authorized_at_ms(self) -> int: ...

@final
class PreRegisteredUser:
    """A started user registration; ``repr`` hides ``otp``. Give the browser ``handle``."""

    @property
    def user_id(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def otp(self) -> str: ...
    @property
    def register_link(self) -> str: ...
    @property
    def expires_at_ms(self) -> int: ...

@final
class EmbeddedServer:
    """The portal on authbridge's own HTTP server; close it (or leave ``with``) to stop."""

    @property
    def url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Stops the server (callbacks in flight get ``shutdown_grace`` to finish). Closing
        twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

@final
class Portal:
    """The NoPass portal (blocking methods; ``.aio`` for asyncio). Mount ``handle`` in your web
    framework (or use ``authbridge.asgi.PortalApp`` / ``authbridge.wsgi.PortalApp``, or ``serve()``).

    A portal with the ``adminId`` and ``sCode`` entered in the NoPass console.

    Who may call it is required (a ``ConfigError`` otherwise): ``allowed_sources`` (the
    NoPass server's addresses or CIDR ranges; ``trusted_proxies`` are the reverse proxies
    whose ``X-Forwarded-For`` is believed), ``shared_secret_header=(name, secret)`` or
    ``shared_secret_bearer=secret`` (a header your reverse proxy adds; at least 16
    characters), ``require_client_certificate=True`` (a TLS client certificate verified by
    the embedded receiver served with ``client_ca_pem``; no ASGI or WSGI server can vouch for
    one, so there every callback is refused), or ``accept_any_source=True`` alone (only for a network where
    nothing but the NoPass server reaches the portal; logged as a warning). Checks given
    together must all pass.

    ``server_url`` is the NoPass server (for ``pre_register_user`` / ``request_authorization``);
    ``store`` is where the state lives, as a URL: None or ``memory:`` (this process only),
    ``sqlite:PATH`` or a bare path (durable, shared by processes on one machine, safe across
    ``fork``), ``redis://…`` / ``rediss://…`` with ``?portal=NAME`` (shared by every replica,
    in any language); ``hooks`` is a ``PortalHooks`` object (an ``async def`` hook is awaited
    on the event loop of ``aio.handle``, i.e. the ASGI server's; the blocking surfaces refuse
    such a portal). Durations are seconds: ``redeem_ttl`` (an
    authorised login must be redeemed within it), ``pre_registration_ttl`` (a
    pre-registration lapses unless confirmed within it), ``hook_timeout`` (a slower hook
    gets the NoPass server a 503 with ``Retry-After`` and changes nothing)."""

    def __new__(
        cls,
        admin_id: str,
        s_code: str,
        *,
        allowed_sources: Union[List[str], Tuple[str, ...]] = ...,
        trusted_proxies: Union[List[str], Tuple[str, ...]] = ...,
        shared_secret_header: Optional[Tuple[str, str]] = None,
        shared_secret_bearer: Optional[str] = None,
        require_client_certificate: bool = False,
        accept_any_source: bool = False,
        server_url: Optional[str] = None,
        server_transport: Optional[TransportOptions] = None,
        hooks: Optional[Any] = None,
        store: Union[str, "PathLike[str]", None] = None,
        response_mode: str = "envelope",
        mount_path: Optional[str] = None,
        max_body_bytes: Optional[int] = None,
        registration_ttl: Optional[float] = None,
        login_ttl: Optional[float] = None,
        redeem_ttl: Optional[float] = None,
        pre_registration_ttl: Optional[float] = None,
        hook_timeout: Optional[float] = None,
        session_retention: Optional[float] = None,
    ) -> Self: ...
    @property
    def aio(self) -> AsyncPortal: ...
    @property
    def async_hooks(self) -> List[str]:
        """The hooks written as ``async def`` (awaited on the event loop of ``aio.handle``)."""
    @property
    def max_body_bytes(self) -> int: ...
    def refusal(
        self, method: str, path: str, headers: List[Tuple[str, str]], peer: Optional[str] = None
    ) -> Optional[PortalResponse]:
        """The answer to send before reading the body when the callback is refused whatever its
        body says (path, method, access policy, content type, announced length); None: read
        the body and call ``handle``."""
    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls_cert_pem: Union[bytes, str, None] = None,
        tls_key_pem: Union[bytes, str, None] = None,
        client_ca_pem: Union[bytes, str, None] = None,
        header_read_timeout: Optional[float] = None,
        body_read_timeout: Optional[float] = None,
        idle_timeout: Optional[float] = None,
        max_connections: Optional[int] = None,
        shutdown_grace: Optional[float] = None,
        metrics_path: Optional[str] = None,
    ) -> EmbeddedServer:
        """Serves the portal on ``host:port`` with authbridge's embedded HTTP server (port 0
        picks a free one). Close the returned server (or use it in ``with``) to stop.

        ``tls_cert_pem`` (the certificate chain, server's first) and ``tls_key_pem`` (its
        private key) serve HTTPS; ``client_ca_pem`` adds mutual TLS: a caller without a
        certificate from one of those CAs fails the handshake, and the callers that pass are
        what ``require_client_certificate=True`` admits. PEM is ``bytes`` or ``str``; unusable
        PEM raises ``ConfigError`` (its message never quotes the key). Limits, in seconds:
        ``header_read_timeout`` (to send a request head, and the TLS handshake; default 10),
        ``body_read_timeout`` (to send the body; 20), ``idle_timeout`` (a connection with no
        request in progress; 5), ``shutdown_grace`` (for callbacks in flight when the server
        is closed; 10); ``max_connections`` served at once (512; further ones wait). A zero
        limit raises ``ConfigError``. ``metrics_path`` (e.g. ``"/metrics"``; off by default)
        serves ``metrics_prometheus()`` to GET at that path, to whoever reaches the server."""
    def handle(
        self, method: str, path: str, headers: List[Tuple[str, str]], body: bytes, peer: Optional[str] = None
    ) -> PortalResponse:
        """Handles one callback; never raises for a bad one (that is an answer). A portal with
        an ``async def`` hook raises ``ConfigError`` here: use ``aio.handle``."""
    def status(self) -> PortalStatus: ...
    def session(self, handle: str) -> Optional[LoginSession]: ...
    def wait_session(
        self,
        handle: str,
        seen_version: int = 0,
        *,
        timeout: float = 60.0,
        interval: Optional[float] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> LoginSession: ...
    def redeem_login(self, handle: str) -> RedeemedLogin: ...
    def pre_register_user(
        self,
        user_id: str,
        *,
        client_ip: Optional[str] = None,
        redirect_url: Optional[str] = None,
        social_network: Optional[str] = None,
        given_name: Optional[str] = None,
        sur_name: Optional[str] = None,
        phone_number: Optional[str] = None,
        email: Optional[str] = None,
    ) -> PreRegisteredUser: ...
    def request_authorization(self, user_id: str) -> LoginSession: ...
    def reset(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases the portal (its ``.aio`` twin is closed with it; a server started with
        ``serve()`` keeps running until closed); calls made afterwards raise ``ConfigError``.
        Closing twice does nothing."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> Literal[False]: ...

@final
class AsyncPortal:
    """The portal's asyncio methods."""

    @property
    def async_hooks(self) -> List[str]: ...
    def handle(
        self, method: str, path: str, headers: List[Tuple[str, str]], body: bytes, peer: Optional[str] = None
    ) -> Coroutine[Any, Any, PortalResponse]: ...
    def status(self) -> Coroutine[Any, Any, PortalStatus]: ...
    def session(self, handle: str) -> Coroutine[Any, Any, Optional[LoginSession]]: ...
    def wait_session(
        self,
        handle: str,
        seen_version: int = 0,
        *,
        timeout: float = 60.0,
        interval: Optional[float] = None,
        cancel: Optional[CancellationToken] = None,
    ) -> Coroutine[Any, Any, LoginSession]: ...
    def redeem_login(self, handle: str) -> Coroutine[Any, Any, RedeemedLogin]: ...
    def pre_register_user(
        self,
        user_id: str,
        *,
        client_ip: Optional[str] = None,
        redirect_url: Optional[str] = None,
        social_network: Optional[str] = None,
        given_name: Optional[str] = None,
        sur_name: Optional[str] = None,
        phone_number: Optional[str] = None,
        email: Optional[str] = None,
    ) -> Coroutine[Any, Any, PreRegisteredUser]: ...
    def request_authorization(self, user_id: str) -> Coroutine[Any, Any, LoginSession]: ...
    def reset(self) -> Coroutine[Any, Any, None]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Releases this client's connections (its blocking twin is closed with it); calls
        made afterwards raise ``ConfigError``. Closing twice does nothing."""
    def aclose(self) -> Coroutine[Any, Any, None]: ...
    def __aenter__(self) -> Coroutine[Any, Any, Self]: ...
    def __aexit__(self, *exc: object) -> Coroutine[Any, Any, None]: ...
