#!/usr/bin/env bash
# Frame time of the triage window with the 2-million-event log open while a retrain runs.
# The window opens the log (training and keeping a model the first time), starts a retrain,
# repaints continuously and steps through the queue every 4th frame until the retrain ends,
# then writes frame-time percentiles (ms) and quits:
#   app_ms            our logic + layout per frame (what a slow panel would show up in)
#   eframe_cpu_ms     eframe's whole CPU frame: layout, tessellation, paint submission
#   frame_interval_ms start to start, including the GL driver (software rendering under Xvfb)
# Needs an X display; without one it starts Xvfb (apt-get install xvfb mesa-utils).
# Run from the repository root:  bash benches/frame_time.sh [detector]
set -euo pipefail
detector=${1:-ensemble}
big=target/bench-data/shop_2m.csv
out=target/bench-data/frames
mkdir -p "$out"
cargo build --release --quiet
[ -f "$big" ] || cargo bench --quiet --bench ingest -- --test >/dev/null
if [ -z "${DISPLAY:-}" ]; then
  Xvfb :97 -screen 0 1600x1000x24 >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb' EXIT
  export DISPLAY=:97
  sleep 1
fi
./target/release/vigil "$big" --detector "$detector" --workspace "$out/shop_2m.vigil.db" \
  --frame-report "$out/frames_$detector.json"
cat "$out/frames_$detector.json"
