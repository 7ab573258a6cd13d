#!/usr/bin/env python3
"""The pandas peer for `vigil inspect`: read the CSV, parse its time column, count events per user.

Usage: python3 benches/peer_ingest.py LOG.csv [TIME_COLUMN] [USER_COLUMN]
Prints wall seconds and peak RSS (MiB) of this process."""
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
time_col = sys.argv[2] if len(sys.argv) > 2 else "ts"
user_col = sys.argv[3] if len(sys.argv) > 3 else "user_id"
t0 = time.time()
df = pd.read_csv(path)
df[time_col] = pd.to_datetime(df[time_col])
per_user = df.groupby(user_col).size()
wall = time.time() - t0
rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas {pd.__version__}: rows={len(df)} users={len(per_user)} "
      f"time={df[time_col].min()}..{df[time_col].max()} wall_s={wall:.2f} peak_rss_mib={rss_mib:.0f}")
