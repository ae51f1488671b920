#!/bin/sh
# What DualGauge needs outside npm: bubblewrap (the sandbox), strace (audit mode), util-linux and mount (setpriv, unshare, mount: the pool and the inode-capped scratch), CPython 3 and the Python candidate runtime,
# the `file` utility used by tasks, and the JavaScript candidate runtime. Idempotent: installs only what is missing.
set -eu
PACKAGES="bubblewrap util-linux mount procps strace python3 file make g++ python3-yaml python3-cryptography python3-jwt python3-bcrypt python3-defusedxml python3-lxml python3-requests python3-flask binutils nlohmann-json3-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev libcpp-httplib-dev"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "setup: system packages present"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# The JavaScript candidate runtime: node_modules mounted read-only into sandboxes (docs/candidate-runtime.md).
# better-sqlite3 compiles from source here (no prebuilt download without network): about two minutes, once.
cd "$(dirname "$0")/../runtime/javascript"
if cmp -s package-lock.json node_modules/.dualgauge-installed-lock 2>/dev/null; then
  echo "setup: JavaScript candidate runtime present"
else
  echo "setup: installing the JavaScript candidate runtime"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.dualgauge-installed-lock
fi
