#!/usr/bin/env bash
# The artifacts install and work where there is no Rust. scripts/dist builds them into dist/
# (or finds them fresh); then, in a new directory and on a PATH that provably holds no cargo
# and no rustc:
#  - the wheel (its manylinux tag confirmed by auditwheel) is pip-installed into a new
#    virtualenv and runs a nevisIDM password login and a Descope TOTP sign-in;
#  - the two npm tarballs are installed into a new project, which runs the same through
#    `import` and through `require`;
#  - the C tarball is unpacked into a prefix, and examples/c is built once with pkg-config and
#    once with CMake's find_package (shared and static) and run.
# All of them against the standalone sandbox (from the development build, configured with
# curl). Checked as well: the SONAME, that the shared library, the Python extension and the
# Node addon need nothing beyond libc, libm, libgcc_s, libpthread and libdl, and that the C
# library ships no sandbox.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"

say() { printf -- '-- %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt cmake cmake
need_apt pkg-config pkg-config
need_apt cc gcc
need_apt curl curl
need_apt readelf binutils

say "artifacts: scripts/dist"
scripts/dist
version="$(scripts/version.sh)"
dist="$repo/dist"
wheel="$(ls "$dist"/authbridge-"$version"-cp39-abi3-*.whl)"
npm_main="$dist/authbridge-$version.tgz"
npm_platform="$dist/authbridge-linux-x64-gnu-$version.tgz"
c_tarball="$dist/authbridge-$version-x86_64-linux-gnu.tar.gz"

say "wheel: auditwheel confirms its platform tag"
(
  # shellcheck source=tests/lib/venv.sh
  source tests/lib/venv.sh auditwheel
  tag="$(basename "$wheel" .whl)"
  tag="${tag##*-}"
  [[ "$tag" == manylinux_* ]] || fail "the wheel is tagged $tag, not a manylinux policy"
  report="$(auditwheel show "$wheel")"
  grep -q "consistent with the following platform tag: \"$tag\"" <<<"$(tr -s '\n ' ' ' <<<"$report")" ||
    { echo "$report"; fail "auditwheel does not confirm $tag"; }
  say "$(basename "$wheel"): $tag"
)

say "sandbox: cargo build -p authbridge --bin authbridge-sandbox"
cargo build -p authbridge --bin authbridge-sandbox --locked
sandbox_bin="$(cd "${CARGO_TARGET_DIR:-target}/debug" && pwd)/authbridge-sandbox"

work="$(mktemp -d)"
# shellcheck source=tests/lib/sandbox.sh
source tests/lib/sandbox.sh
# shellcheck source=tests/lib/c_examples.sh
source tests/lib/c_examples.sh
trap 'sandbox_stop; rm -rf "$work"' EXIT

# From here on the PATH is a directory of links to the system's programs, the Python and Node
# in use, and nothing of Rust.
mkdir "$work/bin"
for dir in /usr/local/bin /usr/bin /bin; do
  for program in "$dir"/*; do
    name="${program##*/}"
    case "$name" in cargo* | rustc* | rustup* | rustdoc* | rust-* | clippy-driver) continue ;; esac
    [ -x "$program" ] && [ ! -e "$work/bin/$name" ] && ln -s "$program" "$work/bin/$name"
  done
done
# The interpreter itself, not a version manager's shim that needs its own PATH.
ln -sf "$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')" "$work/bin/python3"
for tool in node npm; do
  ln -sf "$(readlink -f "$(command -v "$tool")")" "$work/bin/$tool"
done
export PATH="$work/bin"
hash -r
! command -v cargo >/dev/null || fail "cargo is on the PATH"
! command -v rustc >/dev/null || fail "rustc is on the PATH"
say "PATH has no cargo and no rustc"
cd "$work"

sandbox_start "$sandbox_bin"
export EXPECTED_VERSION="$version" NEVIS_URL="$SANDBOX_NEVISIDM" DESCOPE_URL="$SANDBOX_DESCOPE"
export DESCOPE_PROJECT=P2SandboxDescopeProject
sandbox_control '{"op":"nevis.add_client","client_ext_id":"1000","name":"Default"}' >/dev/null
# One nevisIDM user and one Descope TOTP user per run, so no run replays another's code.
prepare_users() { # name
  export NEVIS_USER="alice-$1" DESCOPE_LOGIN="bob-$1"
  sandbox_control "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"$NEVIS_USER\"}" >/dev/null
  sandbox_control "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"$NEVIS_USER\",\"password\":\"correct horse\"}" >/dev/null
  DESCOPE_TOTP_SECRET="$(sandbox_control "{\"op\":\"descope.add_totp_user\",\"login_id\":\"$DESCOPE_LOGIN\"}")"
  export DESCOPE_TOTP_SECRET
}

# Lists what a shared object needs from the system and fails on anything else.
check_needed() { # file
  local needed
  needed="$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
  say "$(basename "$1") needs: $(tr '\n' ' ' <<<"$needed")"
  for library in $needed; do
    case "$library" in
      libc.so.6 | libm.so.6 | libgcc_s.so.1 | libpthread.so.0 | libdl.so.2 | ld-linux-x86-64.so.2) ;;
      *) fail "$(basename "$1") needs $library" ;;
    esac
  done
}

