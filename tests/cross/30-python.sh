#!/usr/bin/env bash
# The Python package: build and install it the way a user does (`pip install ./bindings-python`),
# check its type stubs against the native module, type-check the package, the examples and the
# tests with mypy --strict, then run the pytest suite against the sandbox (the portal tests
# serve it with uvicorn, werkzeug and Flask; the embedded receiver's TLS tests make their
# certificates with trustme; a FastAPI app, with python-multipart, streams an UploadFile on; the
# metrics text is parsed with prometheus_client).
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/lib/venv.sh "maturin>=1.7,<2" pytest mypy uvicorn werkzeug flask trustme fastapi python-multipart \
  prometheus_client

# The dev profile reuses the build the Rust tests already made; a user's plain
# `pip install ./bindings-python` builds the release profile the same way.
MATURIN_PEP517_ARGS="--profile dev" python -m pip install --quiet --no-build-isolation --force-reinstall --no-deps ./bindings-python

# From outside the source tree, so the installed package (not python/) is what is checked.
cd bindings-python/tests
python -m mypy.stubtest --ignore-disjoint-bases --allowlist stubtest-allowlist.txt authbridge._native
python -m mypy --strict --no-incremental ../python/authbridge
python -m mypy --strict --no-incremental .
cd ..
python -m pytest -q -p no:cacheprovider tests
