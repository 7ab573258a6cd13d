#!/usr/bin/env bash
# The cluster job against `vigil score` on one machine, in one run: a generated shop, a model
# trained on what was known a week before its end, the last week scored both ways; the scores
# compared (spark/compare_scores.py: every event and account, within 1e-6, reasons equal),
# with wall time and events per second per core of each, and the worker stages' own times
# (what a cluster of N executors divides) with each stage's largest worker's peak memory.
# Run from the repository root:  bash benches/spark_compare.sh
# Settings (environment): USERS (30000: about 2M events), DAYS (30), SEED (7), PARTITIONS (8),
# CORES (2), BLOCK (1d: the job's --block), BUSY (50000: its --busy-value), DRIVER_MEMORY (4g:
# Spark's, whose executors run in the driver in local mode), SPARK_PYTHON
# (target/spark-venv/bin/python, made as .ci/run makes it).
# Out of core: with CAP_MIB set, every `vigil worker` call of the job runs with its memory capped
# at CAP_MIB (benches/cap_memory.sh: a cgroup, as root), and `vigil score` alone is run under the
# same cap first. For example, a log over five times the cap:
#   CAP_MIB=128 USERS=110000 PARTITIONS=96 BLOCK=6h DRIVER_MEMORY=1g bash benches/spark_compare.sh
set -euo pipefail
partitions=${PARTITIONS:-8}
cores=${CORES:-2}
block=${BLOCK:-1d}
busy=${BUSY:-50000}
driver_memory=${DRIVER_MEMORY:-4g}
cap=${CAP_MIB:-}
source benches/spark_log.sh
size_mib=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1])/1048576:.1f}')" "$log")
echo "log: $log, $events events, $size_mib MiB; scoring $first .. $last"
./target/release/vigil train "$log" --detector ensemble --until "$first" --out "$dir/model" >/dev/null

vigil=target/release/vigil
if [ -n "$cap" ]; then
  # The job's workers run capped; so does `vigil score` alone, which needs the whole window
  # with its look-back at once.
  vigil=$PWD/$dir/vigil-capped
  printf '#!/usr/bin/env bash\nexec bash %q %q %q "$@"\n' "$PWD/benches/cap_memory.sh" "$cap" \
    "$PWD/target/release/vigil" >"$vigil"
  chmod +x "$vigil"
  echo "log $size_mib MiB against a cap of $cap MiB per worker: $(python3 -c "print(f'{$size_mib / $cap:.1f}')")x"
  set +e
  "$vigil" score "$log" --model "$dir/model" --level event --from "$first" --until "$last" \
    --out "$dir/capped_events.csv" >/dev/null 2>"$dir/capped_score.err"
  rc=$?
  set -e
  echo "vigil score under the same cap: exit $rc$([ $rc = 137 ] && echo ' (killed: out of memory)')"
fi

# A command's wall time; what it printed goes to $dir/said.txt (spark-submit prints the job's own
# lines there, its driver's standard error among them).
secs() { python3 -c 'import subprocess,sys,time; t=time.time(); subprocess.run(sys.argv[2:],stdout=open(sys.argv[1],"w"),check=True); print(f"{time.time()-t:.1f}")' "$dir/said.txt" "$@"; }
t_event=$(secs ./target/release/vigil score "$log" --model "$dir/model" --level event \
  --from "$first" --until "$last" --out "$dir/events.csv")
t_user=$(secs ./target/release/vigil score "$log" --model "$dir/model" --level user \
  --from "$first" --until "$last" --out "$dir/accounts.csv")
rm -rf "$dir/out" "$dir/worker_times.txt"
bin=$(dirname "$python")
t_spark=$(secs env PYSPARK_PYTHON="$python" VIGIL_SPARK_TIMES="$PWD/$dir/worker_times.txt" \
  "$bin/spark-submit" --master "local[$cores]" \
  --conf spark.ui.enabled=false --driver-memory "$driver_memory" spark/vigil_score.py \
  --vigil "$vigil" --partitions "$partitions" --block "$block" --busy-value "$busy" \
  --model "$dir/model" --log "$log" --from "$first" --until "$last" --out "$dir/out")
grep '^vigil_score' "$dir/said.txt" || true
"$python" spark/compare_scores.py "$dir/out" "$dir/events.csv" "$dir/accounts.csv"
python3 - "$events" "$cores" "$t_event" "$t_user" "$t_spark" "$dir/worker_times.txt" <<'PY'
import collections, sys
events, cores = int(sys.argv[1]), int(sys.argv[2])
t_event, t_user, t_spark = map(float, sys.argv[3:6])
stages = collections.defaultdict(lambda: [0, 0.0, 0])
for line in open(sys.argv[6]):
    stage, secs, peak_kib = line.split()
    stages[stage][0] += 1
    stages[stage][1] += float(secs)
    stages[stage][2] = max(stages[stage][2], int(peak_kib))
work = sum(s for _, s, _ in stages.values())
alone = t_event + t_user
print(f"{'':<34} {'wall s':>8} {'events/s/core':>14}")
print(f"{'vigil score (event + user)':<34} {alone:>8.1f} {events / alone / cores:>14.0f}")
print(f"{'spark local[' + str(cores) + ']':<34} {t_spark:>8.1f} {events / t_spark / cores:>14.0f}")
print(f"{'vigil worker calls (sum)':<34} {work:>8.1f} {events / work:>14.0f}")
for stage, (n, secs, peak) in sorted(stages.items()):
    print(f"  {stage:<22} {n:>4} calls {secs:>8.1f} s   largest worker {peak / 1024:>6.0f} MiB")
print("projected for N executors of 4 cores (worker time divided, Spark's own left out):")
for n in (4, 16, 64):
    print(f"  {n:>3} executors: {work / (n * 4):>8.1f} s of vigil per run")
PY
