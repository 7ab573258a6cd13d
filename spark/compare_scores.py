"""Compares the Spark job's output with `vigil score`'s on one machine: every event and account
the same, scores within a tolerance, reasons identical. Prints one line; exits 1 on a difference.

    python spark/compare_scores.py OUT EVENTS.csv ACCOUNTS.csv [--tolerance 1e-6]
"""

import argparse
import csv
import sys

import pyarrow.parquet as pq


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("events")
    p.add_argument("accounts")
    p.add_argument("--tolerance", type=float, default=1e-6)
    a = p.parse_args(argv)
    problems = []

    def compare(what, spark_rows, local_rows):
        if set(spark_rows) != set(local_rows):
            only_spark = sorted(set(spark_rows) - set(local_rows))[:5]
            only_local = sorted(set(local_rows) - set(spark_rows))[:5]
            problems.append(f"{what}: {len(spark_rows)} on Spark, {len(local_rows)} alone; "
                            f"only on Spark {only_spark}, only alone {only_local}")
            return 0.0
        worst = 0.0
        for key, (score, *rest) in local_rows.items():
            s_score, *s_rest = spark_rows[key]
            worst = max(worst, abs(s_score - score))
            differs = abs(s_score - score) > a.tolerance or s_rest != rest
            if differs and len(problems) < 10:
                problems.append(f"{what} {key}: Spark {spark_rows[key]}, alone {local_rows[key]}")
        return worst

    ev = pq.read_table(f"{a.out}/events").to_pylist()
    spark_events = {r["row"]: (r["score"], r["reasons"] or "") for r in ev}
    with open(a.events, encoding="utf-8") as f:
        local_events = {int(r["row"]): (float(r["score"]), r["reasons"]) for r in csv.DictReader(f)}
    ac = pq.read_table(f"{a.out}/accounts").to_pylist()
    spark_accounts = {r["user"]: (r["score"], r["risk"], r["reasons"] or "") for r in ac}
    with open(a.accounts, encoding="utf-8") as f:
        local_accounts = {r["user"]: (float(r["score"]), r["risk"], r["reasons"])
                          for r in csv.DictReader(f)}
    worst_e = compare("event", spark_events, local_events)
    worst_a = compare("account", spark_accounts, local_accounts)
    print(f"{len(spark_events)} events, {len(spark_accounts)} accounts; largest difference "
          f"{max(worst_e, worst_a):.2e}; {len(problems)} problems")
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
