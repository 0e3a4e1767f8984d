#!/usr/bin/env bash
# Writes authbridge.pc for a built library: ffi-c/pkg-config.sh target/release
# (then PKG_CONFIG_PATH=target/release pkg-config --cflags --libs authbridge).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
libdir="$(cd "${1:?usage: ffi-c/pkg-config.sh <directory holding libauthbridge_ffi>}" && pwd)"
version="$(sed -n 's/^#define AB_VERSION "\(.*\)"/\1/p' "$root/include/authbridge.h")"
sed -e "s|@includedir@|$root/include|" -e "s|@libdir@|$libdir|" -e "s|@version@|$version|" \
  "$root/ffi-c/authbridge.pc.in" >"$libdir/authbridge.pc"
echo "$libdir/authbridge.pc"
