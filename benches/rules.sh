#!/usr/bin/env bash
# How long a rule's backtest takes on the 2-million-event generated log: what the rule editor
# waits for after each edit (target: under 200 ms). Three rules: account features only, an
# event feature (read once per event), and both with `or`/`not`. Release build, this machine.
# Run from the repository root:  bash benches/rules.sh
set -euo pipefail
big=target/bench-data/shop_2m.csv
cargo build --release --quiet
[ -f "$big" ] || cargo bench --quiet --bench ingest -- --test >/dev/null
ws=$(mktemp -d)/bench.vigil.db
for rule in \
  "share:pay_fail >= 0.2 and amount_max < 20" \
  "amount > 1000 and device_users_7d >= 2" \
  "not (n:order >= 1) or (peak_1min >= 20 and gap_share_under_1s > 0.5)"; do
  ./target/release/vigil rules test "$big" --workspace "$ws" --rule "$rule" --show 0 --json 2>/dev/null |
    python3 -c "import json,sys; t=json.load(sys.stdin)['tests'][0]; print('%8.1f ms  %7d hits  %s' % (t['backtest_ms'], len(t['backtest']['Ok']['hits']), t['expression']))"
done