say "python: pip install the wheel into a new virtualenv"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index "$wheel"
check_needed "$(ls "$work"/venv/lib/python3*/site-packages/authbridge/_native*.so)"
prepare_users python
(cd "$work" && "$work/venv/bin/python" "$repo/tests/install/flows.py")

say "node: npm install the two tarballs into a new project"
mkdir "$work/node-app"
cp "$repo/tests/install/flows.cjs" "$repo/tests/install/require.cjs" "$repo/tests/install/import.mjs" "$work/node-app/"
(cd "$work/node-app" && npm init -y >/dev/null &&
  npm install --offline --no-audit --no-fund --silent "$npm_main" "$npm_platform")
! grep '\.node$' <<<"$(tar -tzf "$npm_main")" || fail "the main npm package carries an addon itself"
addon="$work/node-app/node_modules/authbridge-linux-x64-gnu/authbridge.linux-x64-gnu.node"
[ -f "$addon" ] || fail "the platform package did not bring $addon"
check_needed "$addon"
for entry in import.mjs require.cjs; do
  prepare_users "node-${entry%%.*}"
  (cd "$work/node-app" && node "$entry")
done

say "C: unpack the tarball into a prefix"
mkdir "$work/prefix"
tar -xzf "$c_tarball" -C "$work/prefix" --strip-components=1
lib="$work/prefix/lib"
soname="$(readelf -d "$lib/libauthbridge.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
say "SONAME: $soname"
case "$version" in
  0.*) [ "$soname" = "libauthbridge.so.$(cut -d. -f1,2 <<<"$version")" ] || fail "SONAME $soname" ;;
  *) [ "$soname" = "libauthbridge.so.${version%%.*}" ] || fail "SONAME $soname" ;;
esac
[ "$(readlink "$lib/$soname")" = "libauthbridge.so.$version" ] || fail "$soname does not link to the library"
[ "$(readlink "$lib/libauthbridge.so")" = "$soname" ] || fail "libauthbridge.so does not link to $soname"
check_needed "$lib/libauthbridge.so.$version"
exported="$(nm -D --defined-only "$lib/libauthbridge.so.$version")"
grep -q ' ab_nevis_password_login$' <<<"$exported" || fail "the library exports no ab_nevis_password_login"
! grep ' ab_sandbox_' <<<"$exported" || fail "the library exports sandbox functions"
! nm --defined-only "$lib/libauthbridge.a" 2>/dev/null | grep ' T ab_sandbox_' || fail "the static library holds sandbox functions"

# The sandbox for the examples is the standalone one; the examples take its URLs.
examples="$work/c-examples"
mkdir "$examples"
say "C: examples/c with pkg-config (shared)"
export PKG_CONFIG_PATH="$lib/pkgconfig"
for example in nevis_login nopass_portal; do
  # shellcheck disable=SC2046 # pkg-config's flags are words
  cc -std=c11 -Wall -Wextra -Werror "$repo/examples/c/$example.c" $(pkg-config --cflags --libs authbridge) \
    -Wl,-rpath,"$lib" -o "$examples/$example.pkgconfig"
done
grep -q -- '-lpthread' <<<"$(pkg-config --static --libs authbridge)" || fail "pkg-config --static lists no Libs.private"
run_c_examples "$examples" pkgconfig

say "C: examples/c with CMake find_package (shared and static)"
cmake -S "$repo/examples/c" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$work/cmake.log" || { cat "$work/cmake.log"; fail "cmake could not configure examples/c"; }
grep -q "authbridge $version in $work/prefix/lib/cmake/authbridge" "$work/cmake.log" ||
  { cat "$work/cmake.log"; fail "find_package found no authbridge $version in the prefix"; }
cmake --build "$work/cmake-build" -- --quiet >/dev/null
for variant in shared static; do
  needs_library=no
  grep -q "(NEEDED).*\[$soname\]" <<<"$(readelf -d "$work/cmake-build/nevis_login.$variant")" && needs_library=yes
  [ "$needs_library" = "$([ "$variant" = shared ] && echo yes || echo no)" ] ||
    fail "nevis_login.$variant: needs $soname: $needs_library"
  run_c_examples "$work/cmake-build" "$variant"
done

# The PAM module installs with the library and needs it by its SONAME.
module="$work/prefix/lib/security/pam_authbridge.so"
[ -f "$module" ] || fail "the tarball has no lib/security/pam_authbridge.so"
grep -q "(NEEDED).*\[$soname\]" <<<"$(readelf -d "$module")" || fail "pam_authbridge.so does not need $soname"
[ -f "$work/prefix/share/man/man8/pam_authbridge.8" ] || fail "the tarball has no pam_authbridge(8)"
say "PAM module: lib/security/pam_authbridge.so needs $soname, man page installed"
# The installed header declares no sandbox function (they are in authbridge_sandbox.h, which
# only development builds have).
if grep -q 'ab_sandbox_[a-z_]*(' "$work/prefix/include/authbridge.h"; then
  grep -n -m 3 'ab_sandbox_[a-z_]*(' "$work/prefix/include/authbridge.h" >&2
  fail "include/authbridge.h declares sandbox functions"
fi
say "install: all artifacts installed and worked without Rust"
