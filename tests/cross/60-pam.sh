#!/usr/bin/env bash
# The PAM module in a real PAM stack: pam_authbridge.so is built (-Wall -Wextra -Werror, against
# the C library found by pkg-config), referenced by absolute path from temporary services in
# /etc/pam.d, pointed at the authbridge-sandbox binary through a root-only config file, and
# driven with pamtester: nevisIDM right and wrong passwords with the lock progression and its
# messages, Descope TOTP right and wrong, OtpOne approve, deny, another user's approval and
# timeout (both flows), an unknown user, every vendor unreachable (PAM_AUTHINFO_UNAVAIL, and
# an [authinfo_unavail=ignore] stack going on to the next module), a vendor that takes the
# connection and never answers (PAM_AUTHINFO_UNAVAIL once request_timeout passed), and a config file others
# can read refused. Then every pamtester run again under valgrind: no definite leak, no invalid
# access. When the machine has no syslog, the test listens on /dev/log itself and checks that
# the module logged the outcomes and never a password, TOTP key, API key or token.
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target/pam-test"
out="$(cd "$target/pam-test" && pwd)"

say() { printf -- '-- %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt pamtester pamtester
need_apt_file /usr/include/security/pam_modules.h libpam0g-dev
need_apt valgrind valgrind
need_apt pkg-config pkg-config
need_apt curl curl

say "library and sandbox: cargo build"
cargo build -p authbridge-ffi --locked
cargo build -p authbridge --bin authbridge-sandbox --locked
lib="$(cd "$target/debug" && pwd)"
ffi-c/pkg-config.sh "$lib" >/dev/null
export PKG_CONFIG_PATH="$lib${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

say "module: make -C pam"
make -s -C pam BUILD="$out/build" RPATH="$(pkg-config --variable=libdir authbridge)"
module="$out/build/pam_authbridge.so"
nm -D --defined-only "$module" | awk '{print $3}' | sort | tr '\n' ' ' | grep -qx 'pam_sm_authenticate pam_sm_setcred ' ||
  fail "the module exports more than its PAM entry points"
readelf -d "$module" | grep -q 'Flags:.*NODELETE' || fail "the module is not linked with -z nodelete"

# Everything below is removed on exit, whatever happens.
work="$(mktemp -d)"
chmod 700 "$work"
services=()
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  local service
  for service in "${services[@]}"; do rm -f "/etc/pam.d/$service"; done
  [ -n "${syslog_socket:-}" ] && rm -f "$syslog_socket"
  rm -rf "$work"
}
trap cleanup EXIT

# The module logs through syslog only. On a machine without a syslog daemon the test reads
# what it logs on /dev/log; where one runs, those messages go to it and are not checked.
syslog_socket=""
syslog_file="$work/syslog"
if [ ! -e /dev/log ]; then
  syslog_socket=/dev/log
  python3 - "$syslog_socket" "$syslog_file" <<'PY' &
import socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as log:
    while True:
        log.write(sock.recv(65536) + b"\n")
PY
  pids+=($!)
  for _ in $(seq 50); do [ -S "$syslog_socket" ] && break; sleep 0.1; done
  [ -S "$syslog_socket" ] || fail "could not listen on /dev/log"
fi

say "sandbox: authbridge-sandbox"
"$lib/authbridge-sandbox" >"$work/sandbox.json" 2>"$work/sandbox.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/sandbox.json" ] && break; sleep 0.1; done
[ -s "$work/sandbox.json" ] || { cat "$work/sandbox.log" >&2; fail "the sandbox printed no URLs"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/sandbox.json" "$1"; }
control_url="$(field control)"
token="$(field token)"

# control JSON: one control request; prints its result (a string bare, anything else as JSON).
control() {
  curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary "$1" "$control_url" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r if isinstance(r,str) else json.dumps(r))'
}

# A port nothing listens on: the vendor unreachable.
dead_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
dead="http://127.0.0.1:$dead_port"
# A vendor that takes connections (the kernel completes them in the listen backlog) and never
# answers: only the request timeout ends a login against it.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(3600)' >"$work/silent.port" &
pids+=($!)
until [ -s "$work/silent.port" ]; do sleep 0.05; done
silent="http://127.0.0.1:$(cat "$work/silent.port")"

