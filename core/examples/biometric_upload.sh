#!/usr/bin/env bash
# Measurement, not a test: a biometric upload from a file, 256 MiB against 1 KiB.
#  - peak memory (maximum resident set size, `/usr/bin/time -v`) of the uploading process,
#    release build, against the sandbox running in another process;
#  - throughput of authbridge's upload against `curl -F` sending the same file to the same
#    sandbox route in the same run.
# Usage: core/examples/biometric_upload.sh [size in MiB, default 256]
set -euo pipefail
cd "$(dirname "$0")/../.."
big_mib="${1:-256}"

if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

features=(--no-default-features --features authx,sandbox)
cargo build --quiet --release -p authbridge "${features[@]}" --bin authbridge-sandbox --example biometric_upload
release="${CARGO_TARGET_DIR:-target}/release"
bin="$release/examples"

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

head -c 1024 /dev/urandom >"$work/small.bin"
head -c "$((big_mib * 1024 * 1024))" /dev/urandom >"$work/big.bin"

"$release/authbridge-sandbox" >"$work/urls.json" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/urls.json" ] && break; sleep 0.1; done
url="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["authx"])' "$work/urls.json")"
echo "sandbox (pid $sandbox_pid) serves AuthX at $url"

# Runs the release uploader under /usr/bin/time; prints "<peak RSS KiB> <JSON line>".
upload() {
  /usr/bin/time -v "$bin/biometric_upload" "$url" "$1" >"$work/out.json" 2>"$work/time.txt"
  local rss
  rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")"
  echo "$rss $(cat "$work/out.json")"
}

read -r small_rss small_json < <(upload "$work/small.bin")
read -r big_rss big_json < <(upload "$work/big.bin")

# The same route with curl: a token, a user, then the multipart upload of the same file.
app_id=3128e336-64f9-e294-17b5-ed1f34d76f79
app_key=2f924cad-98c5-3631-b3a4-e107dee7e014
token="$(curl -sf -X POST -H "ApplicationId: $app_id" -H "ApplicationKey: $app_key" "$url/AccessToken" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
guid="$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$url/AddUser" -d \
  '{"guid":"","user_name":"curl-upload","email":"curl@example.com","name":{"first_Name":"C","last_Name":"Url"},"phone":{"mobile":{"number":"5550101"}}}' |
  python3 -c 'import json,sys; print(json.loads(json.load(sys.stdin)["response_data"])["guid"])')"
cat >"$work/process.json" <<JSON
{"authentication_id":2,"process_type":1,"user_name":"$guid","correlation_id":"curl-upload","device_data":{"browser_name":"curl","os":"linux","os_version":"","browser_version":"","device_name":"","ip":"127.0.0.1","src_user_id":0},"application_parameters":{"application_key":"BDD0D146-09DF-452B-AAD0-2B5F4E91F748","secret_key":"B1B1620C-091A-48A6-AA99-C80AA7B07137","host_name":"hu1tjtwu"},"src_user_id":0}
JSON
curl_out="$(/usr/bin/time -v curl -sS -o "$work/curl.json" -w '%{time_total} %{speed_upload}' \
  -H "Authorization: Bearer $token" -H 'Expect:' \
  -F "processBiometrics=<$work/process.json" \
  -F "biometricdata=@$work/big.bin;filename=blob;type=application/octet-stream" \
  "$url/ProcessBiometric" 2>"$work/curl-time.txt")"
curl_rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/curl-time.txt")"
grep -q '"response_code":1' "$work/curl.json" || { echo "curl upload failed: $(cat "$work/curl.json")"; exit 1; }
# The stand-in streams uploads through its multipart parser: its own peak stays small too.
sandbox_hwm="$(awk '/VmHWM/ {print $2}' "/proc/$sandbox_pid/status" 2>/dev/null || echo 0)"

python3 - "$small_rss" "$small_json" "$big_rss" "$big_json" "$curl_out" "$curl_rss" "$big_mib" "$sandbox_hwm" <<'PY'
import json, sys
small_rss, small, big_rss, big, curl, curl_rss, big_mib, sandbox_hwm = sys.argv[1:]
small, big = json.loads(small), json.loads(big)
assert small["outcome"] == big["outcome"] == "success", (small, big)
curl_seconds, curl_speed = curl.split()
curl_mib_s = float(curl_speed) / (1024 * 1024)
delta = (int(big_rss) - int(small_rss)) / 1024
print(f"peak RSS, 1 KiB upload:      {int(small_rss) / 1024:7.1f} MiB")
print(f"peak RSS, {big_mib} MiB upload:  {int(big_rss) / 1024:7.1f} MiB  (+{delta:.1f} MiB; bound: 32 MiB -> {'within' if delta <= 32 else 'EXCEEDED'})")
print(f"throughput, authbridge:      {big['mib_per_s']:7.1f} MiB/s  ({big['seconds']:.2f} s)")
print(f"throughput, curl -F:         {curl_mib_s:7.1f} MiB/s  ({float(curl_seconds):.2f} s, curl peak RSS {int(curl_rss) / 1024:.1f} MiB)")
print(f"sandbox peak RSS (3 uploads): {int(sandbox_hwm) / 1024:6.1f} MiB")
print(f"authbridge / curl:           {big['mib_per_s'] / curl_mib_s:7.2f}")
PY
