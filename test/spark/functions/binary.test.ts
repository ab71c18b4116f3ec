/**
 * BINARY against real Spark 4, with ANSI mode on (its default) and off: casts to and from it
 * (a string's UTF-8 bytes, bytes read as UTF-8 with U+FFFD for a malformed sequence, integers'
 * big-endian bytes with ANSI off and refused with it on, the other types refused both ways),
 * X'..' literals, comparisons (unsigned bytewise, a string beside a binary cast to binary),
 * coalesce/greatest/least/IN, hashing, the functions Spark defines on binary, and grouping and
 * ordering by a binary column. Values are compared as bytes: the oracle tags Spark's bytearrays
 * as base64 and the harness tags sparkfn's Uint8Arrays the same way (spark-differential.ts).
 */
import { describe, it } from "vitest";
import { base64, col, collect_list, count, countDistinct, decode, encode, expr, hex, lit, max, min, octet_length, unbase64, unhex, type Column } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { useDifferential, useGroupedDifferential, type AggCheck, type Check } from "../../support/spark-differential.ts";
import { chainCase, expectSameRows, useChainDifferential } from "../../support/chain-differential.ts";
import { otherTable } from "../../support/spark-oracle.ts";

/** Bytes from hexadecimal digits, as a user gives a binary value. */
const bytes = (hex: string): Value => Uint8Array.from(Buffer.from(hex, "hex")) as unknown as Value;

// Empty, ASCII, non-UTF-8 (FF, a lone C3, a truncated E2 82), bytes above 0x7F (unsigned order), UTF-8 é, a prefix of another.
const BINARIES = [null, "", "41", "4142", "414243", "FF", "FF00", "00", "80", "7F", "C3A9", "C3", "E282", "68C3A96C6C6F", "0001020304050607", "41"];
const STRINGS = [null, "A", "AB", "é", "", "abc", "ÿ", "\u0000", "日本", "B", "zz", "0A1B", "YWJj", "!!", "héllo", "A"];
const INTS = [null, 0, 1, -1, 258, 2147483647, -2147483648, 65, 127, -128, 32767, 16, 255, 1000, 42, 7];
const TABLE = {
  schema: "b BINARY, c BINARY, t STRING, i INT, l BIGINT, y TINYINT, s SMALLINT, d DOUBLE",
  rows: BINARIES.map((b, k): Value[] => {
    const i = INTS[k]!;
    const c = BINARIES[(k * 7 + 3) % BINARIES.length]!;
    return [b === null ? null : bytes(b), c === null ? null : bytes(c), STRINGS[k]!, i, i === null ? null : i * 4294967296 + 5, i === null ? null : ((i % 128) + 128) % 256 - 128, i === null ? null : ((i % 32768) + 65536) % 65536 - 32768, i === null ? null : i / 4];
  }),
};

const sql = (text: string): Check => ({ sql: text, column: expr(text) });
const check = (text: string, column: Column): Check => ({ sql: text, column });

const CASTS: Check[] = [
  ..."CAST(b AS STRING)|CAST(t AS BINARY)|CAST(b AS BINARY)|CAST(i AS BINARY)|CAST(l AS BINARY)|CAST(y AS BINARY)|CAST(s AS BINARY)|CAST(d AS BINARY)|CAST(b AS INT)|CAST(b AS DOUBLE)|CAST(b AS BOOLEAN)|CAST(b AS DATE)|CAST(b AS TIMESTAMP)|CAST(b AS DECIMAL(10,2))|CAST(CAST(b AS STRING) AS BINARY)|TRY_CAST(t AS BINARY)|CAST(array(b, c) AS STRING)|CAST(array(b) AS ARRAY<STRING>)|CAST(DATE'2020-01-01' AS BINARY)|CAST(true AS BINARY)"
    .split("|")
    .map(sql),
  check("CAST(b AS STRING)", col("b").cast("string")),
  check("CAST(t AS BINARY)", col("t").cast("binary")),
];

const LITERALS: Check[] = [
  ..."X'0A1B'|X''|X'1'|X'ABC'|x'ff'|X'41' = b|b = X'41'".split("|").map(sql),
  check("X'0A1B'", lit(Uint8Array.from([0x0a, 0x1b]))),
  check("b = X'4142'", col("b").equalTo(Uint8Array.from([0x41, 0x42]))),
];

const COMPARISONS: Check[] = [
  ..."b = c|b < c|b <= c|b > c|b >= c|b != c|b <=> c|b = t|b < t|t > b|b = i|b IN (X'41', X'FF', X'')|b IN ('A', 'é')|coalesce(b, c)|greatest(b, c)|least(b, c)|nvl(b, X'00')|nullif(b, c)|CASE WHEN i > 0 THEN b ELSE c END|coalesce(b, t)|b IS NULL".split("|").map(sql),
];

const HASHING: Check[] = "hash(b)|xxhash64(b)|hash(b, c)|xxhash64(b, t)|hash(array(b))|md5(b)|sha1(b)|sha2(b, 256)|sha2(b, 512)|crc32(b)".split("|").map(sql);

