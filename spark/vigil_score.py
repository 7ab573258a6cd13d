"""Scores a behaviour log on Apache Spark with vigil's own code on every partition.

    spark-submit spark/vigil_score.py --model DIR --log PATH [--map M] [--labels L.csv]
        [--label-delay 7d] [--from T] [--until T] --out DIR [--vigil PATH] [--partitions N]
        [--lang en|zh-CN]
    spark-submit spark/vigil_score.py --train-out DIR --log PATH --until T [--map M]
        [--labels L.csv] [--label-delay 7d] [--sample-events N] [--seed S] ...

Spark reads the log (CSV with a header, or Parquet; any path Spark reads) and does the shuffles;
`vigil worker` computes everything on each partition, so features, scores and reasons are those
`vigil score` gives on one machine. Every stage hands a worker whole groups:

1. by user, the whole log: what is known of each user's label, the events per type, and the
   rows the reading turned away (reported, as `vigil inspect` does; the job goes on);
2. by each entity's value, the whole log: the most other users each account met on one value;
3. by each feature family's key (user, entity value) or, for the event type's family and an
   entity's busy values (more than `--busy-value` rows read), by block of time (`--block`;
   each holds its events, the history they read and the labelled events undecided in it, with
   the others' counts summed over the log first): that family's event features of the
   window's events (of every event, for a sequence model: its accounts score as their riskiest
   event). No part holds a whole event type, which is most of a log, nor a busy value's look-back;
4. by user, the whole log with the window's features: the event and account scores.

The output is `OUT/events` (Parquet, `row,user,ts,score,reasons`, partitioned by `day`),
`OUT/accounts` (Parquet, `user,score,risk,reasons`: the accounts active in the window), and
`OUT/queue.csv`: the flagged accounts' events in the window, in the log's own columns, which
`vigil` opens in the window like any other log. `row` is the event's 0-based data row in the log.

With `--train-out DIR` instead of `--model`, the job featurises the log as `vigil train --until
T` reads it (the events before T, the labels known then) and collects a training set into DIR
on the driver: every labelled fraud event and a weighted sample of the rest (about
`--sample-events` in all, each kept by a key of its row, so the parts draw what one machine
would), every account's features, and what is known of its label. `vigil train DIR` learns from
it the model `vigil train LOG --until T` would. Stage 1 reads each user's history before T,
stages 2 and 3 the rows before T, and stage 4 gives the sample and the accounts.

Before any partition runs, the driver runs every stage on the log's first rows: a log that does
not match the model (missing columns, another mapping) fails there with vigil's own message.
"""

import argparse
import csv
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

