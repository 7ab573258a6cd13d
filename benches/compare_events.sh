#!/usr/bin/env bash
# Event-level fraud against the Python peer, in one run (release build, this machine):
# a generated shop with the seller scenarios, train on what is known at T, score the next week
# event by event. The peer (benches/peer_events.py: pandas + scikit-learn, customer windows,
# delayed entity-risk windows, HistGradientBoosting) and vigil (`train --until`, then
# `score --level event --from --until`) run on the same file and split; both are graded by
# benches/event_metrics.py the same way, and their wall time and peak memory are measured.
# Run from the repository root:  bash benches/compare_events.sh
# Settings (environment): USERS (10000), DAYS (56), AT (2026-11-19), TOP_K (100),
# DETECTOR (ensemble), SEED (11), SCENARIO (entity-drift: most fraud is payments through
# compromised checkouts that look like legit traffic, new ones every week; `shop` is the
# bundled sample's mix, where both methods score AP 0.99+ and nothing is told apart).
set -euo pipefail
users=${USERS:-10000}
days=${DAYS:-56}
at=${AT:-2026-11-19}
top_k=${TOP_K:-100}
detector=${DETECTOR:-ensemble}
seed=${SEED:-11}
scenario=${SCENARIO:-entity-drift}
dir=target/bench-data/events
mkdir -p "$dir"
log=$dir/${scenario}_${users}u_${days}d_s${seed}.csv
labels=$dir/${scenario}_labels_${users}u_${days}d_s${seed}.csv
cargo build --release --quiet
python3 -c "import pandas, sklearn" 2>/dev/null || pip install --quiet pandas scikit-learn
[ -f "$log" ] || ./target/release/vigil gen-sample --users "$users" --days "$days" --seed "$seed" \
  --scenario "$scenario" --out "$log" --labels-out "$labels" >/dev/null
until=$(python3 -c "import datetime,sys; print((datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=7)).isoformat())" "$at")
size_mib=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1])/1048576:.1f}')" "$log")
events=$(($(wc -l <"$log") - 1))
echo "log: $log, $events events, $size_mib MiB; train on what is known at $at, test $at .. $until"

measure() { # runs a command; prints "wall_s peak_rss_mib"
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.time()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(f"{time.time() - t:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}

read -r peer_s peer_mib < <(measure python3 benches/peer_events.py "$log" --at "$at" --top-k "$top_k" \
  --scores-out "$dir/peer_scores.csv")
read -r train_s train_mib < <(measure ./target/release/vigil train "$log" --detector "$detector" \
  --until "$at" --out "$dir/model_$detector")
read -r score_s score_mib < <(measure ./target/release/vigil score "$log" --model "$dir/model_$detector" \
  --level event --from "$at" --until "$until" --out "$dir/vigil_scores.csv")

echo
python3 benches/event_metrics.py "$log" "$labels" --at "$at" --top-k "$top_k" \
  "peer_hgb=$dir/peer_scores.csv" "vigil_$detector=$dir/vigil_scores.csv"
echo
python3 - "$peer_s" "$peer_mib" "$train_s" "$train_mib" "$score_s" "$score_mib" "$size_mib" <<'PY'
import sys
peer_s, peer_mib, train_s, train_mib, score_s, score_mib, size = map(float, sys.argv[1:])
vigil_s = train_s + score_s
print(f"{'end to end':<28} {'wall s':>8} {'peak MiB':>9} {'peak / file':>12}")
print(f"{'peer (one script)':<28} {peer_s:>8.2f} {peer_mib:>9.0f} {peer_mib / size:>11.2f}x")
print(f"{'vigil train --until':<28} {train_s:>8.2f} {train_mib:>9.0f} {train_mib / size:>11.2f}x")
print(f"{'vigil score (the week)':<28} {score_s:>8.2f} {score_mib:>9.0f} {score_mib / size:>11.2f}x")
print(f"vigil is {peer_s / vigil_s:.1f}x faster end to end; its peak memory is "
      f"{max(train_mib, score_mib) / size:.2f}x the file ({size:.1f} MiB)")
PY
