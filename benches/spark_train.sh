#!/usr/bin/env bash
# Training at scale against training on one machine, in one run: a generated shop, cut a week
# before its end; `vigil train LOG --until T` on one machine, and the Spark job collecting a
# training set (`--train-out`) that `vigil train SET` learns from. Both models then score the
# last week, compared event by event and account by account (largest difference, reasons).
# Reports the wall times, each `vigil train`'s peak memory (what the training machine needs)
# and the training set's size. Run from the repository root:  bash benches/spark_train.sh
# Settings (environment): USERS (30000: about 2M events), DAYS (30), SEED (7), PARTITIONS (8),
# CORES (2), DETECTOR (gbdt), SAMPLE (100000: --sample-events), DRIVER_MEMORY (4g),
# SPARK_PYTHON (target/spark-venv/bin/python, made as .ci/run makes it).
set -euo pipefail
partitions=${PARTITIONS:-8}
cores=${CORES:-2}
detector=${DETECTOR:-gbdt}
sample=${SAMPLE:-100000}
driver_memory=${DRIVER_MEMORY:-4g}
source benches/spark_log.sh
vigil=target/release/vigil
echo "log: $log, $events events; training on the events before $first, $detector, about $sample sampled"

# A command's wall time and peak memory (MiB), what it printed kept in $dir/said.txt.
run() {
  /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >"$dir/said.txt" 2>&1 || { cat "$dir/said.txt"; exit 1; }
  awk '{printf "%.1f s, %.0f MiB", $1, $2 / 1024}' "$dir/time.txt"
}
rm -rf "$dir/m_local" "$dir/m_cluster" "$dir/set"
echo "vigil train LOG --until T:   $(run $vigil train "$log" --until "$first" --detector "$detector" \
  --sample-events "$sample" --seed "$seed" --out "$dir/m_local")"
bin=$(dirname "$python")
echo "spark --train-out, local[$cores]: $(run env PYSPARK_PYTHON="$python" "$bin/spark-submit" \
  --master "local[$cores]" --conf spark.ui.enabled=false --driver-memory "$driver_memory" \
  spark/vigil_score.py --vigil "$vigil" --partitions "$partitions" --train-out "$dir/set" \
  --log "$log" --until "$first" --sample-events "$sample" --seed "$seed")"
grep '^vigil_score' "$dir/said.txt" || true
echo "training set: $(du -sh "$dir/set" | cut -f1)"
echo "vigil train SET:             $(run $vigil train "$dir/set" --detector "$detector" --seed "$seed" \
  --out "$dir/m_cluster")"
for level in event user; do
  for m in local cluster; do
    $vigil score "$log" --model "$dir/m_$m" --level $level --from "$first" --until "$last" \
      --out "$dir/train_${m}_$level.csv" >/dev/null
  done
done
python3 - "$dir" <<'PY'
import csv, sys
d = sys.argv[1]
for level in ("event", "user"):
    rows = [list(csv.DictReader(open(f"{d}/train_{m}_{level}.csv"))) for m in ("local", "cluster")]
    same_keys = len(rows[0]) == len(rows[1])
    worst = max((abs(float(a["score"]) - float(b["score"])) for a, b in zip(*rows)), default=0.0)
    reasons = sum(a["reasons"] != b["reasons"] for a, b in zip(*rows))
    print(f"{level}: {len(rows[0])} scored by both models; same rows {same_keys}; "
          f"largest difference {worst:.2e}; {reasons} with other reasons")
PY
