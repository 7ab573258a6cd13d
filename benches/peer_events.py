#!/usr/bin/env python3
"""Peer for event-level fraud: what an analyst would write in pandas + scikit-learn, the textbook
recipe of the Fraud Detection Handbook applied to a shop log.

Usage: peer_events.py LOG.csv --at T [--horizon-days 7] [--delay-days 7] [--top-k 100]
         [--entities seller,device,ip] [--user-col user_id] [--ts-col ts] [--amount-col amount]
         [--event-col event] [--label-col is_fraud] [--ts-format ISO8601]
Features: the event's amount, hour, weekend and type; the customer's number of events and mean
amount over 1, 7 and 30 days; for each entity, the number of events and the fraud rate over the
1, 7 and 30 days that end `delay` days before the event (the labels known by then).
Split: train on the events whose labels are known at T (before T - delay), test on [T, T + horizon).
Prints event ROC-AUC, AP, the mean daily precision of the top-k accounts, rows and wall time."""
import argparse
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, roc_auc_score

ap = argparse.ArgumentParser()
ap.add_argument("log")
ap.add_argument("--at", required=True)
ap.add_argument("--horizon-days", type=float, default=7)
ap.add_argument("--delay-days", type=float, default=7)
ap.add_argument("--top-k", type=int, default=100)
ap.add_argument("--entities", default="seller,device,ip")
ap.add_argument("--user-col", default="user_id")
ap.add_argument("--ts-col", default="ts")
ap.add_argument("--amount-col", default="amount")
ap.add_argument("--event-col", default="event", help="'' when the log has no event type")
ap.add_argument("--label-col", default="is_fraud")
ap.add_argument("--ts-format", default="ISO8601")
ap.add_argument("--scores-out", help="write `row,score` of the test events (0-based data rows)")
args = ap.parse_args()
t0 = time.time()

entities = [e for e in args.entities.split(",") if e]
names = {args.user_col: "user_id", args.ts_col: "ts", args.amount_col: "amount",
         args.label_col: "is_fraud"}
if args.event_col:
    names[args.event_col] = "event"
df = pd.read_csv(args.log, usecols=list(names) + entities).rename(columns=names)
if not args.event_col:
    df["event"] = "pay"
df["row"] = np.arange(len(df))
df["ts"] = pd.to_datetime(df["ts"], utc=True, format=args.ts_format)
df = df.sort_values("ts", kind="stable").reset_index(drop=True)
df["amount"] = df["amount"].fillna(0.0)
y = df["is_fraud"].astype(float)

X = pd.DataFrame(index=df.index)
X["amount"] = df["amount"]
X["hour"] = df["ts"].dt.hour
X["weekend"] = (df["ts"].dt.day_of_week >= 5).astype(int)
X["event"] = df["event"].astype("category").cat.codes


def rolling(key, values, days):
    """Sum and count of `values` per `key` over the `days` up to each event (inclusive); events
    without a `key` (a view has no seller) get NaN."""
    frame = pd.DataFrame({"k": df[key].fillna("__none__"), "ts": df["ts"], "v": values})
    groups = frame.groupby("k", sort=False)
    r = groups.rolling(f"{days}D", on="ts")["v"]
    # The result runs group by group, each group's rows in event order: put them back.
    pos = np.concatenate(list(groups.indices.values()))
    s, c = np.empty(len(df)), np.empty(len(df))
    s[pos], c[pos] = r.sum().values, r.count().values
    missing = df[key].isna().values
    s[missing], c[missing] = np.nan, np.nan
    return s, c


for w in (1, 7, 30):
    s, c = rolling("user_id", df["amount"], w)
    X[f"user_events_{w}d"] = c
    X[f"user_amount_mean_{w}d"] = s / c

delay = args.delay_days
for ent in entities:
    f_delay, n_delay = rolling(ent, y, delay)
    for w in (1, 7, 30):
        f_all, n_all = rolling(ent, y, delay + w)
        n = n_all - n_delay
        f = f_all - f_delay
        X[f"{ent}_events_{w}d"] = n
        X[f"{ent}_risk_{w}d"] = np.where(n > 0, f / np.maximum(n, 1), 0.0)

at = pd.Timestamp(args.at, tz="UTC")
train = (df["ts"] < at - pd.Timedelta(days=delay)).values
test = ((df["ts"] >= at) & (df["ts"] < at + pd.Timedelta(days=args.horizon_days))).values
model = HistGradientBoostingClassifier(random_state=0).fit(X[train], y[train])
s = model.predict_proba(X[test])[:, 1]
yt = y[test].values
if args.scores_out:
    pd.DataFrame({"row": df["row"][test].values, "score": s}).to_csv(args.scores_out, index=False)

scored = pd.DataFrame({"day": df["ts"][test].dt.floor("D").values, "user": df["user_id"][test].values,
                       "score": s, "fraud": yt})
per_account = scored.groupby(["day", "user"]).agg(score=("score", "max"), fraud=("fraud", "max")).reset_index()
daily = per_account.sort_values(["day", "score"], ascending=[True, False]).groupby("day").head(args.top_k)
top_k = daily.groupby("day")["fraud"].mean().mean()

print(f"peer hgb: roc_auc={roc_auc_score(yt, s):.4f} ap={average_precision_score(yt, s):.4f} "
      f"daily_top{args.top_k}={top_k:.4f}")
print(f"rows={len(df)} train={int(train.sum())} test={int(test.sum())} "
      f"test_fraud={int(yt.sum())} wall_s={time.time() - t0:.2f}")
