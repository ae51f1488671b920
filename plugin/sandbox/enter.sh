#!/bin/sh
# Enters a sandbox when DualGauge runs as root (bwrap.ts). Runs as root because mounting needs it:
#   1. join the exec's cgroups (DG_CGROUP_PROCS, newline-separated cgroup.procs files), so nothing escapes
#      accounting;
#   2. in a private mount namespace, mount the size- and inode-capped tmpfs dirs (DG_TMPFS: one
#      "<dir> <mount options>" per line). bwrap has no inode option; these mounts exist only in this
#      namespace, so the kernel drops them with the sandbox's last process: no host mount is ever left behind;
#   3. drop to the worker slot's uid (DG_UID) and exec the rest with an empty env (`env -i`: bwrap's pid 1
#      would otherwise show this env in /proc/1/environ).
set -eu
nl='
'
if [ -z "${DG_IN_NS:-}" ]; then
  IFS=$nl
  for f in ${DG_CGROUP_PROCS:-}; do echo $$ > "$f"; done
  DG_IN_NS=1 exec /usr/bin/unshare --mount --propagation private -- /bin/sh "$0" "$@"
fi
IFS=$nl
for m in ${DG_TMPFS:-}; do
  /usr/bin/mount -t tmpfs -o "${m#* }" dualgauge-scratch "${m%% *}"
done
exec /usr/bin/setpriv --reuid "$DG_UID" --regid "$DG_UID" --clear-groups -- /usr/bin/env -i "$@"
