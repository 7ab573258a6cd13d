#!/usr/bin/env bash
# Detectors against the Python peer, in one run (release build, this machine):
#  1. accuracy on ../shared/data/fraud_ecommerce_head30k.csv, on the peer's own test users;
#  2. train and score wall time per detector on the bundled sample and on the 2-million-event
#     generated log, against the peer's time per row.
# Run from the repository root:  bash benches/compare_detect.sh [detectors]
set -euo pipefail
detectors=${1:-zscore,iforest,autoencoder,gbdt,mlp,gru,cnn_gru,ensemble}
fraud=../shared/data/fraud_ecommerce_head30k.csv
big=target/bench-data/shop_2m.csv
out=target/bench-data/detect
mkdir -p "$out"
cargo build --release --quiet
[ -f "$big" ] || cargo bench --quiet --bench ingest -- --test >/dev/null
python3 -c "import pandas, sklearn" 2>/dev/null || pip install --quiet pandas scikit-learn
secs() { python3 -c 'import subprocess,sys,time; t=time.time(); subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True); print(f"{time.time()-t:.2f}")' "$@"; }

if [ -f "$fraud" ]; then
  echo "== accuracy on $fraud, the peer's test users"
  python3 ../shared/bench/peer_fraud_data.py "$fraud" --write-test-users "$out/test_users.csv"
  ./target/release/vigil eval "$fraud" --map tests/fixtures/fraud_ecommerce.toml \
    --split "users:$out/test_users.csv" --detectors "$detectors"
fi

for log in sample_data/shop.csv.gz "$big"; do
  echo "== train / score wall seconds on $log"
  rows=$(./target/release/vigil inspect "$log" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['events'])")
  for d in ${detectors//,/ }; do
    t=$(secs ./target/release/vigil train "$log" --detector "$d" --out "$out/model_$d")
    s=$(secs ./target/release/vigil score "$log" --model "$out/model_$d" --out "$out/scores_$d.csv")
    python3 -c "import sys; d,t,s,n=sys.argv[1:]; t,s,n=float(t),float(s),int(n); print(f'{d:<12} train {t:7.2f} s  score {s:7.2f} s  ({(t+s)*1e6/n:.2f} µs per event, {n} events)')" "$d" "$t" "$s" "$rows"
  done
done
