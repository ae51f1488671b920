#!/bin/sh
# A sandbox's launcher (launcher.ts, bwrap.ts), usually started before its exec is known: as root
# `unshare --mount --propagation private -- /bin/sh enter.sh`, so this shell has a private mount namespace;
# otherwise `/bin/sh enter.sh` (as root when the worker is). It
#   1. joins the exec's cgroups (DG_CGROUP_PROCS, newline-separated cgroup.procs files), so nothing escapes
#      accounting; on cgroup v1 that write waits for an RCU grace period, which is why it happens ahead;
#   2. makes its dirs (DG_MKDIRS, newline-separated; the first holds the others) and, as root, mounts the size-
#      and inode-capped scratch tmpfs dirs of DG_FSTAB, an fstab's text (one `mount -a`: bwrap has no inode
#      option; the mounts exist only in this namespace, so the kernel drops them with the sandbox's last
#      process), then drops to the slot's uid (DG_UID);
#   3. with DG_BWRAP (a sandbox started ahead, bwrap.ts): starts bwrap now, its options on fd 4, and the plan goes
#      to a shell inside the sandbox: rlimits (`ulimit`), working dir, environment, `exec` of the command;
#      otherwise waits for its plan here: rlimits and the command (`set -- bwrap ...`).
# A plan is one line on stdin, every word quoted by shellQuote (a newline in a word is "$nl"); the rest of stdin is
# the command's. Every shell here runs with an empty environment: bwrap's pid 1 would show this one's in
# /proc/1/environ (dash exports PWD).
# End of stdin before a plan (the worker went away, or dismissed this standby) ends it.
set -euf
umask 022
IFS='
'
for f in ${DG_CGROUP_PROCS:-}; do echo $$ > "$f"; done
if [ -n "${DG_MKDIRS:-}" ]; then
  /usr/bin/mkdir -p $DG_MKDIRS
  if [ -n "${DG_FSTAB:-}" ]; then
    fstab=${DG_MKDIRS%%
*}/fstab
    printf '%s' "$DG_FSTAB" > "$fstab"
    /usr/bin/mount -a -T "$fstab"
  fi
fi
uid=${DG_UID:-}
bwrap=${DG_BWRAP:-}
unset DG_CGROUP_PROCS DG_MKDIRS DG_FSTAB DG_UID DG_BWRAP PWD
wait_for_plan='nl="
"; unset PWD; IFS= read -r plan || exit 0; eval "$plan"'
if [ -n "$bwrap" ]; then
  set -- "$bwrap" --args 4 -- /bin/sh -euc "$wait_for_plan"
else
  set -- /bin/sh -euc "$wait_for_plan"'; exec "$@"'
fi
[ -z "$uid" ] || exec /usr/bin/setpriv --reuid "$uid" --regid "$uid" --clear-groups -- "$@"
exec "$@"
