#!/usr/bin/env bash
# The Node packages in the layout published napi-rs packages use, as npm tarballs:
#   authbridge-VERSION.tgz                 the JavaScript, with an optionalDependency on
#   authbridge-linux-x64-gnu-VERSION.tgz   the prebuilt addon (bindings-node/npm/linux-x64-gnu)
# Made in a copy of the package, as napi's `artifacts` and `pre-publish` steps do (which also
# publish, and need a git checkout): the addon goes into its platform package, and the main
# package names every platform package as an optionalDependency.
# Called by scripts/dist with DIST, VERSION, PROFILE and TARGET set.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DIST:?}" "${VERSION:?}" "${PROFILE:?}" "${TARGET:?}"

# The package's TypeScript (lib/sandbox/) compiled into dist/, as `npm run build` does, with the
# locked dev dependencies.
[ -x bindings-node/node_modules/.bin/tsc ] || (cd bindings-node && npm ci --no-audit --no-fund --loglevel=error)
(cd bindings-node && npm run --silent build:ts)

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -r bindings-node/package.json bindings-node/index.js bindings-node/index.d.ts bindings-node/lib \
  bindings-node/dist bindings-node/npm "$stage/"

# The addon is a plain cdylib, built by cargo like the other artifacts. (`napi build` would also
# regenerate index.js and index.d.ts, which are committed and kept current by
# tests/cross/40-node.sh, and it forces a recompile on every run to collect type definitions.)
cargo build --profile "$PROFILE" --target "$TARGET" --locked -p authbridge-node
platform="$stage/npm/linux-x64-gnu"
addon="$(node -p "require('$platform/package.json').main")"
install -m 0755 "${CARGO_TARGET_DIR:-target}/$TARGET/$PROFILE/libauthbridge_node.so" "$platform/$addon"

(cd "$stage" && node -e '
  const fs = require("fs")
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"))
  pkg.optionalDependencies = {}
  for (const dir of fs.readdirSync("npm")) {
    const platform = JSON.parse(fs.readFileSync(`npm/${dir}/package.json`, "utf8"))
    pkg.optionalDependencies[platform.name] = platform.version
  }
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n")
')

# No prepack: the TypeScript is compiled above, and the copy has no dev dependencies.
for package in "$platform" "$stage"; do
  (cd "$package" && npm pack --ignore-scripts --silent --pack-destination "$DIST" >/dev/null)
done
