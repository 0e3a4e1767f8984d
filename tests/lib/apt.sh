# Sourced by test scripts: need_apt COMMAND PACKAGE installs Debian's PACKAGE when COMMAND is
# not on PATH (apt-get update first: a fresh machine has no package lists), through sudo when
# not run as root.
#   source tests/lib/apt.sh; need_apt redis-server redis-server
need_apt() {
  command -v "$1" >/dev/null 2>&1 && return 0
  printf -- '-- installing %s\n' "$2"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
