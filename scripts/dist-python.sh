#!/usr/bin/env bash
# The Python package: the sdist, and the abi3 wheel built from that sdist (as `python -m build`
# does), so a source distribution that does not build fails here. maturin checks the wheel's
# symbols and tags it with the manylinux policy they satisfy.
# Called by scripts/dist with DIST, VERSION, PROFILE and TARGET set.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DIST:?}" "${VERSION:?}" "${PROFILE:?}" "${TARGET:?}"

# shellcheck source=tests/lib/venv.sh
source tests/lib/venv.sh "maturin>=1.7,<2"

maturin sdist --manifest-path bindings-python/Cargo.toml --out "$DIST"
sdist="$DIST/authbridge-$VERSION.tar.gz"

# Not --locked: the sdist's workspace lacks the other bindings, so cargo drops their entries from
# its Cargo.lock (every version that remains stays as locked). Unpacked always to the same
# place, keeping the archive's file times, so an unchanged source is not compiled again.
unpacked="${CARGO_TARGET_DIR:-$PWD/target}/python-sdist"
rm -rf "$unpacked"
mkdir -p "$unpacked"
tar -xzf "$sdist" -C "$unpacked"
(cd "$unpacked/authbridge-$VERSION" && maturin build --profile "$PROFILE" --target "$TARGET" --out "$DIST")