ROW = "__vigil_row"
KIND = "__vigil_kind"
BLOCK = "__vigil_block"
# A group's counts in a block of time, per risk window (`vigil worker blocks`).
BLOCK_COUNTS = ["known_1d", "known_7d", "known_30d", "fraud_1d", "fraud_7d", "fraud_30d"]
# The earliest and the latest time of the month window's fraud among them (empty without any):
# combined by min and max where the counts are summed.
BLOCK_SPAN = {"fraud_first_ms": F.min, "fraud_last_ms": F.max}
# Feature columns travel beside the log's own (a log may have an `amount` column and vigil an
# `amount` feature): named apart until they reach the worker.
FEATURE = "__vigil_f:"
HEAD_ROWS = 20_000
# What is known of each row's user (the `users` stage), joined to the rows.
KNOWN = ["__vigil_label", "__vigil_known_at", "__vigil_clear_at"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    task = p.add_mutually_exclusive_group(required=True)
    task.add_argument("--model", help="a model directory written by `vigil train`")
    task.add_argument("--train-out", help="collect a training set here (on the driver) instead "
                      "of scoring: `vigil train DIR` learns from it; needs --until")
    p.add_argument("--log", required=True, help="the log: CSV with a header, or Parquet")
    p.add_argument("--map", help="a TOML mapping file naming which column plays which role")
    p.add_argument("--labels", help="labels CSV `user,label[,ts]`")
    p.add_argument("--label-delay", default="7d")
    p.add_argument("--from", dest="from_", help="score events from this time on")
    p.add_argument("--until", help="score events before this time")
    p.add_argument("--out", help="where the scores go (with --model)")
    p.add_argument("--vigil", default=shutil.which("vigil") or "vigil",
                   help="the vigil binary (shipped to the executors)")
    p.add_argument("--partitions", type=int, default=0,
                   help="partitions per shuffle (default: Spark's default parallelism)")
    p.add_argument("--lang", default="en")
    p.add_argument("--block", default="1d",
                   help="the length of the blocks of time of the event type's family and of "
                        "busy entity values (e.g. 1d, 6h)")
    p.add_argument("--busy-value", type=int, default=50_000,
                   help="an entity value with more rows read than this goes by block of time")
    p.add_argument("--features-out",
                   help="also write the window's event features here (Parquet, by `row`)")
    p.add_argument("--sample-events", type=int, default=100_000,
                   help="with --train-out: about how many events the sample holds")
    p.add_argument("--seed", type=int, default=7, help="with --train-out: the sample's seed")
    args = p.parse_args(argv)
    if args.model and not args.out:
        p.error("--model needs --out")
    if args.train_out and (not args.until or args.from_):
        p.error("--train-out needs --until (the cut-off) and takes no --from")
    return args


class Worker:
    """Runs `vigil worker` stages on a partition's rows; built on the driver, run anywhere."""

    def __init__(self, args, columns, user_col, mapping_name, sequences):
        self.vigil_name = os.path.basename(args.vigil)
        self.mapping_name = mapping_name
        self.model_name = args.model and os.path.basename(os.path.normpath(args.model))
        # A training set's stages read each user as of the cut-off (`vigil train --until`), and
        # every label as it was known then.
        self.training = bool(args.train_out)
        self.known_before = ["--known-before", args.until] if args.train_out else []
        self.columns = columns
        self.user = user_col
        self.label_delay = args.label_delay
        self.window = []
        if args.from_:
            self.window += ["--from", args.from_]
        if args.until:
            self.window += ["--until", args.until]
        # The events that get features: the window's; every event for a sequence model, whose
        # account scores as its riskiest event (as `vigil score --level user` reads it).
        self.featured = [] if sequences else self.window
        self.lang = args.lang
        self.sample_events, self.seed = args.sample_events, args.seed

    def vigil(self):
        path = SparkFiles.get(self.vigil_name)
        mode = os.stat(path).st_mode
        if not mode & stat.S_IXUSR:
            os.chmod(path, mode | stat.S_IXUSR)
        return path

    def run(self, *args):
        started = time.time()
        done = subprocess.run([self.vigil(), "worker", *args], check=False, capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise RuntimeError(f"vigil worker {args[0]}: {done.stderr.strip()}")
        # Each call's time and peak memory (the worker says it), for projecting a cluster's
        # (benches/spark_compare.sh); a family stage by its family.
        times = os.environ.get("VIGIL_SPARK_TIMES")
        if times:
            stage = args[0]
            if "--family" in args:
                stage += ":" + args[args.index("--family") + 1]
            peak = next((line.split()[1] for line in done.stdout.splitlines()
                         if line.startswith("peak_kib ")), "0")
            with open(times, "a", encoding="utf-8") as f:
                f.write(f"{stage} {time.time() - started:.3f} {peak}\n")

    def write_part(self, table, folder):
        """The partition's log rows as a CSV the resolved mapping reads, in the log's order (so
        events at one time keep it); their global rows."""
        table = table.sort_by(ROW)
        rows = table.column(ROW).to_pylist()
        path = os.path.join(folder, "part.csv")
        pacsv.write_csv(table.select(self.columns), path)
        return path, rows

    def part_args(self, path):
        return [path, "--map", SparkFiles.get(self.mapping_name),
                "--label-delay", self.label_delay, *self.known_before]

    def users_file(self, table, folder):
        """What is known of the partition's users, from the columns the job joined to them."""
        users = {}
        for user, *known in zip(*(table.column(c).to_pylist() for c in [self.user] + KNOWN)):
            if user is not None and known[0] is not None:
                users[user] = known
        path = os.path.join(folder, "users.csv")
        write_csv(path, ["user", "label", "known_at_ms", "clear_at_ms"],
                  ([u, *k] for u, k in users.items()))
        return path


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def on_parts(stage):
    """A mapInArrow function from `stage(table, folder)`, which runs vigil on one partition's
    rows (all its batches, in a scratch folder) and returns the output columns."""
    def run(batches):
        tables = [pa.Table.from_batches([b]) for b in batches]
        if not tables or sum(t.num_rows for t in tables) == 0:
            return
        with tempfile.TemporaryDirectory() as folder:
            outputs = stage(pa.concat_tables(tables), folder)
        for columns in outputs:
            yield from pa.Table.from_pydict(columns).to_batches()
    return run


def read_csv(path, types):
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=False))


def of_kind(schema, kind, n, **columns):
    """`n` output rows of `kind` in a stage's schema: `columns` given, the others null."""
    out = {}
    for f in schema.fields:
        if f.name == "kind":
            out["kind"] = [kind] * n
        elif f.name in columns:
            out[f.name] = columns[f.name]
        else:
            out[f.name] = pa.nulls(n, arrow_type(f.dataType))
    return out


def arrow_type(spark_type):
    return {"string": pa.string(), "long": pa.int64(), "integer": pa.int32(),
            "float": pa.float32(), "double": pa.float64()}[spark_type.typeName()]


USERS_SCHEMA = T.StructType([
    T.StructField("kind", T.StringType()), T.StructField("user", T.StringType()),
    T.StructField("label", T.StringType()), T.StructField("known_at", T.LongType()),
    T.StructField("clear_at", T.LongType()), T.StructField("event", T.StringType()),
    T.StructField("events", T.LongType()), T.StructField("text", T.StringType()),
    T.StructField("positive", T.LongType()), T.StructField("other", T.LongType())])