SRV=SRV-5b0d7c1e-0000-4000-8000-0000000000aa
JS=JS-5b0d7c1e-0000-4000-8000-0000000000aa
BEARER=svc-token-9f2a61
control '{"op":"nevis.add_client","client_ext_id":"1000","name":"Default"}' >/dev/null
control '{"op":"nevis.set_lock_policy","max_failures":3,"temporary_lock_ms":null}' >/dev/null
control "{\"op\":\"nevis.require_header\",\"name\":\"authorization\",\"value\":\"Bearer $BEARER\"}" >/dev/null
control "{\"op\":\"otpone.register_keys\",\"server_key\":\"$SRV\",\"client_key\":\"$JS\"}" >/dev/null

# config NAME NEVIS_URL DESCOPE_URL OTPONE_URL [otpone lines...]: a root-only config file.
config() {
  local file="$work/$1.conf" nevis=$2 descope=$3 otpone=$4
  shift 4
  {
    printf '# pam_authbridge test configuration\n[transport]\nconnect_timeout = 5\nrequest_timeout = %s\n\n' \
      "${REQUEST_TIMEOUT:-20}"
    printf '[nevis]\nurl = %s\nclient_ext_id = 1000\nbearer_token = %s\n\n' "$nevis" "$BEARER"
    printf '[descope]\nurl = %s\nproject_id = P2SandboxDescopeProject\n\n' "$descope"
    printf '[otpone]\nurl = %s\nserver_key = %s\nclient_key = %s\nmail_domain = example.com\n' "$otpone" "$SRV" "$JS"
    printf '%s\n' "$@"
  } >"$file"
  chmod 600 "$file"
  echo "$file"
}
live="$(config live "$(field nevisidm)" "$(field descope)" "$(field otpone)" "flow = send_request" "timeout = 60")"
transaction="$(config transaction "$(field nevisidm)" "$(field descope)" "$(field otpone)" "flow = transaction" "timeout = 60")"
short_send="$(config short-send "$(field nevisidm)" "$(field descope)" "$(field otpone)" "flow = send_request" "timeout = 2")"
short_wait="$(config short-wait "$(field nevisidm)" "$(field descope)" "$(field otpone)" "flow = transaction" "timeout = 2")"
unreachable="$(config unreachable "$dead" "$dead" "$dead" "flow = transaction" "timeout = 60")"
unanswered="$(REQUEST_TIMEOUT=2 config unanswered "$silent" "$silent" "$silent" "flow = transaction" "timeout = 60")"
readable="$(config readable "$(field nevisidm)" "$(field descope)" "$(field otpone)")"
chmod 644 "$readable"

# service VAR NAME LINE...: a PAM service for this run only (removed on exit); its name goes
# to VAR (not through $(...), whose subshell could not record it for the cleanup).
service() {
  local var=$1 name="authbridge-test-$$-$2"
  shift 2
  printf '%s\n' "$@" >"/etc/pam.d/$name"
  services+=("$name")
  printf -v "$var" '%s' "$name"
}
line() { echo "auth required $module method=$1 config=$2 log_level=debug"; }
service nevis nevis "$(line nevis "$live")"
service totp totp "$(line descope-totp "$live")"
service push push "$(line otpone "$live")"
service push_wait push-wait "$(line otpone "$transaction")"
service push_short push-short "$(line otpone "$short_send")"
service push_wait_short push-wait-short "$(line otpone "$short_wait")"
service nevis_down nevis-down "$(line nevis "$unreachable")"
service nevis_silent nevis-silent "$(line nevis "$unanswered")"
service totp_down totp-down "$(line descope-totp "$unreachable")"
service push_down push-down "$(line otpone "$unreachable")"
service nevis_readable nevis-readable "$(line nevis "$readable")"
service bad_argument bad-argument "$(line nevis "$live") colour=blue"
service stacked stacked \
  "auth [success=done authinfo_unavail=ignore default=die] $module method=nevis config=$unreachable" \
  "$(line descope-totp "$live")"

