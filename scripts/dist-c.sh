#!/usr/bin/env bash
# The C library as an installable tarball, dist/authbridge-VERSION-x86_64-linux-gnu.tar.gz:
#   lib/libauthbridge.so.X.Y.Z (SONAME from ffi-c/build.rs) and its two symlinks,
#   lib/libauthbridge.a, include/authbridge.h,
#   lib/pkgconfig/authbridge.pc (relocatable; Libs.private as rustc reports them),
#   lib/cmake/authbridge/authbridgeConfig.cmake + authbridgeConfigVersion.cmake,
#   lib/security/pam_authbridge.so (the PAM module, built on this library) and its man page.
# Every vendor, the embedded receiver and the SQLite and Redis stores; no sandbox, no test hooks.
# Called by scripts/dist with DIST, VERSION, PROFILE and TARGET set.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DIST:?}" "${VERSION:?}" "${PROFILE:?}" "${TARGET:?}"

# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt cmake cmake
need_apt readelf binutils
need_apt make make
need_apt_file /usr/include/security/pam_modules.h libpam0g-dev

features="nevis,authx,descope,otpone,nopass,server,sqlite,redis"
target="${CARGO_TARGET_DIR:-target}"
# One compile gives the shared and the static library, and rustc names the system libraries a
# static link needs (cargo repeats the note when the build is already fresh).
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
AUTHBRIDGE_SONAME=1 cargo rustc --profile "$PROFILE" --target "$TARGET" --locked -p authbridge-ffi \
  --no-default-features --features "$features" --crate-type cdylib,staticlib \
  -- --print native-static-libs 2>&1 | tee "$stage/cargo.log" >&2
native_libs="$(sed -n 's/^note: native-static-libs: //p' "$stage/cargo.log" | tail -n 1)"
[ -n "$native_libs" ] || { echo "rustc named no native-static-libs" >&2; exit 1; }

built="$target/$TARGET/$PROFILE"
soname="$(readelf -d "$built/libauthbridge_ffi.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ -n "$soname" ] || { echo "libauthbridge_ffi.so has no SONAME" >&2; exit 1; }
shared="libauthbridge.so.$VERSION"

name="authbridge-$VERSION-x86_64-linux-gnu"
root="$stage/$name"
mkdir -p "$root/include" "$root/lib/pkgconfig" "$root/lib/cmake/authbridge"

install -m 0755 "$built/libauthbridge_ffi.so" "$root/lib/$shared"
ln -s "$shared" "$root/lib/$soname"
ln -s "$soname" "$root/lib/libauthbridge.so"
# The static library keeps its symbols (a linker needs them) but not the debug info of the
# precompiled standard library, which would double its size.
install -m 0644 "$built/libauthbridge_ffi.a" "$root/lib/libauthbridge.a"
strip --strip-debug "$root/lib/libauthbridge.a"
install -m 0644 include/authbridge.h "$root/include/authbridge.h"

sed -e "s|@VERSION@|$VERSION|" -e "s|@NATIVE_STATIC_LIBS@|$native_libs|" \
  ffi-c/dist/authbridge.pc.in >"$root/lib/pkgconfig/authbridge.pc"
cmake_libs="$(printf '%s' "$native_libs" | sed -e 's/^-l//' -e 's/ -l/;/g')"
sed -e "s|@SHARED_FILE@|$shared|" -e "s|@SONAME@|$soname|" -e "s|@NATIVE_STATIC_LIBS_CMAKE@|$cmake_libs|" \
  ffi-c/dist/authbridgeConfig.cmake.in >"$root/lib/cmake/authbridge/authbridgeConfig.cmake"
cmake -DVERSION="$VERSION" -DOUTPUT="$root/lib/cmake/authbridge/authbridgeConfigVersion.cmake" \
  -P ffi-c/dist/write-version-file.cmake

# The PAM module links against the library staged above, and installs where PAM looks for
# modules under the prefix (lib/security) with its man page (share/man/man8).
PKG_CONFIG_PATH="$root/lib/pkgconfig" make -s -C pam BUILD="$stage/pam-build" CFLAGS=-O2 \
  DESTDIR="$root" prefix= install >&2
strip --strip-unneeded "$root/lib/security/pam_authbridge.so"

tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$DIST/$name.tar.gz" "$name"
echo "$DIST/$name.tar.gz"
