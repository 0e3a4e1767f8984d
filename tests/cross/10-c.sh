#!/usr/bin/env bash
# The C ABI: the committed headers (authbridge.h, and authbridge_sandbox.h for the sandbox the
# shipped library leaves out) must be what the pinned cbindgen generates; then the C tests
# (and a C++ translation unit, and the examples the README shows) are compiled with
# -std=c11 -Wall -Wextra -Werror, linked once against the shared and once against the static
# library, and run plainly, under AddressSanitizer, and under valgrind (no definite leaks).
# The embedded receiver's TLS test gets certificates made here with the openssl tool, and
# plays the NoPass server with curl.
set -euo pipefail
cd "$(dirname "$0")/../.."

CBINDGEN_VERSION=0.29.2
# Every vendor whose C functions are built, plus the test-only panic hook.
FEATURES="nevis,authx,descope,otpone,nopass,server,sqlite,sandbox,test-hooks"
target="${CARGO_TARGET_DIR:-target}"
lib="$target/debug"
mkdir -p "$target/c-tests"
out="$(cd "$target/c-tests" && pwd)"

say() { printf -- '-- %s\n' "$*"; }

# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt valgrind valgrind
need_apt pkg-config pkg-config
need_apt g++ g++
need_apt openssl openssl
need_apt curl curl

say "headers: cbindgen $CBINDGEN_VERSION"
if ! cbindgen --version 2>/dev/null | grep -qx "cbindgen $CBINDGEN_VERSION"; then
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi
# The production header from the whole crate; the sandbox's from its one file.
generate_main="cbindgen --quiet --config cbindgen.toml --crate authbridge-ffi --output"
generate_sandbox="cbindgen --quiet --config cbindgen-sandbox.toml --output"
(cd ffi-c && $generate_main "$out/authbridge.h" . && $generate_sandbox "$out/authbridge_sandbox.h" src/sandbox.rs)
for header in authbridge.h authbridge_sandbox.h; do
  if ! diff -u "include/$header" "$out/$header"; then
    echo "include/$header is stale: regenerate both headers with" >&2
    echo "  (cd ffi-c && $generate_main ../include/authbridge.h . && $generate_sandbox ../include/authbridge_sandbox.h src/sandbox.rs)" >&2
    exit 1
  fi
done
if grep -n 'ab_sandbox' include/authbridge.h; then
  echo "include/authbridge.h declares sandbox items: add them to [export] exclude in ffi-c/cbindgen.toml" >&2
  exit 1
fi

say "library: cargo build -p authbridge-ffi --features $FEATURES"
cargo build -p authbridge-ffi --locked --features "$FEATURES"
abs_lib="$(cd "$lib" && pwd)"
ffi-c/pkg-config.sh "$lib" >/dev/null
export PKG_CONFIG_PATH="$abs_lib${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# Every exported function is declared in one of the headers, and the NULL/UTF-8 test covers them all.
nm -D --defined-only "$lib/libauthbridge_ffi.so" | awk '$3 ~ /^ab_/ {print $3}' | sort >"$out/exported.txt"
python3 tests/c/gen_null_args.py include/authbridge.h include/authbridge_sandbox.h "$out/exported.txt" >"$out/null_args.c"

CFLAGS=(-std=c11 -Wall -Wextra -Werror -g -DAB_TEST_HOOKS -Iinclude -Itests/c)
SHARED=(-L"$abs_lib" -lauthbridge_ffi -Wl,-rpath,"$abs_lib" -lpthread)
# Debug info of the static library is dropped at link time: it only slows the link.
STATIC=(-Wl,--gc-sections -Wl,--strip-debug "$abs_lib/libauthbridge_ffi.a" $(pkg-config --libs-only-l --static authbridge | sed 's/-lauthbridge_ffi//'))
TESTS=(null_args sandbox_test nevis_test logs_test authx_test authx_upload_test descope_test otpone_test nopass_test
  nopass_attack_test nopass_tls_test threads_test panic_test shutdown_test)
