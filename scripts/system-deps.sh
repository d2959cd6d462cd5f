#!/usr/bin/env bash
# Make sure the Debian packages the system needs are present: install them when we are root,
# otherwise say how. Usage: scripts/system-deps.sh PACKAGE[:COMMAND] ...
set -euo pipefail
missing=()
for spec in "$@"; do
  pkg=${spec%%:*}; cmd=${spec#*:}
  [ "$cmd" = "$spec" ] && cmd=$pkg
  command -v "$cmd" >/dev/null 2>&1 && continue
  # PostgreSQL's server binaries live outside PATH on Debian.
  if [ "$cmd" = initdb ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then continue; fi
  missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them first, e.g.: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