const FUNCTIONS: Check[] = [
  ..."hex(b)|hex(t)|hex(i)|hex(l)|hex(y)|hex(d)|hex(CAST(d AS FLOAT))|hex(CAST(d AS DECIMAL(10,2)))|unhex(t)|unhex(hex(b))|unhex('A1B')|unhex('')|base64(b)|base64(t)|base64(i)|unbase64(base64(b))|unbase64(base64(t))|unbase64('YW Jj')|unbase64('YWJ')|unbase64('YWJjZA')|unbase64('!!')|unbase64('')|length(b)|octet_length(b)|octet_length(t)|bit_length(b)|bit_length(t)|char_length(b)|concat(b, c)|concat(b, t)|concat(b, c, b)|concat(b, NULL)|substring(b, 2)|substring(b, 2, 1)|substring(b, -2, 5)|substring(b, 0, 2)|substr(b, 5)|upper(b)|lower(b)|trim(b)|ascii(b)|lpad(b, 5, c)|rpad(b, 3, X'00')|lpad(b, 4, t)|lpad(t, 4, b)|left(b, 2)|left(b, -1)|left(b, i)|right(X'414243', 2)|reverse(X'41C3A9')|instr(b, X'42')"
    .split("|")
    .map(sql),
  ..."encode(t, 'UTF-8')|encode(t, 'UTF-16')|encode(t, 'UTF-16LE')|encode(t, 'UTF-16BE')|encode(t, 'UTF-32')|encode(t, 'ISO-8859-1')|encode(t, 'US-ASCII')|encode(t, 'latin9')|encode(t, NULL)|encode(b, 'utf-8')"
    .split("|")
    .map(sql),
  ..."decode(b, 'UTF-8')|decode(b, 'ISO-8859-1')|decode(b, 'US-ASCII')|decode(b, 'UTF-16')|decode(b, 'UTF-16BE')|decode(b, 'UTF-16LE')|decode(b, 'UTF-32')|decode(encode(t, 'UTF-16'), 'UTF-16')|decode(encode(t, 'UTF-16LE'), 'utf-16le')|decode(encode(t, 'UTF-32'), 'UTF-32')|decode(t, 'UTF-8')|decode(b, 'foo')"
    .split("|")
    .map(sql),
  sql("b || c"),
  // The DataFrame API's spellings.
  check("hex(b)", hex("b")),
  check("unhex(t)", unhex("t")),
  check("base64(b)", base64("b")),
  check("unbase64(base64(b))", unbase64(base64("b"))),
  check("encode(t, 'UTF-16LE')", encode("t", "UTF-16LE")),
  check("decode(b, 'ISO-8859-1')", decode("b", "ISO-8859-1")),
  check("octet_length(t)", octet_length("t")),
];

for (const [mode, conf] of [
  ["on", undefined],
  ["off", { "spark.sql.ansi.enabled": "false" }],
] as const) {
  describe(`binary agrees with Spark (ANSI ${mode})`, () => {
    const spark = useDifferential(conf);

    it("casts to and from binary (and the casts Spark refuses)", async () => {
      await spark.agree(TABLE, CASTS);
    });

    it("X'..' literals and lit(Uint8Array)", async () => {
      await spark.agree(TABLE, LITERALS);
    });

    it("comparisons (unsigned bytewise), IN, coalesce, greatest, least, CASE", async () => {
      await spark.agree(TABLE, COMPARISONS);
    });

    it("hex, unhex, base64, unbase64, lengths, concat, substring, encode and decode", async () => {
      await spark.agree(TABLE, FUNCTIONS);
    });

    it("hash, xxhash64 and the digests of binary", async () => {
      await spark.agree(TABLE, HASHING);
    });
  });
}

const agg = (text: string, column: Column): AggCheck => ({ sql: text, column });
const GROUP_ROWS: Value[][] = Array.from({ length: 30 }, (_, k) => {
  const g = BINARIES[k % 7]!;
  const v = BINARIES[(k * 5) % BINARIES.length]!;
  return [g === null ? null : bytes(g), v === null ? null : bytes(v), k];
});

describe("grouping by a binary column and aggregating binary values agree with Spark (3 input partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });
  it("count, count(DISTINCT), min and max (unsigned bytewise), max of hex and collect_list per binary key", async () => {
    await spark.agree({ schema: "g BINARY, v BINARY, n INT", rows: GROUP_ROWS, groupBy: ["g"] }, [
      agg("count(v)", count("v")),
      agg("min(v)", min("v")),
      agg("max(v)", max("v")),
      agg("count(n)", count("n")),
      agg("count(DISTINCT v)", countDistinct("v")),
      agg("max(hex(v))", max(hex("v"))),
      { sql: "collect_list(v)", column: collect_list("v"), unordered: true },
    ]);
  });
});

const KEYS: Value[][] = ["41", "FF", "", "C3A9", "00", "4142"].map((h, k) => [bytes(h), `k${k}`]);

describe("ordering, distinct and joins on binary columns agree with Spark", () => {
  const d = useChainDifferential("spark-binary", { df: TABLE, other: { schema: "k BINARY, name STRING", rows: KEYS } });

  it("orders by a binary column as unsigned bytes (ascending nulls first, descending nulls last)", async () => {
    for (const [sparkfn, sql] of [
      [d.frames.df!.select("b", "i").orderBy("b", "i"), "SELECT b, i FROM df ORDER BY b, i"],
      [d.frames.df!.select("b", "i").orderBy(col("b").desc(), col("i")), "SELECT b, i FROM df ORDER BY b DESC, i"],
    ] as const) {
      const [expected, got] = await Promise.all([d.sparkAnswer([["$sql", [sql], {}]]), d.sparkfnAnswer(sparkfn)]);
      if (expected.kind !== "frame" || got.kind !== "frame") throw new Error(`${sql}: Spark ${expected.kind}, sparkfn ${got.kind}`);
      expectSameRows(expected.rows, got.rows, true, sql);
    }
  });

  it("distinct values and an equi-join on a binary key", async () => {
    await d.agree([
      chainCase("distinct binary values", (df) => df.select("b").distinct(), ["select", ["b"], {}], ["distinct", [], {}]),
      chainCase("join on a binary key", (df, t) => df.join(t.other!, col("b").equalTo(col("k"))).select("i", "name"), ["join", [otherTable("other"), { $expr: "b = k" }], {}], ["select", ["i", "name"], {}]),
    ]);
  });
});
