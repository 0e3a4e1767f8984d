"""Enumerations. Each value is core's stable snake_case name, the same in every language."""

from __future__ import annotations

import enum


class Vendor(str, enum.Enum):
    """The vendors authbridge speaks to."""

    NEVIS = "nevisidm"
    AUTHX = "authx"
    DESCOPE = "descope"
    OTPONE = "otpone"
    NOPASS = "nopass"


class LoginStatusCode(str, enum.Enum):
    """``statusCode`` of a nevisIDM login (5 OK; 2 failed; 3 lock warning; 4 locked; 9 locked
    for a while). ``OTHER`` is a code this version does not know, treated as a failure."""

    OK = "ok"
    FAILED = "failed"
    FAILED_LOCK_WARNING = "failed_lock_warning"
    FAILED_LOCKED = "failed_locked"
    FAILED_TEMPORARILY_LOCKED = "failed_temporarily_locked"
    OTHER = "other"


class BiometricKind(str, enum.Enum):
    """AuthX ``authentication_id``: which biometric a sample is (1 finger, 2 face, 3 palm)."""

    FINGER = "finger"
    FACE = "face"
    PALM = "palm"


class BiometricProcess(str, enum.Enum):
    """AuthX ``process_type``: what to do with the sample (1 enrol, 2 verify, 3 delete)."""

    ENROL = "enrol"
    VERIFY = "verify"
    DELETE = "delete"


class BiometricOutcome(str, enum.Enum):
    """AuthX ProcessBiometric ``response_code`` 1-8; ``OTHER`` for a code this version does not
    know. Only ``SUCCESS`` means the sample was accepted."""

    SUCCESS = "success"
    FACE_NOT_MATCH = "face_not_match"
    FACE_QUALITY_POOR = "face_quality_poor"
    TOO_MANY_FACE = "too_many_face"
    FACE_NOT_FOUND = "face_not_found"
    FACE_OUT_BOUND = "face_out_bound"
    SETTINGS_MISSED = "settings_missed"
    USER_NOT_EXISTS = "user_not_exists"
    OTHER = "other"


class SessionRejection(str, enum.Enum):
    """Why Descope session validation refused a JWT (``AuthenticationFailed.session_rejection``)."""

    MALFORMED = "malformed_token"
    UNKNOWN_KEY = "unknown_key"
    ALGORITHM_MISMATCH = "algorithm_mismatch"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    NOT_A_SESSION_TOKEN = "not_a_session_token"


class RequestType(str, enum.Enum):
    """OtpOne ``requestype``: what the person is asked to do (values are the seed's names)."""

    WEB_SESSION = "RequestWebSession"
    COMPUTER_SESSION = "RequestComputerSession"
    FILE_SCAN_IMAGE = "RequestFileScanImage"
    FILE_SCAN_DOCUMENT = "RequestFileScanDocument"
    WORKFLOW_VALIDATION = "RequestWorkFlowValidation"
    #: Spelled as in the seed ("Applicaiton").
    APPLICATION_ACCESS = "RequestApplicaitonAccess"
    SIGN_DOCUMENT = "RequestSignDocument"


class PageType(str, enum.Enum):
    """OtpOne ``pageType``: which validation the GetHTML page offers."""

    RTR_PHONE_VALIDATION = "RTRPhoneValidation"
    SECURITY_KEY_VALIDATION = "SecurityKeyValidation"
    SECURITY_KEY_REGISTRATION = "SecurityKeyRegistration"
    CERTIFICATE = "Certificate"


class PortalPhase(str, enum.Enum):
    """Where the NoPass portal stands: unregistered -> pre_registered -> registered -> disabled."""

    UNREGISTERED = "unregistered"
    PRE_REGISTERED = "pre_registered"
    REGISTERED = "registered"
    DISABLED = "disabled"


class SessionState(str, enum.Enum):
    """A NoPass login's state. ``AUTHORIZED`` is not yet a signed-in user: the host signs the
    user in only when ``Portal.redeem_login`` succeeds (then ``REDEEMED``)."""

    PENDING = "pending"
    AUTHORIZED = "authorized"
    REDEEMED = "redeemed"
    DENIED = "denied"
    CLOSED = "closed"
    EXPIRED = "expired"


class SessionOrigin(str, enum.Enum):
    """Whether a NoPass session came from a login or a user registration."""

    LOGIN = "login"
    REGISTRATION = "registration"


class RegistrationOrigin(str, enum.Enum):
    """Who started a NoPass user registration. Only ``PORTAL`` ones (``pre_register_user``)
    concern a user the portal knows and authorise a session. Every detail of a
    ``NOPASS_SERVER`` one came from the caller: decide on ``origin`` and the portal's own user
    id, never on those details (an e-mail domain proves nothing)."""

    PORTAL = "portal"
    NOPASS_SERVER = "nopass_server"
