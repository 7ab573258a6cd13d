#!/usr/bin/env bash
# Runs a command with its memory capped, in a cgroup of its own (the memory controller, v1 or v2;
# making one needs root):  bash benches/cap_memory.sh MIB COMMAND [ARGS...]
# A command that needs more is killed by the kernel (exit 137). benches/spark_capped.sh caps each
# `vigil worker` call of the cluster job this way, and `vigil score` alone.
set -u
mib=$1
shift
if [ -d /sys/fs/cgroup/memory ]; then
  root=/sys/fs/cgroup/memory limit=memory.limit_in_bytes
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  root=/sys/fs/cgroup limit=memory.max
else
  echo "cap_memory: this machine has no cgroup memory controller" >&2
  exit 2
fi
group=$root/vigil-cap-$$
if ! mkdir "$group" 2>/dev/null; then
  echo "cap_memory: cannot make $group (it needs root)" >&2
  exit 2
fi
echo $((mib * 1048576)) >"$group/$limit"
# No swap to run into either, where the controller counts it.
[ -f "$group/memory.memsw.limit_in_bytes" ] &&
  echo $((mib * 1048576)) >"$group/memory.memsw.limit_in_bytes" 2>/dev/null
echo $$ >"$group/cgroup.procs"
"$@"
rc=$?
echo $$ >"$root/cgroup.procs"
rmdir "$group" 2>/dev/null
exit $rc
