# Sourced by test scripts: need_apt COMMAND PACKAGE installs Debian's PACKAGE when COMMAND is
# not on PATH, and need_apt_file FILE PACKAGE when FILE does not exist (a package of headers
# has no command); apt-get update first (a fresh machine has no package lists), through sudo
# when not run as root.
#   source tests/lib/apt.sh; need_apt redis-server redis-server
#   need_apt_file /usr/include/security/pam_modules.h libpam0g-dev
need_apt() {
  command -v "$1" >/dev/null 2>&1 && return 0
  apt_install "$2"
}

need_apt_file() {
  [ -e "$1" ] && return 0
  apt_install "$2"
}

apt_install() {
  printf -- '-- installing %s\n' "$1"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}
