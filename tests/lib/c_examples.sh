# Sourced by test scripts: runs the C examples (examples/c), built as DIR/NAME.VARIANT, against
# the running standalone sandbox (tests/lib/sandbox.sh), the way the README shows.
#   run_c_examples DIR VARIANT [runner...]     # e.g. run_c_examples "$out" shared valgrind -q

run_c_examples() {
  local dir=$1 variant=$2
  shift 2
  local user="alice-$variant" log
  log="$(mktemp)"

  printf -- '-- nevis_login (%s)\n' "$variant"
  sandbox_control '{"op":"nevis.add_client","client_ext_id":"1000","name":"Default"}' >/dev/null
  sandbox_control "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"$user\"}" >/dev/null
  sandbox_control "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"$user\",\"password\":\"correct horse\"}" >/dev/null
  printf 'correct horse\n' | "$@" "$dir/nevis_login.$variant" "$SANDBOX_NEVISIDM" 1000 "$user" >"$log"
  grep -q "^welcome $user " "$log" || { cat "$log" >&2; return 1; }
  local status=0
  printf 'battery staple\n' | "$@" "$dir/nevis_login.$variant" "$SANDBOX_NEVISIDM" 1000 "$user" >"$log" || status=$?
  [ "$status" -eq 1 ] && grep -qx refused "$log" || { echo "a wrong password was not refused ($status)" >&2; cat "$log" >&2; return 1; }

  printf -- '-- nopass_portal (%s)\n' "$variant"
  local bob="bob-$variant" pid url auth_id tries=0
  "$@" "$dir/nopass_portal.$variant" "$SANDBOX_NOPASS" admin-1 s-code-1 127.0.0.1:0 "$bob" >"$log" 2>&1 &
  pid=$!
  until url="$(sed -n 's/^callbacks: //p' "$log")" && [ -n "$url" ]; do
    kill -0 "$pid" 2>/dev/null && [ $((tries += 1)) -le 600 ] || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  # The sandbox plays the NoPass server: it registers the portal, then bob approves his login.
  sandbox_control "{\"op\":\"nopass.set_portal_url\",\"url\":\"$url\"}" >/dev/null
  sandbox_control "{\"op\":\"nopass.add_user\",\"user_id\":\"$bob\"}" >/dev/null
  sandbox_control '{"op":"nopass.register_portal","admin_id":"admin-1"}' >/dev/null
  # Once the portal has its answer to the authorization request, and so knows the login.
  tries=0
  until grep -q "^waiting for $bob to approve" "$log"; do
    kill -0 "$pid" 2>/dev/null && [ $((tries += 1)) -le 600 ] || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  auth_id="$(sandbox_control "{\"op\":\"nopass.last_auth_id\",\"user_id\":\"$bob\"}")"
  sandbox_control "{\"op\":\"nopass.drive_login\",\"auth_id\":\"$auth_id\",\"pictures\":1,\"authorized\":true}" >/dev/null
  wait "$pid" || { cat "$log" >&2; return 1; }
  grep -qx "welcome $bob" "$log" || { cat "$log" >&2; return 1; }
  rm -f "$log"
}
