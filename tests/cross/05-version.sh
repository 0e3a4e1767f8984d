#!/usr/bin/env bash
# One version: the workspace version in Cargo.toml is the only place it is written by hand.
# Every package of the workspace inherits it (the Python package takes it from Cargo, so its
# pyproject.toml declares it dynamic), and the npm packages, napi's generated loader, the C
# header and the CHANGELOG must all name the same one.
set -euo pipefail
cd "$(dirname "$0")/../.."

metadata="$(cargo metadata --no-deps --format-version 1 --locked)"
python3 - "$(scripts/version.sh)" "$metadata" <<'PY'
import json, re, sys, tomllib

version, metadata = sys.argv[1], json.loads(sys.argv[2])
problems = []

def expect(where, found):
    if found != version:
        problems.append(f"{where}: {found!r}, not the workspace's {version!r}")

for package in metadata["packages"]:
    expect(f"crate {package['name']}", package["version"])

project = tomllib.load(open("bindings-python/pyproject.toml", "rb"))["project"]
if "version" in project or "version" not in project.get("dynamic", []):
    problems.append("bindings-python/pyproject.toml: the version must be dynamic (taken from Cargo)")

for path in ("bindings-node/package.json", "bindings-node/npm/linux-x64-gnu/package.json"):
    expect(path, json.load(open(path))["version"])
lock = json.load(open("bindings-node/package-lock.json"))
expect("bindings-node/package-lock.json", lock["version"])
expect("bindings-node/package-lock.json (root package)", lock["packages"][""]["version"])
for found in set(re.findall(r"bindingPackageVersion !== '([^']*)'", open("bindings-node/index.js").read())):
    expect("bindings-node/index.js (napi's version check)", found)

header = open("include/authbridge.h").read()
macro = re.search(r'#define AB_VERSION "([^"]*)"', header)
expect("include/authbridge.h AB_VERSION", macro and macro.group(1))
parts = [re.search(rf"#define AB_VERSION_{p} (\d+)", header) for p in ("MAJOR", "MINOR", "PATCH")]
expect("include/authbridge.h AB_VERSION_MAJOR/MINOR/PATCH", ".".join(p.group(1) if p else "?" for p in parts))

if not re.search(rf"^## \[{re.escape(version)}\]", open("CHANGELOG.md").read(), re.M):
    problems.append(f"CHANGELOG.md: no entry for {version}")

if problems:
    sys.exit("versions differ:\n  " + "\n  ".join(problems))
print(f"-- every package, the header and the CHANGELOG say {version}")
PY
