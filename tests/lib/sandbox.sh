# Sourced by test scripts: the standalone sandbox (authbridge-sandbox) as a child process on
# free ports, configured over its HTTP control endpoint with curl.
#   source tests/lib/sandbox.sh
#   sandbox_start path/to/authbridge-sandbox [ARGS...]  # sets SANDBOX_NEVISIDM, SANDBOX_DESCOPE,
#                                              # SANDBOX_NOPASS, SANDBOX_CONTROL, SANDBOX_TOKEN
#   sandbox_control '{"op":"nevis.add_user","client_ext_id":"1000","user_ext_id":"alice"}'
#   sandbox_stop                               # also safe when it never started

sandbox_start() {
  SANDBOX_DIR="$(mktemp -d)"
  "$@" >"$SANDBOX_DIR/out" 2>"$SANDBOX_DIR/err" &
  SANDBOX_PID=$!
  local tries=0
  until [ -s "$SANDBOX_DIR/out" ]; do
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null || [ $((tries += 1)) -gt 300 ]; then
      echo "authbridge-sandbox printed no URLs:" >&2
      cat "$SANDBOX_DIR/err" >&2
      return 1
    fi
    sleep 0.1
  done
  # The one JSON line: every stand-in's URL, the control endpoint and its token.
  eval "$(python3 -c '
import json, shlex, sys
line = json.loads(open(sys.argv[1]).readline())
for key in ("nevisidm", "descope", "nopass", "control", "token"):
    print(f"SANDBOX_{key.upper()}={shlex.quote(line[key])}")
' "$SANDBOX_DIR/out")"
}

# Sends one control request; prints its result (a string as it is, anything else as JSON) and
# fails on an error answer, printing it.
sandbox_control() {
  local answer
  answer="$(curl -sS -X POST "$SANDBOX_CONTROL" -H "Authorization: Bearer $SANDBOX_TOKEN" \
    -H 'Content-Type: application/json' --data "$1" -w '\n%{http_code}')"
  if [ "${answer##*$'\n'}" != 200 ]; then
    echo "sandbox control $1 answered ${answer##*$'\n'}: ${answer%$'\n'*}" >&2
    return 1
  fi
  python3 -c 'import json, sys; r = json.loads(sys.argv[1])["result"]; print(r if isinstance(r, str) else json.dumps(r))' \
    "${answer%$'\n'*}"
}

sandbox_stop() {
  [ -n "${SANDBOX_PID:-}" ] || return 0
  kill -TERM "$SANDBOX_PID" 2>/dev/null || true
  wait "$SANDBOX_PID" 2>/dev/null || true
  rm -rf "$SANDBOX_DIR"
  SANDBOX_PID=
}
