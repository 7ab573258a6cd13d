#!/usr/bin/env python3
"""The event-level benchmark suite: every generated scenario (three seeds each) and the public
fraud_ecommerce log, vigil against the peer (benches/peer_events.py) on each, in one run, with
one set of defaults: nothing here is set per data set but the log's own columns and dates.

Each row: train on what is known at T (labels arrive DELAY days after their event), score the
events of [T, T + horizon) event by event, grade both tools the same way:
  ap       event AP on the test period;
  top/day  the mean daily precision of the top-K accounts by their riskiest event;
  ap_new   event AP on the accounts not known as fraud at T (no fraud event of theirs labelled
           by then): the new victims an analyst has not blocked yet;
  val      vigil train's own validation AP (the figure it prints), beside the test AP;
  AP entity  event AP on fraud at an entity (a seller or terminal whose fraud came from two
           or more customers), the other fraud left out;
  s, MiB   end-to-end wall time (load, features, search, fit, score) and peak memory.
The summary names the row where vigil does worst against the peer. With --also, more of
vigil's detectors are graded on the same rows and split, in a second table beside the first
detector (a detector that cannot read a row says why there).

Usage (from the repository root, after `cargo build --release`):
  event_suite.py [--rows shop,entity-drift,sparse-entity,takeover,fraud_ecommerce] [--seeds 11,12,13]
                 [--top-k 100] [--detector ensemble] [--also behaviour] [--data ../shared/data]
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

DELAY_DAYS = 7
VIGIL = "./target/release/vigil"
WORK = Path("target/bench-data/suite")

ap = argparse.ArgumentParser()
ap.add_argument("--rows", default="shop,entity-drift,sparse-entity,takeover,fraud_ecommerce")
ap.add_argument("--seeds", default="11,12,13")
ap.add_argument("--top-k", type=int, default=100)
ap.add_argument("--detector", default="ensemble")
ap.add_argument("--also", default="", help="more detectors graded on the same rows")
ap.add_argument("--data", default="../shared/data")
ap.add_argument("--users", type=int, default=5000)
ap.add_argument("--days", type=int, default=56)
args = ap.parse_args()
WORK.mkdir(parents=True, exist_ok=True)


class Row:
    """One log and its split: the columns the peer reads, T and the horizon."""

    def __init__(self, name, log, at, horizon_days, cols, entities, ts_format="ISO8601",
                 mapping=None):
        self.name, self.log, self.at, self.horizon_days = name, Path(log), at, horizon_days
        self.cols, self.entities, self.ts_format = cols, entities, ts_format
        # vigil's mapping where its own detection would read the log otherwise.
        self.map = ["--map", mapping] if mapping else []


GENERATED_COLS = {"user": "user_id", "ts": "ts", "amount": "amount", "event": "event",
                  "label": "is_fraud", "seller": "seller"}


def generated(scenario, seed):
    log = WORK / f"{scenario}_{args.users}u_{args.days}d_s{seed}.csv"
    if not log.exists():
        subprocess.run([VIGIL, "gen-sample", "--users", str(args.users), "--days", str(args.days),
                        "--seed", str(seed), "--scenario", scenario, "--out", str(log)],
                       check=True, stdout=subprocess.DEVNULL)
    # The generated logs start on 2026-10-01: train on the first six weeks, test the seventh.
    return Row(f"{scenario} s{seed}", log, "2026-11-12", 7, GENERATED_COLS, "seller,device,ip")


def rows():
    out = []
    for name in args.rows.split(","):
        if name == "fraud_ecommerce":
            log = Path(args.data) / "fraud_ecommerce_head30k.csv"
            if not log.exists():
                print(f"SKIPPED fraud_ecommerce: {log} is not there", file=sys.stderr)
                continue
            cols = {"user": "user_id", "ts": "purchase_time", "amount": "purchase_value",
                    "event": "", "label": "class"}
            # One purchase per user over 2015: four weeks from August on are the test.
            out.append(Row("fraud_ecommerce", log, "2015-08-01", 28, cols,
                           "device_id,ip_address", ts_format="%m/%d/%Y %H:%M",
                           mapping="benches/fraud_ecommerce.toml"))
        else:
            out.extend(generated(name, int(s)) for s in args.seeds.split(","))
    return out


def measured(cmd):
    """Runs `cmd` from a fresh process (so the peak memory is the tool's own): (wall seconds,
    peak MiB, its standard output). A failing command's own error is its standard error."""
    code = ("import resource,subprocess,sys,time;t=time.time();"
            "p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
            "p.returncode and sys.exit(p.stderr);"
            "sys.stdout.write(p.stdout);"
            "print(f'@@ {time.time()-t:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024:.0f}')")
    out = subprocess.run([sys.executable, "-c", code] + cmd, check=True, capture_output=True,
                         text=True).stdout
    body, _, tail = out.rpartition("@@ ")
    secs, mib = tail.split()
    return float(secs), float(mib), body


