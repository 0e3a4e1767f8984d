#!/usr/bin/env bash
# One NoPass portal as three replicas in three languages (the Rust example, Python under
# uvicorn, Node on Express) sharing a real Redis, driven by the sandbox's NoPass server.
# Needs what 30-python.sh and 40-node.sh installed and built; redis-server comes from
# apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/apt.sh
source tests/lib/apt.sh
need_apt redis-server redis-server
cargo build --quiet --locked -p authbridge --example portal_replica --features redis
source tests/lib/venv.sh pytest uvicorn
cd tests/cross/replicas
python -m pytest -q -p no:cacheprovider test_replicas.py
