#!/usr/bin/env bash
# Prints the project's version: the workspace version in Cargo.toml, which every package,
# the header's AB_VERSION and the npm packages follow (tests/cross/05-version.sh checks them).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])'
