"""
The Spark oracle of the differential tests (test/spark/): one long-running process holding a
local SparkSession (local[1], UTC, ANSI on as Spark 4 defaults, no UI), started once per test
run by test/setup/spark.ts, answering JSON-line requests on a TCP socket on 127.0.0.1.

    python spark-oracle.py            prints "READY <port>" on stdout once Spark is up

Request (one line):  {"schema": [{"name": "x", "type": "double"}, ...],
                      "rows": [[value, ...], ...], "exprs": ["abs(x)", "round(x, 2)", ...]}
Response (one line): {"results": [one per expression, in order]}, each either
    {"error": {"class": ..., "message": ...}}                 the expression does not analyze
    {"type": "double", "name": "abs(x)", "values": [v, ...]}  Spark's result type and column name,
                                                              one value per row, in row order
where a value is JSON, or tagged when JSON cannot hold it: {"$double": "NaN" | "Infinity" |
"-Infinity" | "-0"}, {"$long": "<digits>"} beyond 2^53, {"$decimal": "<text>"}, {"$date": ...},
{"$timestamp": <microseconds since the epoch>}, {"$binary": <base64>}, {"$map": [[k, v], ...]}, {"$struct": {...}}, or
{"$error": {"class": ..., "message": ...}} when Spark failed on that row. Input values may use
the $double, $long and $binary tags. A request Spark cannot take at all answers {"failure": {...}}.

A grouped request (aggregates) names `aggs` instead of `exprs`:
                     {"schema": [...], "rows": [...], "groupBy": ["g"] or [], "aggs": ["stddev(d)", ...],
                      "partitions": 3, "shufflePartitions": 2}
runs `SELECT <groupBy>, <agg> FROM t GROUP BY <groupBy>` (through df.groupBy(...).agg(expr(...)))
over the rows in `partitions` slices (slice i holds rows [i*n/p, (i+1)*n/p), as Spark's
ParallelCollectionRDD and sparkfn's createDataFrame cut them, so partial states merge), with
`shufflePartitions` reduce partitions (and the session settings in an optional "conf": {...},
as an expression request may carry them too), and answers {"results": [one per aggregate]}, each
{"error": ...} (does not analyze), or
{"type", "name", "groups": [[key values..., value], ...]} in no particular order, or
{"type", "name", "failed": {"class", "message"}} when the query fails at run time (for
every group at once: Spark fails the whole query).

A chain request calls DataFrame methods in turn on a table:
                     {"tables": {"df": {"schema", "rows", "partitions"}, "other": {...}},
                      "chain": [["na.fill", [0], {"subset": ["i"]}], ["intersect", [{"$df": "other"}], {}]]}
(a step ["$from", [name], {}] starts again from another table, ["$sql", [text], {}] from spark.sql(text)
over every table as a temporary view of its name; an RDD answers its elements as rows of one value) and answers {"columns": [{"name", "type"}], "rows": [[...], ...]} (the rows in Spark's order),
{"rows": [...]} for a list of rows (tail), {"value": ...} for anything else (isEmpty), or
{"error": {"class", "message"}}. Arguments are JSON, with the input tags, {"$df": name} for
another table (with "alias": a, that table's df.alias(a)), {"$colRegex": pattern} for the table df's df.colRegex(pattern), {"$pairs": [[k, v], ...]} for a dict whose keys are not strings and
{"$expr": "<Spark SQL>"} for a Column.

Requests on one connection are answered in order. Two SparkSessions of the one SparkContext
(each with the settings below, its own temporary views and cached tables) answer requests of
different connections side by side, each one request at a time; the test process opens one
connection per session (spark-oracle.ts). The one-row queries of a request, which decide rows
that fail, run two at a time.
The process ends when its standard input closes (the test run ended or died).
"""

import base64
import datetime
import decimal
import json
import math
import os
import queue
import re
import socketserver
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# PySpark turns timestamps into naive datetimes in this process's local time zone (and back):
# UTC here, so a naive datetime is the instant's UTC wall clock and converts exactly.
os.environ["TZ"] = "UTC"
time.tzset()
EPOCH = datetime.datetime(1970, 1, 1)

