#!/bin/sh
# Enters a sandbox when DualGauge runs as root (bwrap.ts), started as `unshare --mount --propagation private --
# /bin/sh enter.sh CMD...`, so this shell already has a private mount namespace. It runs as root because
# mounting needs it:
#   1. join the exec's cgroups (DG_CGROUP_PROCS, newline-separated cgroup.procs files), so nothing escapes
#      accounting;
#   2. mount the size- and inode-capped tmpfs dirs listed in the fstab file DG_FSTAB (one `mount -a`). bwrap has
#      no inode option; these mounts exist only in this namespace, so the kernel drops them with the sandbox's
#      last process: no host mount is ever left behind;
#   3. drop to the worker slot's uid (DG_UID) and exec the rest with an empty env (`env -i`: bwrap's pid 1
#      would otherwise show this env in /proc/1/environ).
set -eu
IFS='
'
for f in ${DG_CGROUP_PROCS:-}; do echo $$ > "$f"; done
[ -z "${DG_FSTAB:-}" ] || /usr/bin/mount -a -T "$DG_FSTAB"
exec /usr/bin/setpriv --reuid "$DG_UID" --regid "$DG_UID" --clear-groups -- /usr/bin/env -i "$@"