OK="successfully authenticated"
AUTH_ERR="Authentication failure"
USER_UNKNOWN="User not known to the underlying authentication module"
MAXTRIES="Have exhausted maximum number of retries for service"
PERM_DENIED="Permission denied"
AUTHINFO_UNAVAIL="Authentication service cannot retrieve authentication info"
SERVICE_ERR="Error in service module"

runner=()
# expect WHAT SERVICE USER INPUT OUTCOME [TEXT]: pamtester's answer is OUTCOME (a pam_strerror
# text, or success), and TEXT, when given, reached the person through the conversation.
expect() {
  local what=$1 svc=$2 user=$3 input=$4 outcome=$5 text=${6:-} rc=0
  printf '%b' "$input" | "${runner[@]}" pamtester "$svc" "$user" authenticate >"$work/pamtester.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    cat "$work/pamtester.out" >&2
    fail "$what: pamtester exited $rc${runner[*]:+ under ${runner[0]}}"
  fi
  grep -qF "pamtester: $outcome" "$work/pamtester.out" || {
    cat "$work/pamtester.out" >&2
    fail "$what: expected '$outcome'"
  }
  if [ -n "$text" ]; then
    grep -qF "$text" "$work/pamtester.out" || { cat "$work/pamtester.out" >&2; fail "$what: no message '$text'"; }
  fi
  say "$what: $outcome${text:+ ($text)}"
}

# The person on the phone: waits for the push to USER, then does OP to it (in the background).
phone() {
  local mail="$1@example.com" op=$2
  (
    id="$(control "{\"op\":\"otpone.wait_pending\",\"user_mail\":\"$mail\",\"timeout_ms\":60000}")"
    [ "$id" != null ] || exit 1
    case "$op" in
      approve) control "{\"op\":\"otpone.approve\",\"transaction_id\":\"$id\"}" ;;
      deny) control "{\"op\":\"otpone.deny\",\"transaction_id\":\"$id\"}" ;;
      other-user)
        control "{\"op\":\"otpone.set_reported_user\",\"transaction_id\":\"$id\",\"user\":\"mallory@example.com\"}"
        control "{\"op\":\"otpone.approve\",\"transaction_id\":\"$id\"}"
        ;;
    esac
  ) >/dev/null &
  phone_pid=$!
}

totp_code() { python3 tests/cross/pam/totp.py "$1"; }