def users_stage(worker, labels_name):
    @on_parts
    def run(table, d):
        part, rows = worker.write_part(table, d)
        users, types, rejects, needed, pairs, targets = (
            os.path.join(d, n) for n in
            ("users.csv", "types.csv", "rejects.json", "rows.csv", "pairs.csv", "targets.csv"))
        args = ["users", *worker.part_args(part), "--users-out", users, "--types-out", types,
                "--rejects-out", rejects, *worker.featured, "--rows-out", needed,
                "--pairs-out", pairs]
        if worker.training:
            args += ["--as-of-until", "--targets-out", targets]
        if labels_name:
            args += ["--labels", SparkFiles.get(labels_name)]
        worker.run(*args)
        u = read_csv(users, {"user": pa.string(), "label": pa.string(),
                             "known_at_ms": pa.int64(), "clear_at_ms": pa.int64()})
        t = read_csv(types, {"event": pa.string(), "events": pa.int64()})
        read = [rows[r] for r in read_csv(needed, {"row": pa.int64()})["row"].to_pylist()]
        p = read_csv(pairs, {"entity": pa.string(), "row": pa.int64()})
        firsts = [rows[r] for r in p["row"].to_pylist()]
        with open(rejects, encoding="utf-8") as f:
            said = [f"{r['reason']}: {r['count']} rows, e.g. "
                    + ", ".join(f"row {rows[i]} ({v})" for i, v in zip(r["rows"], r["values"]))
                    for r in json.load(f)]
        counted = []
        if worker.training:
            c = read_csv(targets, {"positive": pa.int64(), "other": pa.int64()})
            counted = [of_kind(USERS_SCHEMA, "targets", c.num_rows, positive=c["positive"],
                               other=c["other"])]
        return counted + [
            of_kind(USERS_SCHEMA, "user", u.num_rows, user=u["user"], label=u["label"],
                    known_at=u["known_at_ms"], clear_at=u["clear_at_ms"]),
            of_kind(USERS_SCHEMA, "type", t.num_rows, event=t["event"], events=t["events"]),
            of_kind(USERS_SCHEMA, "row", len(read), events=pa.array(read, pa.int64())),
            of_kind(USERS_SCHEMA, "pair", len(firsts), event=p["entity"],
                    events=pa.array(firsts, pa.int64())),
            of_kind(USERS_SCHEMA, "reject", len(said), text=said),
        ]
    return run


SHARING_SCHEMA = T.StructType([T.StructField("user", T.StringType()),
                               T.StructField("others", T.FloatType())])


def sharing_stage(worker, entity):
    @on_parts
    def run(table, d):
        part, _ = worker.write_part(table, d)
        out = os.path.join(d, "sharing.csv")
        worker.run("sharing", *worker.part_args(part), "--entity", entity, "--out", out)
        s = read_csv(out, {"user": pa.string(), "entity": pa.string(), "others": pa.float32()})
        return [{"user": s["user"], "others": s["others"]}]
    return run


def feature_schema(names):
    """A family stage's output: the event's row and place among its row's events, then the
    family's columns."""
    return T.StructType(
        [T.StructField("row", T.LongType()), T.StructField("place", T.IntegerType())]
        + [T.StructField(FEATURE + c, T.FloatType()) for c in names])


def family_features(worker, family, schema, table, d, extra=()):
    """One family's columns of a part's events (`vigil worker features`), by the log's rows."""
    part, rows = worker.write_part(table, d)
    users = worker.users_file(table, d)
    out = os.path.join(d, "features.parquet")
    worker.run("features", *worker.part_args(part), "--users", users, "--family", family,
               *worker.featured, *extra, "--out", out)
    f = pq.read_table(out)
    # The part's rows back to the log's.
    columns = {"row": pa.array([rows[int(r)] for r in f["row"].to_pylist()], pa.int64())}
    for field in schema.fields[1:]:
        name = field.name
        source = f[name[len(FEATURE):]] if name.startswith(FEATURE) else f[name]
        columns[name] = source.cast(arrow_type(field.dataType))
    return columns


def features_stage(worker, family, schema):
    return on_parts(lambda table, d: [family_features(worker, family, schema, table, d)])


BLOCKS_SCHEMA = T.StructType(
    [T.StructField("kind", T.StringType()), T.StructField("row", T.LongType()),
     T.StructField("block", T.LongType()), T.StructField("value", T.StringType()),
     T.StructField("event", T.StringType())]
    + [T.StructField(c, T.LongType()) for c in [*BLOCK_COUNTS, *BLOCK_SPAN]])


