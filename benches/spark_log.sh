# Sourced by the Spark benchmarks (spark_compare.sh, spark_train.sh): the job's Python, a
# release build, and the generated shop they share, with the week they score.
# Reads USERS, DAYS, SEED and SPARK_PYTHON from the environment (defaults 30000, 30, 7 and
# target/spark-venv/bin/python); sets python, users, days, seed, dir, log, first, last, events.
users=${USERS:-30000}
days=${DAYS:-30}
seed=${SEED:-7}
python=${SPARK_PYTHON:-target/spark-venv/bin/python}
if ! "$python" -c "import pyspark, pyarrow, pandas" 2>/dev/null; then
  python3 -m venv target/spark-venv
  target/spark-venv/bin/pip install --quiet -r spark/requirements.txt
  python=target/spark-venv/bin/python
fi
cargo build --release --quiet
dir=target/bench-data/spark
mkdir -p "$dir"
log=$dir/shop_${users}u_${days}d_s${seed}.csv
[ -f "$log" ] || ./target/release/vigil gen-sample --users "$users" --days "$days" --seed "$seed" \
  --out "$log" >/dev/null
# The last week of the log: from its last day less six, until the day after it.
read -r first last < <(python3 - "$log" <<'PY'
import csv, datetime, sys
with open(sys.argv[1]) as f:
    r = csv.reader(f); next(r)
    ts = [row[1] for row in r]
end = datetime.date.fromisoformat(max(ts)[:10])
print((end - datetime.timedelta(days=6)).isoformat(), (end + datetime.timedelta(days=1)).isoformat())
PY
)
events=$(($(wc -l <"$log") - 1))
