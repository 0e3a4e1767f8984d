#!/usr/bin/env bash
# The Node packages in the layout published napi-rs packages use, as npm tarballs:
#   authbridge-VERSION.tgz                 the JavaScript, with an optionalDependency on
#   authbridge-linux-x64-gnu-VERSION.tgz   the prebuilt addon (bindings-node/npm/linux-x64-gnu)
# In a copy of the package, as napi's own `artifacts` and `pre-publish` steps would (which also
# publish, and need a git checkout): the addon goes into its platform package, and the main
# package names every platform package as an optionalDependency.
# Called by scripts/dist with DIST, VERSION, PROFILE and TARGET set.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DIST:?}" "${VERSION:?}" "${PROFILE:?}" "${TARGET:?}"

# The napi CLI is a locked dev dependency.
[ -x bindings-node/node_modules/.bin/napi ] || (cd bindings-node && npm ci --no-audit --no-fund --loglevel=error)
napi="$PWD/bindings-node/node_modules/.bin/napi"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -r bindings-node/package.json bindings-node/index.js bindings-node/index.d.ts bindings-node/lib \
  bindings-node/npm "$stage/"

# Generated bindings go to a scratch directory: the committed index.js and index.d.ts are
# what ships (tests/cross/40-node.sh keeps them equal to what napi generates).
(cd bindings-node && "$napi" build --platform --target "$TARGET" --profile "$PROFILE" --no-js \
  --output-dir "$stage/artifacts")
for platform in "$stage"/npm/*/; do
  addon="$(node -p "require('$platform/package.json').main")"
  install -m 0755 "$stage/artifacts/$addon" "$platform/$addon"
done
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

for package in "$stage/npm/linux-x64-gnu" "$stage"; do
  (cd "$package" && npm pack --silent --pack-destination "$DIST" >/dev/null)
done
