"""authbridge: one client for passwordless and MFA vendors, from Python.

Blocking methods release the GIL while they wait, so threads (and WSGI servers) keep running;
each client's ``.aio`` twin (or the ``Async*`` class) returns awaitables for asyncio. Errors are
:class:`AuthBridgeError` subclasses with a stable ``code``. :class:`Sandbox` stands in for every
vendor on localhost, for tests and demos. Log records go to the ``authbridge`` logger.
"""

from __future__ import annotations

import collections.abc as _abc
import logging as _logging

from ._enums import (
    BiometricKind,
    BiometricOutcome,
    BiometricProcess,
    LoginStatusCode,
    SessionRejection,
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
    AsyncDescopeClient,
    CancellationToken,
    DescopeClient,
    DescopeSandbox,
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
    AuthxSandbox,
    BiometricApp,
    BiometricCall,
    BiometricFrame,
    BiometricResult,
    DeviceData,
    PinVerification,
    UserProfile,
    Fault,
    LoginStatus,
    NevisClient,
    Sandbox,
    TransportOptions,
    __version__,
)
from ._native import Call as _Call

# The asyncio methods return native coroutines: let asyncio.run / create_task accept them.
_abc.Coroutine.register(_Call)

# A library adds no handler of its own beyond this one (logging HOWTO).
_logging.getLogger("authbridge").addHandler(_logging.NullHandler())

__all__ = [
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
]
