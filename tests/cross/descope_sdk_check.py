"""Descope's official Python SDK, pointed at the sandbox, signs a user up for TOTP, signs in
with a generated code and validates the session JWT against the published keys. Any
deviation of the stand-in from Descope's wire format fails here, not in our own clients."""

import authbridge
import jwt
from descope import DescopeClient
from descope.exceptions import AuthException

LOGIN_ID = "sdk-user@example.com"

with authbridge.Sandbox() as sandbox:
    project = sandbox.descope.PROJECT_ID
    sdk = DescopeClient(project_id=project, base_url=sandbox.url("descope"))

    enrollment = sdk.totp.sign_up(LOGIN_ID, {"email": LOGIN_ID})
    assert enrollment["provisioningURL"].startswith("otpauth://totp/"), enrollment
    generator = authbridge.Totp.from_base32(enrollment["key"])

    signed_in = sdk.totp.sign_in_code(LOGIN_ID, generator.now())
    session_jwt = signed_in["sessionToken"]["jwt"]
    assert signed_in["user"]["loginIds"] == [LOGIN_ID], signed_in["user"]

    claims = sdk.validate_session(session_jwt)
    assert claims["sub"] == signed_in["userId"], claims
    assert claims["iss"].endswith(project), claims

    # A token the sandbox did not sign is refused by the SDK too.
    header, payload, signature = session_jwt.split(".")
    forged = "BBBB" if signature.endswith("AAAA") else "AAAA"
    tampered = ".".join([header, payload, signature[:-4] + forged])
    try:
        sdk.validate_session(tampered)
    except (AuthException, jwt.InvalidTokenError):  # the SDK lets PyJWT's errors through
        pass
    else:
        raise AssertionError("the SDK accepted a tampered session JWT")

print("Descope Python SDK: TOTP sign-up, sign-in and session validation against the sandbox")