from pyspark import RDD
from pyspark.sql import SparkSession
from pyspark.sql import types as T
from pyspark.sql.functions import col, expr

MAX_EXACT = 2**53

# Row ids no table has (negative), added to a filter's list of row ids to take it past
# spark.sql.optimizer.inSetConversionThreshold (10): the filter is then an InSet, whose set the
# generated code references instead of inlining each literal, so the one-row queries of an
# expression share one compiled class instead of compiling one per row.
NO_ROWS = [-1 - k for k in range(11)]

TYPES = {
    "byte": T.ByteType(),
    "short": T.ShortType(),
    "int": T.IntegerType(),
    "float": T.FloatType(),
    "long": T.LongType(),
    "double": T.DoubleType(),
    "string": T.StringType(),
    "boolean": T.BooleanType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),
    "timestamp_ntz": T.TimestampNTZType(),
    "null": T.NullType(),
    "binary": T.BinaryType(),
}

DECIMAL_TYPE = re.compile(r"decimal\((\d+),(\d+)\)")


def spark_type(name):
    """The Spark type of a sparkfn type name: TYPES, or decimal(p,s)."""
    if name in TYPES:
        return TYPES[name]
    m = DECIMAL_TYPE.fullmatch(name)
    if m:
        return T.DecimalType(int(m.group(1)), int(m.group(2)))
    if name.startswith("array<") or name.startswith("struct<") or name.startswith("map<") or name.startswith("interval "):
        # Nested types are DDL text (array<long>, struct<a:int,b:string>), which Spark's own parser reads.
        return T._parse_datatype_string(name)
    raise ValueError(f"unknown column type {name!r} (known: {', '.join(TYPES)}, decimal(p,s))")


