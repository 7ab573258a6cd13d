#!/usr/bin/env bash
# The GPU against the CPU, in one `cuda` build: each neural detector is trained on the
# 2-million-event generated log on the CPU (VIGIL_DEVICE=cpu) and on the GPU, timed; the
# CPU-trained model then scores the log on both devices and the scores must agree within
# TOLERANCE (the same weights, two devices' arithmetic). Prints times and the ratio.
# Then the prediction models (purchase, churn, next event), timed on both devices.
#
#   bash benches/gpu.sh            # builds with scripts/cuda-toolchain.sh, then runs
#   bash benches/gpu.sh --pack     # also packs what a GPU machine without Rust needs
#
# With --pack it writes target/gpu-pack/: the stripped binary compressed with xz, the script
# itself, and run.sh, which sets LD_LIBRARY_PATH to the CUDA libraries the machine's Python
# packages carry (site-packages/nvidia/cu13/lib) beside the driver's libcuda, then runs this
# benchmark with that binary (VIGIL=path skips the build).
set -euo pipefail
TOLERANCE=${TOLERANCE:-0.001}
big=${BIG:-target/bench-data/shop_2m.csv}
detectors=${DETECTORS-mlp autoencoder gru cnn_gru behaviour}
if [ -z "${VIGIL:-}" ]; then
  eval "$(bash scripts/cuda-toolchain.sh)"
  cargo build --release --quiet --features cuda
  VIGIL=./target/release/vigil
fi
# The bundled sample's shop at 30,000 users: about 2.06 million events, as the ingest bench's log.
if [ ! -f "$big" ]; then
  mkdir -p "$(dirname "$big")"
  "$VIGIL" gen-sample --users 30000 --days 30 --seed 7 --out "$big"
fi
if [ "${1:-}" = "--pack" ]; then
  out=target/gpu-pack
  mkdir -p "$out"
  strip -o "$out/vigil" "$VIGIL"
  xz -T0 -9 -f "$out/vigil"
  cp benches/gpu.sh "$out/"
  cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# On a GPU machine with Python's NVIDIA CUDA 13 packages: unpack and run the benchmark.
set -euo pipefail
cd "$(dirname "$0")"
[ -x vigil ] || xz -dk vigil.xz
lib=$(python3 -c "import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], 'cu13', 'lib'))")
export LD_LIBRARY_PATH="$lib:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
VIGIL=./vigil bash gpu.sh
RUN
  chmod +x "$out/run.sh"
  ls -l "$out"
  exit 0
fi
work=$(mktemp -d)
seconds() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
printf "%-12s %10s %10s %8s %14s\n" detector cpu_train_s gpu_train_s ratio max_score_diff
for d in $detectors; do
  cpu=$(VIGIL_DEVICE=cpu seconds "$VIGIL" train "$big" --detector "$d" --out "$work/$d.cpu")
  gpu=$(seconds "$VIGIL" train "$big" --detector "$d" --out "$work/$d.gpu")
  VIGIL_DEVICE=cpu "$VIGIL" score "$big" --model "$work/$d.cpu" --out "$work/$d.cpu.csv" >/dev/null 2>&1
  "$VIGIL" score "$big" --model "$work/$d.cpu" --out "$work/$d.gpu.csv" >/dev/null 2>&1
  diff=$(python3 - "$work/$d.cpu.csv" "$work/$d.gpu.csv" <<'PY'
import csv, sys
cpu, gpu = ({r["user"]: float(r["score"]) for r in csv.DictReader(open(f))} for f in sys.argv[1:])
print("%.6f" % max(abs(cpu[u] - gpu[u]) for u in cpu))
PY
)
  ratio=$(awk -v c="$cpu" -v g="$gpu" 'BEGIN{printf "%.1fx", c/g}')
  printf "%-12s %10s %10s %8s %14s\n" "$d" "$cpu" "$gpu" "$ratio" "$diff"
  awk -v d="$diff" -v t="$TOLERANCE" 'BEGIN{exit !(d <= t)}' ||
    { echo "$d: GPU and CPU scores differ by $diff (tolerance $TOLERANCE)"; exit 1; }
done

# The prediction models (purchase, churn, next event at a cut-off in the log): each trained and
# used on both devices. They are trained twice (no kept model), so the two devices' predictions
# are compared as a figure, not held to TOLERANCE.
at=${PREDICT_AT:-2026-10-21T00:00:00Z}
horizon=${PREDICT_HORIZON:-7d}
printf "%-12s %10s %10s %8s %14s\n" predict cpu_s gpu_s ratio max_prob_diff
for target in ${TARGETS:-purchase churn next-event}; do
  cpu=$(VIGIL_DEVICE=cpu seconds "$VIGIL" predict "$big" --target "$target" --at "$at" --horizon "$horizon" --out "$work/$target.cpu.csv")
  gpu=$(seconds "$VIGIL" predict "$big" --target "$target" --at "$at" --horizon "$horizon" --out "$work/$target.gpu.csv")
  diff=$(python3 - "$work/$target.cpu.csv" "$work/$target.gpu.csv" <<'PY'
import csv, sys
cpu, gpu = (list(csv.DictReader(open(f))) for f in sys.argv[1:])
column = "probability" if "probability" in cpu[0] else None
if column is None:
    print("n/a")
else:
    print("%.4f" % max(abs(float(a[column]) - float(b[column])) for a, b in zip(cpu, gpu)))
PY
)
  ratio=$(awk -v c="$cpu" -v g="$gpu" 'BEGIN{printf "%.1fx", c/g}')
  printf "%-12s %10s %10s %8s %14s\n" "$target" "$cpu" "$gpu" "$ratio" "$diff"
done
