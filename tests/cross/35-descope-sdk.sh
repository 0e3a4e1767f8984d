#!/usr/bin/env bash
# The Descope stand-in against Descope's own Python SDK: TOTP sign-up, sign-in with a code
# from authbridge's generator, and session validation with the keys the stand-in publishes.
# Needs the Python package that 30-python.sh installs into the project's virtualenv.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/venv.sh "descope>=2,<3"
python tests/cross/descope_sdk_check.py
