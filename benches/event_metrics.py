#!/usr/bin/env python3
"""Grades event scores of several tools on the same generated log and split, the same way.

Usage: event_metrics.py LOG.csv LABELS.csv --at T [--horizon-days 7] [--top-k K] NAME=SCORES.csv ...
SCORES.csv holds `row,score` (0-based data rows of LOG; `vigil score --level event` writes it).
Prints, per tool: event ROC-AUC and AP on the test week, the mean daily precision of the top-k
accounts, and AP by kind of fraud: `seller` (fraud events of legit accounts: compromised
checkouts and brushing campaigns, the generator's seller scenarios) and `account` (the fraud
personas' own events), each against every legit event."""
import argparse

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

ap = argparse.ArgumentParser()
ap.add_argument("log")
ap.add_argument("labels")
ap.add_argument("--at", required=True)
ap.add_argument("--horizon-days", type=float, default=7)
ap.add_argument("--top-k", type=int, default=100)
ap.add_argument("scores", nargs="+")
args = ap.parse_args()

df = pd.read_csv(args.log, usecols=["user_id", "ts", "is_fraud"])
df["ts"] = pd.to_datetime(df["ts"], utc=True, format="ISO8601")
fraud_user = pd.read_csv(args.labels).set_index("user")["label"]
df["fraud_account"] = df["user_id"].map(fraud_user).fillna(0).astype(int)
at = pd.Timestamp(args.at, tz="UTC")
test = df[(df["ts"] >= at) & (df["ts"] < at + pd.Timedelta(days=args.horizon_days))].copy()
test["day"] = test["ts"].dt.floor("D")
kinds = {
    "seller": (test["is_fraud"] == 1) & (test["fraud_account"] == 0),
    "account": (test["is_fraud"] == 1) & (test["fraud_account"] == 1),
}
legit = test["is_fraud"] == 0
print(f"test week: {len(test)} events, {int(test['is_fraud'].sum())} fraud "
      f"({int(kinds['seller'].sum())} seller, {int(kinds['account'].sum())} account)")
header = f"{'tool':<16} {'roc_auc':>8} {'ap':>7} {'top' + str(args.top_k) + '/day':>10} {'ap_seller':>10} {'ap_account':>11}"
print(header)
for spec in args.scores:
    name, path = spec.split("=", 1)
    scores = pd.read_csv(path).set_index("row")["score"]
    s = test.index.map(scores).to_numpy(dtype=float)
    if np.isnan(s).any():
        raise SystemExit(f"{name}: {int(np.isnan(s).sum())} test events have no score")
    y = test["is_fraud"].to_numpy()
    per_account = pd.DataFrame({"day": test["day"].values, "user": test["user_id"].values,
                                "score": s, "fraud": y}).groupby(["day", "user"]).max().reset_index()
    top = per_account.sort_values(["day", "score"], ascending=[True, False]).groupby("day").head(args.top_k)
    by_kind = []
    for mask in kinds.values():
        keep = (mask | legit).to_numpy()
        by_kind.append(average_precision_score(y[keep], s[keep]) if mask.any() else float("nan"))
    print(f"{name:<16} {roc_auc_score(y, s):>8.4f} {average_precision_score(y, s):>7.4f} "
          f"{top.groupby('day')['fraud'].mean().mean():>10.4f} {by_kind[0]:>10.4f} {by_kind[1]:>11.4f}")
