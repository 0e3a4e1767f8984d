"""A nevisIDM password login and a Descope TOTP sign-in with the installed wheel, against the
sandbox named in the environment (tests/cross/70-install.sh sets it up)."""

import os
import sys

import authbridge

env = os.environ
if authbridge.__version__ != env["EXPECTED_VERSION"]:
    sys.exit(f"authbridge {authbridge.__version__} is installed, not {env['EXPECTED_VERSION']}")
print(f"-- python: authbridge {authbridge.__version__} from {os.path.dirname(authbridge.__file__)}")

nevis = authbridge.NevisClient(env["NEVIS_URL"])
status = nevis.password_login("1000", env["NEVIS_USER"], "correct horse")
assert status.code == 5, status
try:
    nevis.password_login("1000", env["NEVIS_USER"], "battery staple")
    sys.exit("nevisIDM accepted a wrong password")
except authbridge.AuthenticationFailed:
    pass

descope = authbridge.DescopeClient(env["DESCOPE_PROJECT"], base_url=env["DESCOPE_URL"])
code = authbridge.Totp.from_base32(env["DESCOPE_TOTP_SECRET"]).now()
session = descope.totp_verify(env["DESCOPE_LOGIN"], code)
assert env["DESCOPE_LOGIN"] in session.user.login_ids, session.user.login_ids
assert descope.validate_session(session.session_jwt).subject == session.user.user_id
print("-- python: nevisIDM password login and Descope TOTP sign-in passed")