secrets=("$BEARER" "$SRV" "$JS")
# checks ROUND: every outcome, with users of their own for this round.
checks() {
  local r=$1
  control "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"alice$r\"}" >/dev/null
  control "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"alice$r\",\"password\":\"correct horse $r\"}" >/dev/null
  control "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"bob$r\"}" >/dev/null
  control "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"bob$r\",\"password\":\"bob pw $r\"}" >/dev/null
  local secret
  secret="$(control "{\"op\":\"descope.add_totp_user\",\"login_id\":\"carol$r\"}")"
  secrets+=("correct horse $r" "bob pw $r" "wrong $r" "$secret")

  expect "nevis: right password" "$nevis" "alice$r" "correct horse $r\n" "$OK"
  expect "nevis: wrong password" "$nevis" "alice$r" "wrong $r\n" "$AUTH_ERR"
  expect "nevis: unknown user" "$nevis" "nobody$r" "whatever\n" "$USER_UNKNOWN"
  expect "nevis: first failure" "$nevis" "bob$r" "wrong $r\n" "$AUTH_ERR"
  expect "nevis: second failure warns" "$nevis" "bob$r" "wrong $r\n" "$AUTH_ERR" "One more failure locks your account."
  expect "nevis: third failure locks" "$nevis" "bob$r" "wrong $r\n" "$MAXTRIES" "Your account is now locked."
  expect "nevis: locked, right password" "$nevis" "bob$r" "bob pw $r\n" "$PERM_DENIED" "Your account is locked."
  expect "nevis: vendor unreachable" "$nevis_down" "alice$r" "correct horse $r\n" "$AUTHINFO_UNAVAIL"
  local started=$SECONDS
  expect "nevis: vendor silent" "$nevis_silent" "alice$r" "correct horse $r\n" "$AUTHINFO_UNAVAIL"
  [ $((SECONDS - started)) -lt 15 ] || fail "a silent vendor held the login $((SECONDS - started)) s (request_timeout = 2)"
  expect "config readable by others" "$nevis_readable" "alice$r" "correct horse $r\n" "$SERVICE_ERR"
  expect "unknown module argument" "$bad_argument" "alice$r" "correct horse $r\n" "$SERVICE_ERR"

  local code wrong
  code="$(totp_code "$secret")"
  wrong="$(printf '%06d' $(((10#$code + 1) % 1000000)))"
  expect "descope-totp: wrong code" "$totp" "carol$r" "$wrong\n" "$AUTH_ERR"
  expect "descope-totp: not a code" "$totp" "carol$r" "abc\n" "$AUTH_ERR"
  expect "descope-totp: right code" "$totp" "carol$r" "$code\n" "$OK"
  expect "descope-totp: vendor unreachable" "$totp_down" "carol$r" "$code\n" "$AUTHINFO_UNAVAIL"

  # nevisIDM down: the stack ignores it and the TOTP line decides.
  control "{\"op\":\"descope.add_totp_user\",\"login_id\":\"dave$r\"}" >"$work/dave.secret"
  secrets+=("$(cat "$work/dave.secret")")
  code="$(totp_code "$(cat "$work/dave.secret")")"
  wrong="$(printf '%06d' $(((10#$code + 1) % 1000000)))"
  expect "stack: nevis unreachable ignored, wrong code" "$stacked" "dave$r" "pw\n$wrong\n" "$AUTH_ERR"
  expect "stack: nevis unreachable ignored, right code" "$stacked" "dave$r" "pw\n$code\n" "$OK"

  phone "erin$r" approve
  expect "otpone send_request: approved" "$push" "erin$r" "" "$OK" "Approve the login on your phone"
  wait "$phone_pid" || fail "the phone did not see the push"
  phone "erin$r" deny
  expect "otpone send_request: denied" "$push" "erin$r" "" "$AUTH_ERR" "The login was not approved."
  wait "$phone_pid" || fail "the phone did not see the push"
  phone "erin$r" other-user
  expect "otpone send_request: another user approved" "$push" "erin$r" "" "$AUTH_ERR" "The login was not approved."
  wait "$phone_pid" || fail "the phone did not see the push"
  expect "otpone send_request: no answer" "$push_short" "erin$r" "" "$AUTH_ERR" "not approved in time"

  phone "frank$r" approve
  expect "otpone transaction: approved" "$push_wait" "frank$r" "" "$OK" "Approve the login on your phone"
  wait "$phone_pid" || fail "the phone did not see the push"
  phone "frank$r" deny
  expect "otpone transaction: denied" "$push_wait" "frank$r" "" "$AUTH_ERR" "The login was not approved."
  wait "$phone_pid" || fail "the phone did not see the push"
  phone "frank$r" other-user
  expect "otpone transaction: another user approved" "$push_wait" "frank$r" "" "$AUTH_ERR"
  wait "$phone_pid" || fail "the phone did not see the push"
  expect "otpone transaction: no answer" "$push_wait_short" "frank$r" "" "$AUTH_ERR" "not approved in time"
  expect "otpone: vendor unreachable" "$push_down" "frank$r" "" "$AUTHINFO_UNAVAIL"
}

say "pamtester"
checks 1

say "pamtester under valgrind"
runner=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
  --errors-for-leak-kinds=definite --track-origins=no --num-callers=30 --suppressions=tests/c/valgrind.supp)
checks 2

if [ -n "$syslog_socket" ]; then
  say "syslog"
  sleep 0.5
  for message in "nevis: alice1 authenticated" "the credential is now locked" "descope-totp: carol1 authenticated" \
    "otpone: erin1 approved the login" "approved by another user" "refused: it must be owned by root" \
    "unknown module argument 'colour=blue'" "nevis: password login: connect"; do
    grep -qF "$message" "$syslog_file" || { cat "$syslog_file" >&2; fail "syslog has no '$message'"; }
  done
  for secret in "${secrets[@]}"; do
    if grep -qF -- "$secret" "$syslog_file"; then fail "a secret reached syslog"; fi
  done
  say "syslog: outcomes logged, no secret among $(wc -l <"$syslog_file") messages"
fi
say "PAM module: all checks passed"
