#!/usr/bin/env bash
# Wall time and peak memory of `vigil segments` and `vigil predict` (each target) on the
# 2-million-event generated log, and the prediction figures on CDNOW's real purchase log
# (cut-off 1997-10-01, horizon 90 days) beside the classic customer-base models fitted in the
# same run (BG/NBD and Pareto/NBD, benches/clv_baselines.py: Python 3 with numpy and scipy),
# and on the bundled sample. Release build, this machine.
# Run from the repository root:  bash benches/segments_predict.sh
set -euo pipefail
big=target/bench-data/shop_2m.csv
cdnow=../shared/data/cdnow_master.txt
cargo build --release --quiet
[ -f "$big" ] || cargo bench --quiet --bench ingest -- --test >/dev/null
measure() {
  # Prints "wall s, peak MiB" of the command (GNU time when present, else wall time alone).
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M" -o /tmp/vigil_time "$@" >/dev/null
    awk '{printf "%7.2f s  %6.0f MiB peak\n", $1, $2/1024}' /tmp/vigil_time
  else
    local t0; t0=$(date +%s.%N); "$@" >/dev/null
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%7.2f s\n", b-a}'
  fi
}
events=$(./target/release/vigil inspect "$big" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['events'])")
echo "== $big ($events events)"
printf "%-32s" "segments --auto";      measure ./target/release/vigil segments "$big"
printf "%-32s" "segments --k 8";       measure ./target/release/vigil segments "$big" --k 8
for t in purchase churn next-event; do
  printf "%-32s" "predict $t (7d)"; measure ./target/release/vigil predict "$big" --target $t --at 2026-10-23 --horizon 7d
done
echo "== figures: model beside its baselines"
for t in purchase churn next-event; do
  echo "-- sample_data/shop.csv.gz, $t at 2026-10-20 for 7 days"
  ./target/release/vigil predict sample_data/shop.csv.gz --target $t --at 2026-10-20 --horizon 7d | tail -n +4
done
if [ -f "$cdnow" ]; then
  for t in purchase churn; do
    echo "-- $cdnow, $t at 1997-10-01 for 90 days"
    ./target/release/vigil predict "$cdnow" --target $t --at 1997-10-01 --horizon 90d | tail -n +4
  done
  echo "-- $cdnow, the customer-base models at 1997-10-01 for 90 days"
  if python3 -c "import numpy, scipy" 2>/dev/null; then
    python3 benches/clv_baselines.py "$cdnow" --at 1997-10-01 --horizon-days 90
  else
    echo "skipped: BG/NBD and Pareto/NBD need Python 3 with numpy and scipy (pip install numpy scipy)"
  fi
fi
