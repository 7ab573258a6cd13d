#!/usr/bin/env bash
# Eight analyst processes work one queue at once through claims and `next`, on SQLite and on a
# throwaway PostgreSQL server (tests/common/pg.rs): every account decided exactly once, one
# audit line each, and the claim+verdict latency p50/p95 per backend.
#   bash benches/team_queue.sh            # 5,000 accounts
#   N=20000 bash benches/team_queue.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL_TEAM_QUEUE_SIZE="${N:-5000}" cargo test --release --test team eight_analysts -- --nocapture 2>&1 |
  grep -E "team queue|test result|panicked|SKIPPED"
