#!/usr/bin/env bash
# The ProcessBiometric framing, parsed back by an independent multipart parser (Python's
# `multipart` package): part names, filename, content type, Content-Length and every byte of
# samples full of CR LF and `--` sequences.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/venv.sh multipart

cargo build --quiet -p authbridge --example authx_frame
binary="${CARGO_TARGET_DIR:-target}/debug/examples/authx_frame"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python tests/cross/authx_multipart_check.py "$binary" "$work"