def blocks_stage(worker, family, block_length):
    @on_parts
    def run(table, d):
        part, rows = worker.write_part(table, d)
        users = worker.users_file(table, d)
        out_rows, out_counts = os.path.join(d, "rows.csv"), os.path.join(d, "counts.csv")
        worker.run("blocks", *worker.part_args(part), "--users", users, "--family", family,
                   *worker.featured, "--block", block_length, "--rows-out", out_rows,
                   "--counts-out", out_counts)
        r = read_csv(out_rows, {"row": pa.int64(), "block": pa.int64()})
        c = read_csv(out_counts, {"value": pa.string(), "event": pa.string(), "block": pa.int64(),
                                  **{n: pa.int64() for n in [*BLOCK_COUNTS, *BLOCK_SPAN]}})
        return [
            of_kind(BLOCKS_SCHEMA, "row", r.num_rows,
                    row=pa.array([rows[i] for i in r["row"].to_pylist()], pa.int64()),
                    block=r["block"]),
            of_kind(BLOCKS_SCHEMA, "count", c.num_rows, value=c["value"], event=c["event"],
                    block=c["block"], **{n: c[n] for n in [*BLOCK_COUNTS, *BLOCK_SPAN]}),
        ]
    return run


def block_features_stage(worker, family, schema, block_length, counts_name):
    """A family on parts of whole blocks of time: the worker runs once per block the
    partition holds."""
    @on_parts
    def run(table, d):
        blocks = table.column(BLOCK).to_pylist()
        out = []
        for b in sorted(set(blocks)):
            one = table.filter(pa.array([x == b for x in blocks]))
            folder = os.path.join(d, str(b))
            os.mkdir(folder)
            extra = ["--block", str(b), "--block-length", block_length,
                     "--counts", SparkFiles.get(counts_name)]
            out.append(family_features(worker, family, schema, one, folder, extra))
        return out
    return run


def in_blocks(worker, rows, family, block_length, by, work, name):
    """`rows` of `family` by block of time: each row's blocks and the blocks' counts (parts by
    `by`: whole (value, user) pairs for an entity), the counts summed and shipped as `name`;
    the rows with their blocks."""
    blocked = (rows.repartition(*by)
               .mapInArrow(blocks_stage(worker, family, block_length), BLOCKS_SCHEMA).cache())
    counts = (blocked.filter(F.col("kind") == "count").groupBy("value", "event", "block")
              .agg(*[F.sum(c).alias(c) for c in BLOCK_COUNTS],
                   *[combine(c).alias(c) for c, combine in BLOCK_SPAN.items()]).collect())
    path = os.path.join(work, name)
    columns = [*BLOCK_COUNTS, *BLOCK_SPAN]
    write_csv(path, ["value", "event", "block", *columns],
              ([r.value, r.event, r.block, *(r[c] for c in columns)] for r in counts))
    rows.sparkSession.sparkContext.addFile(path)
    return rows.join(blocked.filter(F.col("kind") == "row").select(
        F.col("row").alias(ROW), F.col("block").alias(BLOCK)), ROW)


def part_and_features(worker, table, d, feature_columns, by_log_rows=False):
    """A by-user partition of log rows and feature rows (`KIND`): the log's rows as a part, what
    is known of its users, and the features as Parquet keyed by the part's rows (or, with
    `by_log_rows`, by the log's, which the part then carries: `--rows`). Returns the worker's
    part arguments, the part's rows in the log, and the two files."""
    kinds = table.column(KIND).to_pylist()
    log = table.filter(pa.array([k == "log" for k in kinds]))
    feats = table.filter(pa.array([k == "features" for k in kinds]))
    part, rows = worker.write_part(log, d)
    users = worker.users_file(log, d)
    f = feats.select(["row", "place"] + feature_columns)
    f = f.rename_columns(["row", "place"] + [c[len(FEATURE):] for c in feature_columns])
    args = worker.part_args(part)
    if by_log_rows:
        rows_csv = os.path.join(d, "rows.csv")
        write_csv(rows_csv, ["row"], ([r] for r in rows))
        args += ["--rows", rows_csv]
        keyed = f["row"].cast(pa.float64())
    else:
        local = {r: i for i, r in enumerate(rows)}
        keyed = pa.array([local[r] for r in f["row"].to_pylist()], pa.float64())
    fpath = os.path.join(d, "features.parquet")
    pq.write_table(f.set_column(0, "row", keyed), fpath)
    return args, rows, users, fpath


def score_stage(worker, feature_columns, types_name):
    @on_parts
    def run(table, d):
        part, rows, users, fpath = part_and_features(worker, table, d, feature_columns)
        events, accounts = os.path.join(d, "events.csv"), os.path.join(d, "accounts.csv")
        worker.run("score", *part, "--users", users,
                   "--model", SparkFiles.get(worker.model_name), "--features", fpath,
                   "--type-counts", SparkFiles.get(types_name), *worker.window,
                   "--lang", worker.lang, "--events-out", events, "--accounts-out", accounts)
        ev = read_csv(events, {"user": pa.string(), "ts": pa.string(), "reasons": pa.string(),
                               "score": pa.float64(), "row": pa.int64()})
        ac = read_csv(accounts, {"user": pa.string(), "risk": pa.string(),
                                 "reasons": pa.string(), "score": pa.float64()})
        return [
            of_kind(SCORE_SCHEMA, "event", ev.num_rows,
                    row=pa.array([rows[r] for r in ev["row"].to_pylist()], pa.int64()),
                    user=ev["user"], ts=ev["ts"], score=ev["score"], reasons=ev["reasons"]),
            of_kind(SCORE_SCHEMA, "account", ac.num_rows, user=ac["user"], score=ac["score"],
                    risk=ac["risk"], reasons=ac["reasons"]),
        ]
    return run


