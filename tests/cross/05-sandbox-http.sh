#!/usr/bin/env bash
# The standalone sandbox from a shell, the way the README shows it: start `authbridge-sandbox`,
# read its JSON line, set a nevisIDM user up over the control endpoint with curl, log in on the
# stand-in's vendor route, arm a fault and see it, check that a request without the token is
# refused and changes nothing, and stop it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt curl curl

cargo build --quiet --locked -p authbridge --bin authbridge-sandbox
bin="${CARGO_TARGET_DIR:-target}/debug/authbridge-sandbox"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" >"$work/announce.json" &
pid=$!
for _ in $(seq 100); do [ -s "$work/announce.json" ] && break; sleep 0.1; done
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/announce.json" "$1"; }
control="$(field control)"
token="$(field token)"
nevis="$(field nevisidm)"

# control OP-JSON: POSTs one request, prints the answer's result.
control() {
  curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$1" "$control" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["result"]))'
}
login() { # password -> the vendor's statusCode
  curl -sS -H 'Content-Type: application/json' -d "{\"password\":\"$1\"}" \
    "$nevis/nevisidm/api/auth/v1/1000/users/alice/password/login/" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["statusCode"])'
}

control '{"op":"nevis.add_client","client_ext_id":"1000","name":"Default"}' >/dev/null
control '{"op":"nevis.add_user","client_ext_id":"1000","user_ext_id":"alice"}' >/dev/null
control '{"op":"nevis.set_password","client_ext_id":"1000","user_ext_id":"alice","password":"Str0ng!pass"}' >/dev/null
[ "$(login 'Str0ng!pass')" = 5 ] || fail "the user set up over HTTP could not log in"
[ "$(login wrong)" = 2 ] || fail "a wrong password was not refused"
echo "ok: a user set up with curl logs in"

control '{"op":"sandbox.arm","route":"nevisidm.password_login","fault":{"kind":"status","status":503},"times":1}' >/dev/null
status="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"password":"x"}' \
  "$nevis/nevisidm/api/auth/v1/1000/users/alice/password/login/")"
[ "$status" = 503 ] || fail "the armed fault answered $status"
[ "$(control '{"op":"sandbox.request_count","route":"nevisidm.password_login"}')" = 3 ] || fail "request count"
echo "ok: faults and counters over HTTP"

status="$(curl -s -o "$work/refused.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"op":"nevis.set_password","client_ext_id":"1000","user_ext_id":"alice","password":"taken-over"}' "$control")"
[ "$status" = 401 ] || fail "a request without the token answered $status"
[ "$(login 'Str0ng!pass')" = 5 ] || fail "a refused request changed the password"
echo "ok: without the token, refused and nothing changed"

kill -TERM "$pid"
wait "$pid" || fail "the sandbox did not exit 0 on SIGTERM"
pid=""
echo "ok: stopped cleanly on SIGTERM"