EXAMPLES=(nevis_login nopass_portal)
src() { if [ "$1" = null_args ]; then echo "$out/null_args.c"; else echo "tests/c/$1.c"; fi; }

build() { # variant extra-flags... -- link-flags...
  local variant=$1; shift
  local flags=() link=()
  while [ "$1" != -- ]; do flags+=("$1"); shift; done; shift
  link=("$@")
  for t in "${TESTS[@]}"; do
    cc "${CFLAGS[@]}" "${flags[@]}" "$(src "$t")" tests/c/abtest.c tests/c/handles.c "${link[@]}" -o "$out/$t.$variant"
  done
  # The README examples, built the way it says: with pkg-config.
  for e in "${EXAMPLES[@]}"; do
    cc -std=c11 -Wall -Wextra -Werror "${flags[@]}" "examples/c/$e.c" \
      $(pkg-config --cflags authbridge) "${link[@]}" -o "$out/$e.$variant"
  done
  c++ -std=c++17 -Wall -Wextra -Werror "${flags[@]}" -Iinclude tests/c/cxx_include.cpp "${link[@]}" -o "$out/cxx_include.$variant"
}

run() { # variant [runner...]
  local variant=$1; shift
  for t in "${TESTS[@]}" cxx_include; do
    say "$t ($variant)"
    "$@" "$out/$t.$variant"
  done
  run_c_examples "$out" "$variant" "$@"
}

# The README shows the examples' source as it is: each C block is part of one example.
python3 - "${EXAMPLES[@]}" <<'PY'
import re, sys
readme = open("README.md").read()
start = readme.index("## Use from C and C++")
section = readme[start:readme.index("\n## ", start + 1)]
examples = [open(f"examples/c/{name}.c").read() for name in sys.argv[1:]]
blocks = re.findall(r"```c\n(.*?)```", section, re.S)
if not blocks:
    sys.exit("README's C section shows no C example")
for block in blocks:
    parts = [p.strip() for p in block.split('#include "authbridge.h"\n') if p.strip()]
    if not any(all(p in example for p in parts) for example in examples):
        sys.exit("a C example in the README differs from every file in examples/c: " + block[:60])
PY

say "compile: shared, static, AddressSanitizer"
build shared -- "${SHARED[@]}"
build static -- "${STATIC[@]}"
build asan -fsanitize=address -fno-omit-frame-pointer -- "${SHARED[@]}"

say "test certificates: openssl"
bash tests/c/make_test_pki.sh "$out/pki" 2>"$out/pki.log" || { cat "$out/pki.log" >&2; exit 1; }
export AB_TEST_PKI_DIR="$out/pki"

# The examples run against the standalone sandbox, as the README shows.
say "sandbox: cargo build -p authbridge --bin authbridge-sandbox"
cargo build -p authbridge --bin authbridge-sandbox --locked
# shellcheck source=tests/lib/sandbox.sh
source tests/lib/sandbox.sh
# shellcheck source=tests/lib/c_examples.sh
source tests/lib/c_examples.sh
sandbox_start "$target/debug/authbridge-sandbox"
trap sandbox_stop EXIT

export RUST_BACKTRACE=0 # the forced panic prints one line, not a backtrace
run shared
run static
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 run asan
# The suppressions cover valgrind's false reports on ring's AES-GCM (see the file). A forked
# child is not checked: shutdown_test's child leaks the runtime it inherited, by design.
# The large upload shrinks to a few MiB there (valgrind runs it fifty times slower), which
# leaves out its cancellation: the connection's buffers take so small an upload whole.
AB_TEST_UPLOAD_MIB=2 run shared valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite --child-silent-after-fork=yes \
  --errors-for-leak-kinds=definite --track-origins=no --num-callers=30 --suppressions=tests/c/valgrind.supp
say "C ABI: all tests passed"