def decode(value, dtype):
    if isinstance(value, dict):
        if "$double" in value:
            return float(value["$double"].replace("Infinity", "inf"))
        if "$long" in value:
            return int(value["$long"])
        if "$binary" in value:
            return bytearray(base64.b64decode(value["$binary"]))
        raise ValueError(f"unknown tagged input value {value!r}")
    if value is None:
        return None
    if isinstance(dtype, T.ArrayType):
        return [decode(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.MapType):
        # A map is [keys, values] (sparkfn's map values), in order.
        return {decode(k, dtype.keyType): decode(v, dtype.valueType) for k, v in zip(value[0], value[1])}
    if isinstance(dtype, T.StructType):
        # A struct is its fields' values in order (sparkfn's struct values).
        return tuple(decode(v, f.dataType) for v, f in zip(value, dtype.fields))
    if isinstance(dtype, T.DateType):
        return datetime.date.fromisoformat(value)
    if isinstance(dtype, T.TimestampType):
        # Microseconds since the epoch (sparkfn's timestamp values), as an aware UTC datetime.
        return (EPOCH + datetime.timedelta(microseconds=value)).replace(tzinfo=datetime.timezone.utc)
    if isinstance(dtype, T.TimestampNTZType):
        # The wall clock's microseconds as if UTC (sparkfn's timestamp_ntz values), as a naive datetime (PySpark shifts none).
        return EPOCH + datetime.timedelta(microseconds=value)
    if isinstance(dtype, T.DayTimeIntervalType):
        # Microseconds (sparkfn's day-time interval values).
        return datetime.timedelta(microseconds=value)
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return float(value)
    if isinstance(dtype, T.DecimalType):
        # Decimal text ("12.34", exact) or a JSON number (its shortest text, as JavaScript writes it).
        return decimal.Decimal(value if isinstance(value, str) else repr(value))
    return value


def encode(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_EXACT else {"$long": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            return {"$double": "NaN"}
        if math.isinf(value):
            return {"$double": "Infinity" if value > 0 else "-Infinity"}
        if value == 0 and math.copysign(1.0, value) < 0:
            return {"$double": "-0"}
        return value
    if isinstance(value, decimal.Decimal):
        # Plain digits, as Java's BigDecimal.toPlainString writes Spark's decimals ("0.00", not str's "0E-2").
        return {"$decimal": format(value, "f")}
    if isinstance(value, datetime.datetime):
        # Microseconds since the epoch (the datetime is the UTC wall clock: see TZ above).
        return {"$timestamp": (value.replace(tzinfo=None) - EPOCH) // datetime.timedelta(microseconds=1)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        # A day-time interval: its microseconds, as sparkfn's values.
        return encode(value // datetime.timedelta(microseconds=1))
    if isinstance(value, (bytes, bytearray)):
        return {"$binary": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, T.Row):
        return {"$struct": {k: encode(v) for k, v in value.asDict().items()}}
    if isinstance(value, dict):
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return {"$unknown": repr(value)}


class Rows:
    """A request's rows as a DataFrame. createDataFrame over a Python list scans an RDD that a
    Python worker serializes again for every query, most of a small query's time; a request
    that runs more than one query (rows that fail, alone) checkpoints the rows into the JVM once
    (localCheckpoint: still a Scan ExistingRDD of one partition, the same rows in the same
    order) and runs the following queries over that."""

    def __init__(self, df):
        self.df = df
        self.kept = False

    def keep(self):
        if not self.kept:
            self.df, self.kept = self.df.localCheckpoint(), True
        return self.df


def months_of(text):
    """A year-month interval expression as its months (PySpark cannot collect a year-month interval)."""
    return f"CAST(CAST(({text}) AS INTERVAL MONTH) AS INT)"


def error_of(exc):
    """Spark's error condition (class) and message; a Python-side failure has class PYTHON."""
    condition = None
    for getter in ("getCondition", "getErrorClass"):
        if hasattr(exc, getter):
            try:
                condition = getattr(exc, getter)()
            except Exception:  # noqa: BLE001 - older errors have no condition
                condition = None
            if condition:
                break
    message = str(exc).split("\n\nJVM stacktrace:")[0].strip()
    return {"class": condition or type(exc).__name__, "message": message[:2000]}


# Every session's SQL settings (set again on each session, not only inherited).
SQL_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.pyspark.jvmStacktrace.enabled": "false",
    # Small queries: adaptive execution only adds planning time.
    "spark.sql.adaptive.enabled": "false",
    # Each expression answers as if queried alone: a batch must not share work between
    # expressions Spark deems equal (it canonicalizes greatest(a, b) as greatest(b, a),
    # which differ on -0.0 and 0.0).
    "spark.sql.subexpressionElimination.enabled": "false",
    # Evaluate projections in generated code over rows, as on real data, not folded into
    # the local relation by the optimizer's interpreter.
    "spark.sql.optimizer.excludedRules": "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation",
}

# Sessions answering at once: requests on different connections run side by side (the test
# process opens one connection per session), each in a session of its own, whose settings and
# temporary views are its own. Queries are mostly the driver's planning, single-threaded: the
# second session uses the second core.
SESSIONS = 2


def start_spark():
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("sparkfn-oracle")
        .config("spark.ui.enabled", "false")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.memory", "1g")
    )
    for key, value in SQL_SETTINGS.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class Oracle:
    """Answers requests in one SparkSession (of the one SparkContext), one request at a time."""

    def __init__(self, spark):
        self.spark = spark
        for key, value in SQL_SETTINGS.items():
            spark.conf.set(key, value)
        # The one-row queries of a request are independent: two run at once, so that one's planning
        # and code generation on the driver (most of a small query's time) use the second core
        # while the other runs. Each thread runs its queries in this session (its settings).
        self.pool = ThreadPoolExecutor(2, initializer=self.activate)

    def activate(self):
        """This session is the calling thread's (its JVM thread's) active session."""
        self.spark._jvm.SparkSession.setActiveSession(self.spark._jsparkSession)

    def frame(self, schema, rows):
        fields = [T.StructField("__row", T.IntegerType(), False)]
        for f in schema:
            fields.append(T.StructField(f["name"], spark_type(f["type"]), True))
        struct = T.StructType(fields)
        data = [[i] + [decode(v, fields[c + 1].dataType) for c, v in enumerate(row)] for i, row in enumerate(rows)]
        return self.spark.createDataFrame(data, struct)

    def evaluate(self, request):
        # Session settings for this request only (spark.sql.ansi.enabled = false for legacy casts).
        conf = request.get("conf") or {}
        for key, value in conf.items():
            self.spark.conf.set(key, value)
        try:
            return self.evaluate_with(request)
        finally:
            for key in conf:
                self.spark.conf.unset(key)

    def evaluate_with(self, request):
        table = Rows(self.frame(request["schema"], request["rows"]))
        df = table.df
        n = len(request["rows"])
        results = [None] * len(request["exprs"])
        ok = []
        timestamps = set()
        months = set()
        for j, text in enumerate(request["exprs"]):
            try:
                typed = df.selectExpr(text)
                field = typed.schema.fields[0]
                results[j] = {"type": field.dataType.simpleString(), "name": field.name}
                ok.append(j)
                if isinstance(field.dataType, T.TimestampType):
                    # Microseconds straight from Spark: a Python datetime holds only years 1..9999.
                    timestamps.add(j)
                if isinstance(field.dataType, T.YearMonthIntervalType):
                    months.add(j)
            except Exception as exc:  # noqa: BLE001 - reported per expression
                results[j] = {"error": error_of(exc)}
        if ok:
            texts = [f"unix_micros({t})" if j in timestamps else months_of(t) if j in months else t for j, t in enumerate(request["exprs"])]
            hints = request.get("failing")
            if hints is None:
                self.solve(table, [(j, texts[j]) for j in ok], n, results)
            else:
                # The rows where the other engine failed, per expression: Spark decides each of them
                # alone and the rest together, a query per such row instead of a bisection.
                if any(hints[j] for j in ok):
                    table.keep()
                self.solve(table, [(j, texts[j]) for j in ok if not hints[j]], n, results)
                queries = []
                for j in ok:
                    if hints[j]:
                        values = results[j]["values"] = [None] * n
                        alone = set(hints[j])
                        rest = [i for i in range(n) if i not in alone]
                        if rest:
                            queries.append((texts[j], rest, values))
                        queries.extend((texts[j], [i], values) for i in hints[j])
                # Each query fills its own rows' values.
                list(self.pool.map(lambda q: self.bisect(table, *q), queries))
        return results

    def solve(self, table, exprs, n, results):
        """Values of expressions in one query (none: nothing to do); when it fails, halves of them until each failing
        expression is alone, then halves of its rows (few queries: a failed one costs most)."""
        if not exprs:
            return
        try:
            rows = table.df.selectExpr("__row", *[f"{text} AS `e{k}`" for k, (_, text) in enumerate(exprs)]).collect()
            rows.sort(key=lambda r: r[0])
            for k, (j, _) in enumerate(exprs):
                results[j]["values"] = [encode(r[k + 1]) for r in rows]
            return
        except Exception as exc:  # noqa: BLE001 - some expression fails on some row: find which
            failure = exc
        table.keep()
        if len(exprs) > 1:
            half = len(exprs) // 2
            self.solve(table, exprs[:half], n, results)
            self.solve(table, exprs[half:], n, results)
            return
        j, text = exprs[0]
        values = [None] * n
        if n == 1:
            values[0] = {"$error": error_of(failure)}
        else:
            self.bisect(table, text, list(range(n // 2)), values)
            self.bisect(table, text, list(range(n // 2, n)), values)
        results[j]["values"] = values

    def bisect(self, table, text, ids, values):
        """Values of one failing expression: halves of the rows until each error is on its own row."""
        try:
            for r in table.keep().where(col("__row").isin(ids + NO_ROWS)).select("__row", expr(text)).collect():
                values[r[0]] = encode(r[1])
            return
        except Exception as exc:  # noqa: BLE001
            if len(ids) == 1:
                values[ids[0]] = {"$error": error_of(exc)}
                return
        half = len(ids) // 2
        self.bisect(table, text, ids[:half], values)
        self.bisect(table, text, ids[half:], values)

    def grouped(self, request):
        schema = request["schema"]
        fields = []
        for f in schema:
            fields.append(T.StructField(f["name"], spark_type(f["type"]), True))
        struct = T.StructType(fields)
        data = [[decode(v, fields[c].dataType) for c, v in enumerate(row)] for row in request["rows"]]
        # Slice i holds rows [i*n/p, (i+1)*n/p), as Spark's ParallelCollectionRDD (and sparkfn) cut
        # a collection; PySpark's parallelize would cut its pickled batches instead.
        p = max(1, int(request.get("partitions", 1)))
        n = len(data)
        slices = [data[i * n // p:(i + 1) * n // p] for i in range(p)]
        rdd = self.spark.sparkContext.parallelize(slices, p).flatMap(lambda rows: rows)
        df = self.spark.createDataFrame(rdd, struct)
        keys = request["groupBy"]
        results = [None] * len(request["aggs"])
        ok = []
        aggs = list(request["aggs"])
        for j, text in enumerate(request["aggs"]):
            try:
                field = df.groupBy(*keys).agg(expr(text)).schema.fields[len(keys)]
                results[j] = {"type": field.dataType.simpleString(), "name": field.name}
                ok.append(j)
                if isinstance(field.dataType, T.YearMonthIntervalType):
                    aggs[j] = months_of(text)
            except Exception as exc:  # noqa: BLE001 - reported per aggregate
                results[j] = {"error": error_of(exc)}
        self.spark.conf.set("spark.sql.shuffle.partitions", str(int(request.get("shufflePartitions", 1))))
        try:
            self.solve_grouped(df, keys, [(j, aggs[j]) for j in ok], results)
        finally:
            self.spark.conf.set("spark.sql.shuffle.partitions", "1")
        return results

    def grouped_with_conf(self, request):
        """A grouped request under its session settings ("conf", as evaluate's), for this request only."""
        conf = request.get("conf") or {}
        for key, value in conf.items():
            self.spark.conf.set(key, value)
        try:
            return self.grouped(request)
        finally:
            for key in conf:
                self.spark.conf.unset(key)

    def solve_grouped(self, df, keys, aggs, results):
        """All aggregates in one query; when it fails, halves of them until each failing one is alone."""
        if not aggs:
            return
        try:
            rows = df.groupBy(*keys).agg(*[expr(text).alias(f"a{k}") for k, (_, text) in enumerate(aggs)]).collect()
        except Exception as exc:  # noqa: BLE001 - some aggregate fails: find which
            if len(aggs) == 1:
                results[aggs[0][0]]["failed"] = error_of(exc)
                return
            half = len(aggs) // 2
            self.solve_grouped(df, keys, aggs[:half], results)
            self.solve_grouped(df, keys, aggs[half:], results)
            return
        n = len(keys)
        for k, (j, _) in enumerate(aggs):
            results[j]["groups"] = [[encode(r[c]) for c in range(n)] + [encode(r[n + k])] for r in rows]

    def sliced(self, schema, rows, partitions):
        """A DataFrame of the rows cut into `partitions` slices as sc.parallelize (and sparkfn) cut them."""
        fields = []
        for f in schema:
            fields.append(T.StructField(f["name"], spark_type(f["type"]), True))
        data = [[decode(v, fields[c].dataType) for c, v in enumerate(row)] for row in rows]
        p = max(1, int(partitions))
        n = len(data)
        slices = [data[i * n // p:(i + 1) * n // p] for i in range(p)]
        return self.spark.createDataFrame(self.spark.sparkContext.parallelize(slices, p).flatMap(lambda r: r), T.StructType(fields))

    def tables(self, tables):
        """The chain's tables as DataFrames, kept (cached in memory, slices as they were cut) while
        requests send the same tables: a suite's chains then scan them in the JVM instead of
        running the Python slicing again for every query."""
        key = json.dumps(tables, sort_keys=True)
        if getattr(self, "tables_key", None) != key:
            for frame in getattr(self, "tables_frames", {}).values():
                frame.unpersist()
            frames = {name: self.sliced(t["schema"], t["rows"], t.get("partitions", 1)).cache() for name, t in tables.items()}
            for frame in frames.values():
                frame.count()
            self.tables_key, self.tables_frames = key, frames
        return self.tables_frames

    def argument(self, value, frames):
        if isinstance(value, dict):
            if "$df" in value:
                frame = frames[value["$df"]]
                return frame.alias(value["alias"]) if "alias" in value else frame
            if "$colRegex" in value:
                return frames["df"].colRegex(value["$colRegex"])
            if "$double" in value or "$long" in value:
                return decode(value, None)
            if "$expr" in value:
                return expr(value["$expr"])
            if "$pairs" in value:
                return {self.argument(k, frames): self.argument(v, frames) for k, v in value["$pairs"]}
            return {k: self.argument(v, frames) for k, v in value.items()}
        if isinstance(value, list):
            return [self.argument(v, frames) for v in value]
        return value

    def chain(self, request):
        """Calls DataFrame methods in turn (`na.fill` reaches df.na.fill) on the table `df`;
        `{"$df": name}` as an argument is another table. Answers the resulting DataFrame's
        columns and rows, or a plain value (isEmpty), or Spark's error."""
        frames = self.tables(request["tables"])
        for name, frame in frames.items():
            frame.createOrReplaceTempView(name)
        target = frames["df"]
        try:
            for method, args, kwargs in request["chain"]:
                if method == "$from":
                    target = frames[args[0]]
                    continue
                if method == "$sql":
                    target = self.spark.sql(args[0])
                    continue
                call = target
                for part in method.split("."):
                    call = getattr(call, part)
                target = call(*self.argument(args, frames), **self.argument(kwargs, frames))
            if hasattr(target, "collect") and hasattr(target, "schema"):
                rows = target.collect()
                columns = [{"name": f.name, "type": f.dataType.simpleString()} for f in target.schema.fields]
                return {"columns": columns, "rows": [[encode(v) for v in r] for r in rows]}
            if isinstance(target, list):
                return {"rows": [[encode(v) for v in r] for r in target]}
            if isinstance(target, RDD):
                return {"rows": [[encode(v)] for v in target.collect()]}
            return {"value": encode(target)}
        except Exception as exc:  # noqa: BLE001 - Spark refused the call: the answer
            return {"error": error_of(exc)}

    def answer(self, line):
        request = json.loads(line)
        self.activate()
        if "chain" in request:
            return self.chain(request)
        if "aggs" in request:
            return {"results": self.grouped_with_conf(request)}
        return {"results": self.evaluate(request)}


def serve(spark):
    # A request takes a free session and gives it back: one request at a time in each.
    # Last in, first out: one request after another keep to one session (its cached tables).
    free = queue.LifoQueue()
    for k in range(SESSIONS):
        free.put(Oracle(spark if k == 0 else spark.newSession()))

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            for line in self.rfile:
                if not line.strip():
                    continue
                oracle = free.get()
                try:
                    response = oracle.answer(line)
                except Exception as exc:  # noqa: BLE001 - a bad request must not end the oracle
                    response = {"failure": error_of(exc)}
                finally:
                    free.put(oracle)
                self.wfile.write((json.dumps(response, allow_nan=False) + "\n").encode("utf-8"))
                self.wfile.flush()

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", int(os.environ.get("SPARK_ORACLE_PORT", "0"))), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    # Runs until the parent closes stdin (or dies).
    for _ in sys.stdin:
        pass
    server.shutdown()
    spark.stop()


if __name__ == "__main__":
    serve(start_spark())
