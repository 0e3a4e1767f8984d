"""authbridge: one client for passwordless and MFA vendors, from Python.

Blocking methods release the GIL while they wait, so threads (and WSGI servers) keep running;
each client's ``.aio`` twin (or the ``Async*`` class) returns awaitables for asyncio. Errors are
:class:`AuthBridgeError` subclasses with a stable ``code``. :class:`Sandbox` stands in for every
vendor on localhost, for tests and demos. Log records go to the ``authbridge`` logger.
"""

from __future__ import annotations

import collections.abc as _abc
import logging as _logging
from typing import TYPE_CHECKING, Any

from ._enums import (
    BiometricKind,
    BiometricOutcome,
    BiometricProcess,
    LoginStatusCode,
    PageType,
    PortalPhase,
    RegistrationOrigin,
    RequestType,
    SessionOrigin,
    SessionRejection,
    SessionState,
    Vendor,
)
from ._errors import (
    AuthBridgeError,
    AuthenticationFailed,
    Cancelled,
    ConfigError,
    Conflict,
    ConnectError,
    DecodeError,
    HttpStatusError,
    InvalidInput,
    IoError,
    NotFound,
    RateLimited,
    ResponseTooLarge,
    StoreError,
    Timeout,
    TransportError,
    Unauthorized,
    VendorError,
)
from ._native import (
    AsyncPortal,
    EmbeddedServer,
    LoginSession,
    Portal,
    PortalResponse,
    PortalStatus,
    PreRegisteredUser,
    RedeemedLogin,
    AsyncOtpOneClient,
    AsyncOtpOneServer,
    OtpOneClient,
    OtpOneServer,
    OtpOneTransaction,
    OtpOneValidation,
    AsyncDescopeClient,
    CancellationToken,
    DescopeClient,
    DescopeUser,
    LoginOptions,
    NotpStart,
    Session,
    SessionClaims,
    Totp,
    TotpEnrollment,
    UserDetails,
    AccessToken,
    AsyncAuthxClient,
    AsyncNevisClient,
    AuthxClient,
    BiometricApp,
    BiometricCall,
    BiometricFrame,
    BiometricResult,
    DeviceData,
    PinVerification,
    UserProfile,
    LoginStatus,
    NevisClient,
    TransportOptions,
    __version__,
    metrics,
    metrics_prometheus,
)
from ._metrics import MetricsSnapshot
from ._native import Call as _Call

# The asyncio methods return native coroutines: let asyncio.run / create_task accept them.
_abc.Coroutine.register(_Call)


if TYPE_CHECKING:
    from ._portal import AuthorizationResult as AuthorizationResult
    from ._portal import FieldChange as FieldChange
    from ._portal import NewUser as NewUser
    from ._portal import PictureUpdate as PictureUpdate
    from ._portal import PortalHooks as PortalHooks
    from ._portal import PreRegistration as PreRegistration
    from ._portal import Registration as Registration
    from ._portal import ServiceDisabling as ServiceDisabling
    from ._portal import SessionClosing as SessionClosing
    from ._portal import UserDeletion as UserDeletion
    from ._portal import UserRegistration as UserRegistration
    from ._portal import UserRegistrationCheck as UserRegistrationCheck
    from ._portal import UserUpdate as UserUpdate
    from ._portal import UsersAddition as UsersAddition
    from .sandbox import AsyncNoPassSandbox as AsyncNoPassSandbox
    from .sandbox import AuthxSandbox as AuthxSandbox
    from .sandbox import DescopeSandbox as DescopeSandbox
    from .sandbox import Fault as Fault
    from .sandbox import NoPassSandbox as NoPassSandbox
    from .sandbox import OtpOneSandbox as OtpOneSandbox
    from .sandbox import Sandbox as Sandbox

# The portal's event classes and the sandbox's helpers are Python classes (many of them
# dataclasses), whose creation is most of this package's import time: they load on first use
# (PEP 562), so `import authbridge` stays cheap for clients only.
_PORTAL_NAMES = frozenset({"AuthorizationResult", "FieldChange", "NewUser", "PictureUpdate", "PortalHooks", "PreRegistration", "Registration", "ServiceDisabling", "SessionClosing", "UserDeletion", "UserRegistration", "UserRegistrationCheck", "UserUpdate", "UsersAddition"})
_SANDBOX_NAMES = frozenset({"AsyncNoPassSandbox", "AuthxSandbox", "DescopeSandbox", "Fault", "NoPassSandbox", "OtpOneSandbox", "Sandbox"})


def __getattr__(name: str) -> Any:
    if name in _PORTAL_NAMES:
        from . import _portal

        return getattr(_portal, name)
    if name in _SANDBOX_NAMES:
        from . import sandbox

        return getattr(sandbox, name)
    raise AttributeError(f"module 'authbridge' has no attribute {name!r}")

# A library adds no handler of its own beyond this one (logging HOWTO).
_logging.getLogger("authbridge").addHandler(_logging.NullHandler())

__all__ = [
    "AsyncNoPassSandbox",
    "AsyncPortal",
    "EmbeddedServer",
    "LoginSession",
    "NoPassSandbox",
    "Portal",
    "PortalResponse",
    "PortalStatus",
    "PreRegisteredUser",
    "RedeemedLogin",
    "PortalPhase",
    "RegistrationOrigin",
    "SessionOrigin",
    "SessionState",
    "AuthorizationResult",
    "FieldChange",
    "NewUser",
    "PictureUpdate",
    "PortalHooks",
    "PreRegistration",
    "Registration",
    "ServiceDisabling",
    "SessionClosing",
    "UserDeletion",
    "UserRegistration",
    "UserRegistrationCheck",
    "UserUpdate",
    "UsersAddition",
    "AsyncOtpOneClient",
    "AsyncOtpOneServer",
    "OtpOneClient",
    "OtpOneSandbox",
    "OtpOneServer",
    "OtpOneTransaction",
    "OtpOneValidation",
    "PageType",
    "RequestType",
    "AsyncDescopeClient",
    "CancellationToken",
    "DescopeClient",
    "DescopeSandbox",
    "DescopeUser",
    "LoginOptions",
    "NotpStart",
    "Session",
    "SessionClaims",
    "SessionRejection",
    "Totp",
    "TotpEnrollment",
    "UserDetails",
    "AccessToken",
    "AsyncAuthxClient",
    "AuthxClient",
    "AuthxSandbox",
    "BiometricApp",
    "BiometricCall",
    "BiometricFrame",
    "BiometricKind",
    "BiometricOutcome",
    "BiometricProcess",
    "BiometricResult",
    "DeviceData",
    "PinVerification",
    "UserProfile",
    "AsyncNevisClient",
    "AuthBridgeError",
    "AuthenticationFailed",
    "Cancelled",
    "ConfigError",
    "Conflict",
    "ConnectError",
    "DecodeError",
    "Fault",
    "HttpStatusError",
    "InvalidInput",
    "IoError",
    "LoginStatus",
    "LoginStatusCode",
    "NevisClient",
    "NotFound",
    "RateLimited",
    "ResponseTooLarge",
    "Sandbox",
    "StoreError",
    "Timeout",
    "TransportError",
    "TransportOptions",
    "Unauthorized",
    "Vendor",
    "VendorError",
    "__version__",
    "MetricsSnapshot",
    "metrics",
    "metrics_prometheus",
]