def collect_schema(account_columns):
    """The `collect` stage's output: sampled events (`row`, `place`), and accounts (`user`,
    `first_row`, their features)."""
    return T.StructType(
        [T.StructField("kind", T.StringType()), T.StructField("row", T.LongType()),
         T.StructField("place", T.IntegerType()), T.StructField("user", T.StringType()),
         T.StructField("first_row", T.DoubleType())]
        + [T.StructField(FEATURE + c, T.FloatType()) for c in account_columns])


def collect_stage(worker, feature_columns, schema):
    @on_parts
    def run(table, d):
        part, _, users, fpath = part_and_features(worker, table, d, feature_columns, True)
        events, accounts = os.path.join(d, "sampled.csv"), os.path.join(d, "accounts.parquet")
        worker.run("collect", *part, "--users", users, "--features", fpath,
                   "--type-counts", SparkFiles.get("types.csv"), *worker.window,
                   "--targets", SparkFiles.get("targets.csv"),
                   "--sample-events", str(worker.sample_events), "--seed", str(worker.seed),
                   "--events-out", events, "--accounts-out", accounts)
        ev = read_csv(events, {"row": pa.int64(), "place": pa.int32()})
        ac = pq.read_table(accounts)
        features = {f.name: ac[f.name[len(FEATURE):]].cast(pa.float32())
                    for f in schema.fields if f.name.startswith(FEATURE)}
        return [
            of_kind(schema, "event", ev.num_rows, row=ev["row"], place=ev["place"]),
            of_kind(schema, "account", ac.num_rows, user=ac["user"].cast(pa.string()),
                    first_row=ac["first_row"].cast(pa.float64()), **features),
        ]
    return run


SCORE_SCHEMA = T.StructType([
    T.StructField("kind", T.StringType()), T.StructField("row", T.LongType()),
    T.StructField("user", T.StringType()), T.StructField("ts", T.StringType()),
    T.StructField("score", T.DoubleType()), T.StructField("risk", T.StringType()),
    T.StructField("reasons", T.StringType())])


def read_log(spark, path):
    if path.endswith(".parquet") or os.path.isdir(path):
        df = spark.read.parquet(path)
        df = df.select([F.col(c).cast("string").alias(c) for c in df.columns])
    else:
        df = (spark.read.option("header", True).option("inferSchema", False)
              .option("escape", '"').option("multiLine", False).csv(path))
    columns = df.columns
    # The data row of each line: Spark keeps a file's lines in order across its splits, and
    # numbers them by split and place in it; a split's first row is the rows of the splits
    # before it. All in the JVM: no line passes through Python.
    ids = df.withColumn("__id", F.monotonically_increasing_id())
    split, place = F.shiftright("__id", 33), F.col("__id").bitwiseAND((1 << 33) - 1)
    sizes = sorted(ids.groupBy(split.alias("s")).count().collect())
    first, offsets = 0, []
    for r in sizes:
        offsets += [F.lit(r["s"]), F.lit(first)]
        first += r["count"]
    start = F.create_map(*offsets)[split] if offsets else F.lit(0)
    return ids.withColumn(ROW, (start + place).cast("long")).drop("__id"), columns


def run_locally(worker_args, cwd):
    done = subprocess.run(worker_args, check=False, capture_output=True, text=True, cwd=cwd)
    if done.returncode != 0:
        sys.exit(f"vigil_score: {done.stderr.strip()}")


