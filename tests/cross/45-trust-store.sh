#!/usr/bin/env bash
# The clients trust what the operating system trusts. A CA made here is added to Debian's trust
# store (update-ca-certificates), the standalone sandbox serves HTTPS with a certificate that CA
# issued, and a nevisIDM login from Rust, C, Python and Node, none of them given an extra CA,
# is refused as untrusted before the CA is added, accepted once it is, and refused again after
# it is removed. The store is restored at the end whatever happened. Needs root; runs after
# 30-python and 40-node, which install the Python package and build the Node addon.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf -- '-- %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root: it adds a CA to the system's trust store"

# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt update-ca-certificates ca-certificates
need_apt openssl openssl
need_apt curl curl
# shellcheck source=tests/lib/sandbox.sh
source tests/lib/sandbox.sh
# shellcheck source=tests/lib/venv.sh
source tests/lib/venv.sh
# The system's store as found by the default lookup, not one named in the environment.
unset SSL_CERT_FILE SSL_CERT_DIR

say "build: the sandbox, the Rust and C nevis_login examples"
cargo build --quiet --locked -p authbridge --bin authbridge-sandbox --example nevis_login
cargo build --quiet --locked -p authbridge-ffi
debug="${CARGO_TARGET_DIR:-target}/debug"
work="$(mktemp -d)"
cc -std=c11 -Wall -Werror -Iinclude examples/c/nevis_login.c -L"$debug" -lauthbridge_ffi \
  -Wl,-rpath,"$(cd "$debug" && pwd)" -o "$work/nevis_login_c"

anchor="/usr/local/share/ca-certificates/authbridge-test-$$.crt"
cleanup() {
  sandbox_stop
  if [ -e "$anchor" ]; then rm -f "$anchor" && update-ca-certificates >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT

say "a private CA and a certificate for localhost it issued"
cat >"$work/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
x509_extensions = ca
prompt = no
[dn]
CN = authbridge trust store test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
printf 'subjectAltName = DNS:localhost\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n' >"$work/leaf.ext"
openssl req -x509 -config "$work/ca.cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 2 -extfile "$work/leaf.ext" -out "$work/server.pem" 2>/dev/null

say "the sandbox over HTTPS"
sandbox_start "$debug/authbridge-sandbox" --tls-cert "$work/server.pem" --tls-key "$work/server.key"
case "$SANDBOX_NEVISIDM" in https://localhost:*) ;; *) fail "the sandbox serves $SANDBOX_NEVISIDM" ;; esac
sandbox_control '{"op":"nevis.add_client","client_ext_id":"1000","name":"Default"}' >/dev/null
sandbox_control '{"op":"nevis.add_user","client_ext_id":"1000","user_ext_id":"alice"}' >/dev/null
sandbox_control '{"op":"nevis.set_password","client_ext_id":"1000","user_ext_id":"alice","password":"correct horse"}' >/dev/null

# One login per language; each prints "welcome" when accepted and the error otherwise.
login_rust() { printf 'correct horse\n' | "$debug/examples/nevis_login" "$SANDBOX_NEVISIDM" 1000 alice; }
login_c() { printf 'correct horse\n' | "$work/nevis_login_c" "$SANDBOX_NEVISIDM" 1000 alice; }
login_python() {
  python - "$SANDBOX_NEVISIDM" <<'PY'
import sys
import authbridge
try:
    status = authbridge.NevisClient(sys.argv[1]).password_login("1000", "alice", "correct horse")
except authbridge.AuthBridgeError as error:
    print(f"login failed: [{error.code}] {error}", file=sys.stderr)
    sys.exit(2)
print(f"welcome alice ({status.description})")
PY
}
login_node() {
  node -e '
const ab = require("./bindings-node/lib/index.cjs")
new ab.NevisClient({ baseUrl: process.argv[1] }).passwordLogin("1000", "alice", "correct horse").then(
  (status) => console.log(`welcome alice (${status.description})`),
  (error) => { console.error(`login failed: [${error.code}] ${error.message}`); process.exitCode = 2 })
' "$SANDBOX_NEVISIDM"
}

# expect accepted|untrusted LANGUAGE
expect() {
  local status=0
  "login_$2" >"$work/out" 2>&1 || status=$?
  case "$1" in
    accepted) [ "$status" -eq 0 ] && grep -q '^welcome alice' "$work/out" ;;
    # Refused in the handshake, for the certificate, not for the password.
    untrusted) [ "$status" -eq 2 ] && grep -qi 'certificate' "$work/out" ;;
  esac || { cat "$work/out" >&2; fail "$2: expected $1 (exit $status)"; }
  printf '   %-7s %s\n' "$2" "$1"
}

say "before the CA is in the system's store: refused"
for language in rust c python node; do expect untrusted "$language"; done

say "the CA added to the system's store (update-ca-certificates): accepted, no extra CA given"
cp "$work/ca.pem" "$anchor"
update-ca-certificates >/dev/null 2>&1
for language in rust c python node; do expect accepted "$language"; done

say "the CA removed again: refused"
rm -f "$anchor"
update-ca-certificates >/dev/null 2>&1
expect untrusted rust
say "trust store: ok"