def test_frame(row):
    c = row.cols
    seller = c.get("seller")
    df = pd.read_csv(row.log, usecols=[c["user"], c["ts"], c["label"]] + ([seller] if seller else []))
    df = df.rename(columns={c["user"]: "user", c["ts"]: "ts", c["label"]: "fraud",
                            **({seller: "seller"} if seller else {})})
    # Fraud at an entity: through a seller (a terminal) whose fraud came from two or more
    # customers over the log, as a compromised one's does; a stolen card's is one customer's.
    if seller:
        fraud_users = df[df["fraud"] == 1].groupby("seller")["user"].nunique()
        df["entity"] = (df["fraud"] == 1) & df["seller"].map(fraud_users).fillna(0).ge(2)
    df["ts"] = pd.to_datetime(df["ts"], utc=True, format=row.ts_format)
    df["row"] = np.arange(len(df))
    at = pd.Timestamp(row.at, tz="UTC")
    known_by = at - pd.Timedelta(days=DELAY_DAYS)
    known_fraud = set(df.loc[(df["fraud"] == 1) & (df["ts"] < known_by), "user"])
    test = df[(df["ts"] >= at) & (df["ts"] < at + pd.Timedelta(days=row.horizon_days))].copy()
    test["new"] = ~test["user"].isin(known_fraud)
    test["day"] = test["ts"].dt.floor("D")
    return test


def grade(test, scores_csv):
    scores = pd.read_csv(scores_csv).set_index("row")["score"]
    s = test["row"].map(scores).to_numpy(dtype=float)
    if np.isnan(s).any():
        raise SystemExit(f"{scores_csv}: {int(np.isnan(s).sum())} test events have no score")
    y = test["fraud"].to_numpy()
    per_account = pd.DataFrame({"day": test["day"].values, "user": test["user"].values,
                                "score": s, "fraud": y}).groupby(["day", "user"]).max().reset_index()
    top = per_account.sort_values(["day", "score"], ascending=[True, False]).groupby("day") \
        .head(args.top_k)
    new = test["new"].to_numpy()
    # AP on entity fraud: the other fraud left out, the entity's against every legit event.
    entity = test["entity"].to_numpy() if "entity" in test else None
    at_entity = (y == 0) | entity if entity is not None else None
    return {
        "ap_entity": average_precision_score(entity[at_entity], s[at_entity])
        if entity is not None and entity.any() else float("nan"),
        "ap": average_precision_score(y, s),
        "top": top.groupby("day")["fraud"].mean().mean(),
        "ap_new": average_precision_score(y[new], s[new]) if y[new].any() else float("nan"),
    }


def run(row):
    tag = row.name.replace(" ", "_")
    until = (pd.Timestamp(row.at) + pd.Timedelta(days=row.horizon_days)).date().isoformat()
    c = row.cols
    peer_scores, vigil_scores, model = WORK / f"{tag}_peer.csv", WORK / f"{tag}_vigil.csv", \
        WORK / f"{tag}_model"
    peer = [sys.executable, "benches/peer_events.py", str(row.log), "--at", row.at,
            "--horizon-days", str(row.horizon_days), "--delay-days", str(DELAY_DAYS),
            "--top-k", str(args.top_k), "--entities", row.entities, "--user-col", c["user"],
            "--ts-col", c["ts"], "--amount-col", c["amount"], "--event-col", c["event"],
            "--label-col", c["label"], "--ts-format", row.ts_format,
            "--scores-out", str(peer_scores)]
    peer_s, peer_mib, _ = measured(peer)

    def vigil(detector, scores, model):
        train_s, train_mib, said = measured([VIGIL, "train", str(row.log), *row.map,
                                             "--detector", detector, "--until", row.at,
                                             "--label-delay", f"{DELAY_DAYS}d", "--out",
                                             str(model)])
        score_s, score_mib, _ = measured([VIGIL, "score", str(row.log), *row.map, "--model",
                                          str(model), "--level", "event", "--from", row.at,
                                          "--until", until, "--out", str(scores)])
        return train_s + score_s, max(train_mib, score_mib), said

    vigil_s, vigil_mib, said = vigil(args.detector, vigil_scores, model)
    found = re.search(r"chosen for events:.*validation AP ([0-9.]+)", said)
    test = test_frame(row)
    also = {}
    for detector in filter(None, args.also.split(",")):
        try:
            secs, _, _ = vigil(detector, WORK / f"{tag}_{detector}.csv",
                               WORK / f"{tag}_{detector}_model")
            also[detector] = {**grade(test, WORK / f"{tag}_{detector}.csv"), "s": secs}
        except subprocess.CalledProcessError as e:
            also[detector] = {"error": (e.stderr or "").strip().splitlines()[-1:]}
    return {
        "row": row.name,
        "events": len(test),
        "fraud": int(test["fraud"].sum()),
        "peer": grade(test, peer_scores),
        "vigil": grade(test, vigil_scores),
        "also": also,
        "val": float(found.group(1)) if found else float("nan"),
        "peer_s": peer_s, "vigil_s": vigil_s,
        "peer_mib": peer_mib, "vigil_mib": vigil_mib,
    }


