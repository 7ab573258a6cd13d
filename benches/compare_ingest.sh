#!/usr/bin/env bash
# Measures `vigil inspect` against pandas on the same generated 2-million-event log, in one run:
# wall time and peak RSS of each. Run from the repository root:  bash benches/compare_ingest.sh
set -euo pipefail
log=target/bench-data/shop_2m.csv
cargo build --release --quiet
# The criterion bench generates the log once (in test mode it loads it only once).
[ -f "$log" ] || cargo bench --quiet --bench ingest -- --test >/dev/null
python3 -c "import pandas" 2>/dev/null || pip install --quiet pandas
ls -l "$log" | awk '{printf "log: %s, %.1f MiB\n", $9, $5/1048576}'
measure() { # prints "wall_s peak_rss_mib" of one command
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.time()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(f"{time.time() - t:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}
for i in 1 2 3; do
  v=$(measure ./target/release/vigil inspect "$log" --json)
  p=$(measure python3 benches/peer_ingest.py "$log")
  echo "run $i: vigil wall_s peak_mib = $v | pandas wall_s peak_mib = $p"
done
