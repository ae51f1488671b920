#!/bin/sh
# System packages DualGauge needs: bubblewrap (the sandbox), CPython 3 and the Python candidate runtime
# (docs/candidate-runtime.md), the `file` utility used by tasks. Idempotent: installs only what is missing.
set -eu
PACKAGES="bubblewrap procps python3 file python3-yaml python3-cryptography python3-jwt python3-bcrypt python3-defusedxml python3-lxml python3-requests python3-flask"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "setup: system packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