def main():
    results = []
    for row in rows():
        print(f"running {row.name} ...", file=sys.stderr, flush=True)
        results.append(run(row))
    k = args.top_k
    head = (f"{'row':<22} {'test ev':>8} {'fraud':>6} | {'AP':>13} | {f'top{k}/day':>13} | "
            f"{'AP new':>13} | {'val':>5} | {'AP entity':>13} | {'s':>13} {'speed':>6} | {'MiB':>11}")
    print(head)
    print(f"{'':<22} {'':>8} {'':>6} | {'vigil  peer':>13} | {'vigil  peer':>13} | "
          f"{'vigil  peer':>13} | {'vigil':>5} | {'vigil  peer':>13} | {'vigil  peer':>13} {'':>6} | {'vigil peer':>11}")
    for r in results:
        v, p = r["vigil"], r["peer"]
        print(f"{r['row']:<22} {r['events']:>8} {r['fraud']:>6} | {v['ap']:>6.3f} {p['ap']:>6.3f} | "
              f"{v['top']:>6.3f} {p['top']:>6.3f} | {v['ap_new']:>6.3f} {p['ap_new']:>6.3f} | "
              f"{r['val']:>5.3f} | {v['ap_entity']:>6.3f} {p['ap_entity']:>6.3f} | "
              f"{r['vigil_s']:>6.1f} {r['peer_s']:>6.1f} "
              f"{r['peer_s'] / r['vigil_s']:>5.1f}x | {r['vigil_mib']:>5.0f} {r['peer_mib']:>5.0f}")
    worst = min(results, key=lambda r: r["vigil"]["ap"] - r["peer"]["ap"])
    ahead = sum(r["vigil"]["ap"] > r["peer"]["ap"] and r["vigil"]["top"] >= r["peer"]["top"]
                for r in results)
    print(f"vigil ahead on AP and top{k}/day on {ahead} of {len(results)} rows; worst row: "
          f"{worst['row']} (AP {worst['vigil']['ap']:.3f} against {worst['peer']['ap']:.3f}); "
          f"slowest against the peer: "
          f"{min(results, key=lambda r: r['peer_s'] / r['vigil_s'])['row']}")
    print_also(results)


def print_also(results):
    """The --also detectors beside the first, row by row: AP, top-K a day, AP new, seconds."""
    if not args.also:
        return
    k = args.top_k
    print(f"\n{'row':<22} {'detector':<12} {'AP':>6} {f'top{k}/day':>9} {'AP new':>7} {'s':>7}")
    for r in results:
        v = r["vigil"]
        print(f"{r['row']:<22} {args.detector:<12} {v['ap']:>6.3f} {v['top']:>9.3f} "
              f"{v['ap_new']:>7.3f} {r['vigil_s']:>7.1f}")
        for detector, a in r["also"].items():
            if "error" in a:
                print(f"{'':<22} {detector:<12} cannot: {' '.join(a['error'])}")
            else:
                print(f"{'':<22} {detector:<12} {a['ap']:>6.3f} {a['top']:>9.3f} "
                      f"{a['ap_new']:>7.3f} {a['s']:>7.1f}")


if __name__ == "__main__":
    main()
