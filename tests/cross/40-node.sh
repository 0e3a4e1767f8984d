#!/usr/bin/env bash
# The Node addon: install the locked dev dependencies (npm ci), build the package the way a
# user does (napi build, then tsc --strict on the sandbox's helpers in lib/sandbox/), check
# that the committed index.js / index.d.ts are what napi generates, type-check a TypeScript
# use of the package against its typings, then run the node --test suite against the sandbox.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 18)) { console.error("Node >= 20.18 is needed, found " + process.version); process.exit(1) }'

cd bindings-node
npm ci --no-audit --no-fund --loglevel=error
# The dev profile shares the dependency builds the Rust tests already made; a user's
# `npm run build` is the same command with --release. Both end with `npm run build:ts`.
npm run --silent build:debug
git diff --exit-code -- index.js index.d.ts || {
  echo "bindings-node/index.js or index.d.ts is stale: run 'npm run build' in bindings-node and commit them" >&2
  exit 1
}
npm run --silent typecheck
npm test