def main(argv):
    args = parse_args(argv)
    for name in ("model", "map", "labels", "vigil"):
        if getattr(args, name) and os.path.exists(getattr(args, name)):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    spark = (SparkSession.builder.appName("vigil score")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    n = args.partitions or sc.defaultParallelism
    log, columns = read_log(spark, args.log)
    work = tempfile.mkdtemp(prefix="vigil-spark-")

    # The mapping every part reads with, resolved on the first rows.
    head = log.orderBy(ROW).limit(HEAD_ROWS).select(columns).toPandas()
    head_csv = os.path.join(work, "head.csv")
    pacsv.write_csv(pa.Table.from_pandas(head, preserve_index=False), head_csv)
    resolved, named = os.path.join(work, "resolved.toml"), os.path.join(work, "entities.csv")
    plan = [args.vigil, "worker", "plan", head_csv, "--out", resolved, "--entities-out", named]
    if args.map:
        plan += ["--map", args.map]
    run_locally(plan, work)
    with open(resolved, "rb") as f:
        mapping = tomllib.load(f)
    user_col, event_col = mapping.get("user"), mapping.get("event")
    # Each entity's name in vigil (its family, its sharing column) and its column in the log.
    with open(named, encoding="utf-8", newline="") as f:
        entities = {r["entity"]: r["column"] for r in csv.DictReader(f)}
    for f in (args.vigil, resolved, args.labels):
        if f:
            sc.addFile(f)
    sequences = False
    if args.model:
        sc.addFile(os.path.abspath(args.model), recursive=True)
        with open(os.path.join(args.model, "meta.json"), encoding="utf-8") as f:
            sequences = json.load(f).get("detector") in ("gru", "cnn_gru")
    worker = Worker(args, columns, user_col, os.path.basename(resolved), sequences)

    # The whole pipeline on the head first: a model that does not fit the log stops here.
    families = ["user", "event_type"] + [f"entity:{e}" for e in entities]
    schemas = preflight(args, worker, head_csv, resolved, families, work)

    # 1. By user: labels known, type counts, rejected rows.
    users_out = log.repartition(n, user_col).mapInArrow(
        users_stage(worker, args.labels and os.path.basename(args.labels)), USERS_SCHEMA).cache()
    for r in users_out.filter(F.col("kind") == "reject").collect():
        print(f"vigil_score: {args.log}: {r.text}", file=sys.stderr)
    types = (users_out.filter(F.col("kind") == "type").groupBy("event")
             .agg(F.sum("events").alias("events")).collect())
    types_csv = os.path.join(work, "types.csv")
    write_csv(types_csv, ["event", "events"], ([r.event, r.events] for r in types))
    sc.addFile(types_csv)
    if args.train_out:
        # The whole log's events by training target: the sample every part draws by.
        counted = (users_out.filter(F.col("kind") == "targets")
                   .agg(F.sum("positive").alias("positive"), F.sum("other").alias("other"))
                   .collect()[0])
        targets = [int(counted.positive or 0), int(counted.other or 0)]
        write_csv(os.path.join(work, "targets.csv"), ["positive", "other"], [targets])
        sc.addFile(os.path.join(work, "targets.csv"))
        schemas["collect"] = collect_preflight(args, worker, head_csv, resolved, work)
    known = users_out.filter(F.col("kind") == "user").select(
        F.col("user").alias(user_col), F.col("label").alias(KNOWN[0]),
        F.col("known_at").alias(KNOWN[1]), F.col("clear_at").alias(KNOWN[2]))
    log_known = log.join(known, on=user_col, how="left")
    # The family stages read only the window and its look-back.
    read = users_out.filter(F.col("kind") == "row").select(F.col("events").alias(ROW))
    log_read = log_known.join(read, ROW, "left_semi")

    # 2. By entity value: sharing, the most per account over the parts. A value's part holds
    # one row of each of its users (the `users` stage picked them), not its events.
    pairs = users_out.filter(F.col("kind") == "pair")
    sharing = {}
    for e, column in entities.items():
        firsts = pairs.filter(F.col("event") == e).select(F.col("events").alias(ROW))
        sharing[e] = (log.join(firsts, ROW, "left_semi").repartition(n, column)
                      .mapInArrow(sharing_stage(worker, e), SHARING_SCHEMA)
                      .groupBy("user").agg(F.max("others").alias(f"{FEATURE}shared:{e}")))

    # 3. By each family's key: the window's event features. The event type's family, and an
    # entity's busy values, go by block of time: first each row's blocks and the blocks'
    # counts, summed. A row goes to a few blocks (a labelled one where it is undecided, a
    # value's use to those of the day and the week after it): with the event type read from
    # one column, those parts get only the columns the family reads (`narrow_rows`).
    plain_type = event_col if event_col and not mapping.get("extra_events") else None
    features = None
    for i, fam in enumerate(families):
        name = fam.split(":", 1)[1] if fam.startswith("entity:") else None
        entity = entities.get(name)  # the entity's column
        # What the family's block parts read (the user's family has none).
        narrow = narrow_rows(log_read, columns, mapping, entity) if plain_type else log_read
        counts_name = f"counts_{i}.csv"
        if fam == "user":
            pieces = [log_read.repartition(n, user_col)
                      .mapInArrow(features_stage(worker, fam, schemas[fam]), schemas[fam])]
        elif fam == "event_type":
            rows = in_blocks(worker, narrow, fam, args.block, [n], work, counts_name)
            pieces = [rows.repartition(n, BLOCK, *([plain_type] if plain_type else []))
                      .mapInArrow(block_features_stage(worker, fam, schemas[fam], args.block,
                                                       counts_name), schemas[fam])]
        else:
            present = log_read.filter(F.col(entity).isNotNull())
            busy = [r[entity] for r in present.groupBy(entity).count()
                    .filter(F.col("count") > args.busy_value).collect()]
            busy_rows = F.col(entity).isin(busy)
            pieces = [present.filter(~busy_rows).repartition(n, entity)
                      .mapInArrow(features_stage(worker, fam, schemas[fam]), schemas[fam])]
            if busy:
                print(f"vigil_score: {name}: {len(busy)} busy values go by block of time",
                      file=sys.stderr)
                rows = in_blocks(worker, narrow.filter(busy_rows), fam, args.block,
                                 [n, entity, user_col], work, counts_name)
                pieces.append(rows.repartition(n, BLOCK, entity).mapInArrow(
                    block_features_stage(worker, fam, schemas[fam], args.block, counts_name),
                    schemas[fam]))
        out = pieces[0]
        for piece in pieces[1:]:
            out = out.unionByName(piece)
        features = out if features is None else features.join(out, ["row", "place"], "full")
    feature_columns = [c for c in features.columns if c not in ("row", "place")]
    if args.features_out:
        features.select("row", "place", *[F.col(f"`{c}`").alias(c[len(FEATURE):])
                                          for c in feature_columns]
                        ).write.mode("overwrite").parquet(args.features_out)
    users_of_rows = log.select(F.col(ROW).alias("row"), F.col(user_col).alias("__user"))
    features = features.join(users_of_rows, "row")
    for e, table in sharing.items():
        features = features.join(table.withColumnRenamed("user", "__user"), "__user", "left")
        feature_columns.append(f"{FEATURE}shared:{e}")

    # 4. By user: the log's rows and the window's features together: scored, or a training
    # set's sample and accounts.
    if args.train_out:
        both = with_features(log_read, features, feature_columns, user_col)
        collect_training_set(args, worker, both.repartition(n, user_col), schemas["collect"],
                             feature_columns, (log, columns, features, users_out),
                             (targets, work))
    else:
        both = with_features(log_known, features, feature_columns, user_col)
        score_window(args, worker, both.repartition(n, user_col), feature_columns, log,
                     columns)
    shutil.rmtree(work, ignore_errors=True)
    spark.stop()


def with_features(log_rows, features, feature_columns, user_col):
    """`log_rows` (`KIND` log) and `features` (`KIND` features, with each event's user) in one
    frame, so a repartition by user gives a worker both."""
    wide = log_rows.withColumn(KIND, F.lit("log"))
    for c in ["row", "place"] + feature_columns:
        wide = wide.withColumn(c, F.lit(None).cast(features.schema[c].dataType))
    feats = features.withColumn(KIND, F.lit("features"))
    for c, t in log_rows.dtypes:
        if c == user_col:
            continue
        feats = feats.withColumn(c, F.lit(None).cast(t))
    feats = feats.withColumn(user_col, F.col("__user")).drop("__user")
    return wide.unionByName(feats.select(wide.columns))


def score_window(args, worker, both, feature_columns, log, columns):
    """Scores the window by user and writes the events, the accounts and the queue slice."""
    scored = (both.mapInArrow(score_stage(worker, feature_columns, "types.csv"), SCORE_SCHEMA)
              .cache())
    events = (scored.filter(F.col("kind") == "event")
              .select("row", "user", "ts", "score", "reasons")
              .withColumn("day", F.substring("ts", 1, 10)))
    accounts = scored.filter(F.col("kind") == "account").select("user", "score", "risk", "reasons")
    events.write.mode("overwrite").partitionBy("day").parquet(os.path.join(args.out, "events"))
    accounts.write.mode("overwrite").parquet(os.path.join(args.out, "accounts"))

    # The queue slice: the flagged accounts' events of the window, in the log's own columns.
    flagged = (accounts.filter(F.col("risk").isin("suspicious", "high"))
               .select(F.col("user").alias("__flagged")))
    window_rows = events.join(flagged, events.user == flagged["__flagged"]).select(
        F.col("row").alias(ROW))
    queue = log.join(window_rows, ROW).orderBy(ROW).select(columns).toPandas()
    pacsv.write_csv(pa.Table.from_pandas(queue, preserve_index=False),
                    os.path.join(args.out, "queue.csv"))
    print(f"vigil_score: {events.count()} events and {accounts.count()} accounts scored; "
          f"{len(queue)} events of flagged accounts in {os.path.join(args.out, 'queue.csv')}")


def collect_training_set(args, worker, both, schema, feature_columns, read, drawn):
    """The sample and the accounts by user, collected on the driver into `args.train_out` as
    the training set `vigil train DIR` reads (`workbench::cluster::training_set`)."""
    log, columns, features, users_out = read
    (positive, other), work = drawn
    collected = both.mapInArrow(collect_stage(worker, feature_columns, schema), schema).cache()
    out = args.train_out
    os.makedirs(out, exist_ok=True)
    sampled = collected.filter(F.col("kind") == "event").select("row", "place")
    # The sampled events' rows in the log's own columns, in its order, and their rows in it.
    events = (log.join(sampled.select(F.col("row").alias(ROW)).distinct(), ROW, "left_semi")
              .orderBy(ROW).select(columns + [ROW]).toPandas())
    pacsv.write_csv(pa.Table.from_pandas(events[columns], preserve_index=False),
                    os.path.join(out, "events.csv"))
    write_csv(os.path.join(out, "rows.csv"), ["row"], ([int(r)] for r in events[ROW]))
    # Their event features (each account's sharing among them), by row and place.
    feats = (features.join(sampled, ["row", "place"], "left_semi")
             .select("row", "place", *[F.col(f"`{c}`").alias(c[len(FEATURE):])
                                       for c in feature_columns]))
    pq.write_table(feats.toArrow(), os.path.join(out, "features.parquet"))
    # Every account's features, in the order accounts first appear in the log.
    account_columns = [f.name for f in schema.fields if f.name.startswith(FEATURE)]
    accounts = (collected.filter(F.col("kind") == "account").orderBy("first_row")
                .select("user", "first_row",
                        *[F.col(f"`{c}`").alias(c[len(FEATURE):]) for c in account_columns]))
    pq.write_table(accounts.toArrow(), os.path.join(out, "accounts.parquet"))
    known = users_out.filter(F.col("kind") == "user").select(
        "user", F.col("label"), F.col("known_at").alias("known_at_ms"),
        F.col("clear_at").alias("clear_at_ms")).toPandas()
    pacsv.write_csv(pa.Table.from_pandas(known, preserve_index=False),
                    os.path.join(out, "users.csv"))
    shutil.copy(os.path.join(work, "types.csv"), os.path.join(out, "types.csv"))
    shutil.copy(os.path.join(work, "resolved.toml"), os.path.join(out, "mapping.toml"))
    meta = {"format": 1, "until": args.until, "label_delay": args.label_delay,
            "seed": args.seed,
            "sample": {"positive": positive, "other": other, "cap": args.sample_events}}
    with open(os.path.join(out, "training.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
    print(f"vigil_score: a training set of {len(events)} sampled rows "
          f"({positive} fraud events and {other} others before {args.until}) and "
          f"{accounts.count()} accounts in {out}")


def narrow_rows(rows, columns, mapping, entity):
    """`rows` with only the columns a risk family's block parts read (user, time, event type,
    label, and the entity's), the others empty: only user and time can turn a row away, so
    this changes nothing."""
    read = {mapping.get(r) for r in ("user", "time", "event", "label")} | {entity}
    return rows.select(*[F.col(c) if c in read else F.lit(None).cast("string").alias(c)
                         for c in columns], *KNOWN, ROW)


def preflight(args, worker, head_csv, resolved, families, work):
    """Runs every stage on the head: errors surface before the cluster works, and each
    family's output columns become its stage's schema."""
    base = [args.vigil, "worker"]
    part = [head_csv, "--map", resolved, "--label-delay", args.label_delay, *worker.known_before]
    users, types = os.path.join(work, "h_users.csv"), os.path.join(work, "h_types.csv")
    targets = os.path.join(work, "h_targets.csv")
    cmd = base + ["users", *part, "--users-out", users, "--types-out", types,
                  "--rejects-out", os.path.join(work, "h_rejects.json"),
                  "--rows-out", os.path.join(work, "h_rows.csv"),
                  "--pairs-out", os.path.join(work, "h_pairs.csv")]
    if args.train_out:
        cmd += [*worker.window, "--as-of-until", "--targets-out", targets]
    if args.labels:
        cmd += ["--labels", args.labels]
    run_locally(cmd, work)
    schemas, parts = {}, []
    for fam in families:
        out = os.path.join(work, f"h_{fam.replace(':', '_')}.parquet")
        # No window when scoring: the head's events all get features. A training set's collect
        # stage reads the events before its cut-off, so only those get them. The columns are
        # the family's either way.
        window = worker.window if args.train_out else []
        run_locally(base + ["features", *part, "--users", users, "--family", fam, *window,
                            "--out", out], work)
        table = pq.read_table(out)
        parts.append(table)
        schemas[fam] = feature_schema(table.column_names[2:])
    joined = parts[0]
    for t in parts[1:]:
        joined = joined.join(t, ["row", "place"], join_type="full outer")
    fpath = os.path.join(work, "h_features.parquet")
    pq.write_table(joined, fpath)
    if not args.train_out:
        run_locally(base + ["score", *part, "--users", users, "--model", args.model,
                            "--features", fpath, "--type-counts", types,
                            "--events-out", os.path.join(work, "h_events.csv"),
                            "--accounts-out", os.path.join(work, "h_accounts.csv")], work)
    return schemas


def collect_preflight(args, worker, head_csv, resolved, work):
    """The `collect` stage on the head (after `preflight`), with the whole log's event type
    counts, which set the accounts' per-type columns: its output columns become the stage's
    schema."""
    # The head is the log's first rows: its rows are the log's.
    rows = os.path.join(work, "h_rows_all.csv")
    write_csv(rows, ["row"], ([r] for r in range(count_rows(head_csv))))
    accounts = os.path.join(work, "h_accounts.parquet")
    run_locally([args.vigil, "worker", "collect", head_csv, "--map", resolved,
                 "--label-delay", args.label_delay, *worker.known_before, "--rows", rows,
                 "--users", os.path.join(work, "h_users.csv"),
                 "--features", os.path.join(work, "h_features.parquet"),
                 "--type-counts", os.path.join(work, "types.csv"), *worker.window,
                 "--targets", os.path.join(work, "h_targets.csv"),
                 "--events-out", os.path.join(work, "h_sampled.csv"),
                 "--accounts-out", accounts], work)
    return collect_schema(pq.read_table(accounts).column_names[2:])


def count_rows(path):
    """How many data rows a CSV the job wrote has (damaged ones too: each is a row)."""
    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


if __name__ == "__main__":
    main(sys.argv[1:])
