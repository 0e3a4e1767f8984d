# Sourced by test scripts: creates (once) and activates the project's Python virtualenv, then
# installs the PyPI packages named as arguments if they are missing.
#   source tests/lib/venv.sh pytest multipart
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -x "$root/.venv/bin/python" ]; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    # Debian ships venv and ensurepip apart from python3.
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  python3 -m venv "$root/.venv"
  "$root/.venv/bin/python" -m pip install --quiet --upgrade pip
fi
# shellcheck disable=SC1091
source "$root/.venv/bin/activate"
missing=()
for pkg in "$@"; do
  name="${pkg%%[<>=]*}"
  python -m pip show --quiet "$name" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  python -m pip install --quiet "${missing[@]}"
fi
