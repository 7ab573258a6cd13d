#!/usr/bin/env bash
# Event-level fraud against the Python peer: the suite (benches/event_suite.py) in one run, on
# this machine, release build. Every generated scenario with three seeds (shop, entity-drift,
# sparse-entity, takeover) and the public fraud_ecommerce log from ../shared/data; on each, the
# peer (benches/peer_events.py: pandas + scikit-learn, customer windows, delayed entity-risk
# windows, HistGradientBoosting) and vigil (`train --until T`, then `score --level event --from
# T`) on the same file and split, graded the same way, with their wall time and peak memory. One
# set of defaults: nothing is set per data set.
# Run from the repository root:  bash benches/compare_events.sh
# Settings (environment): ROWS (shop,entity-drift,sparse-entity,takeover,fraud_ecommerce), SEEDS
# (11,12,13), USERS (5000), DAYS (56), TOP_K (100), DETECTOR (ensemble), ALSO (more detectors graded
# on the same rows, e.g. ALSO=behaviour: the ensemble with the behaviour model's readings).
set -euo pipefail
cargo build --release --quiet
venv=target/bench-venv
if ! "$venv/bin/python" -c "import pandas, sklearn" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pandas scikit-learn
fi
exec "$venv/bin/python" benches/event_suite.py \
  --rows "${ROWS:-shop,entity-drift,sparse-entity,takeover,fraud_ecommerce}" \
  --seeds "${SEEDS:-11,12,13}" --users "${USERS:-5000}" --days "${DAYS:-56}" \
  --top-k "${TOP_K:-100}" --detector "${DETECTOR:-ensemble}" --also "${ALSO:-}"
