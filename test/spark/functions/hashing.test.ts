/**
 * The hash functions (shared/plan/functions/hashing.ts) against real Spark 4: hash() over
 * every column type sparkfn has and over several columns (nulls skipped, -0.0 and NaN
 * normalised, ints beside longs, strings of every length mod 4 for Spark's Murmur3 tail,
 * negative bytes from UTF-8), and md5, sha1, sha2 (every bit length, and one Spark refuses
 * with null) and crc32 over the same strings; see test/support/spark-differential.ts for what
 * "agree" means (here: identical values and types).
 *
 * xxhash64 gives a long that mostly lies beyond 2^53: through the API sparkfn gives the double
 * nearest to Spark's hash (the "longs beyond 2^53" known difference), so its kernel is also
 * checked alone, to the last of its 64 bits, against Spark's digits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, crc32, hash, lit, md5, sha1, sha2, xxhash64, type Column } from "sparkfn";
import { XXHASH_SEED, xxhashValue } from "../../../shared/plan/functions/hashing.ts";
import { parseDdlSchema, type Value } from "../../../shared/plan/types.ts";
import { useDifferential, type Check } from "../../support/spark-differential.ts";
import { SparkLong, SparkOracle } from "../../support/spark-oracle.ts";

const SCHEMA = "i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, dt DATE";
const ROWS = [
  [1, 1, 1.5, "a", true, "2024-02-29"],
  [null, 2, NaN, "", null, "1970-01-01"],
  [0, 0, -0, "ab", false, "1969-12-31"],
  [0, 0, 0, "abc", true, "0001-01-01"],
  [-1, -1, -1, "abcd", false, "9999-12-31"],
  [2147483647, 2 ** 40, Infinity, "abcde", true, "1900-02-28"],
  [-2147483648, -(2 ** 53 - 1), -Infinity, "héllo wörld", null, "2000-02-29"],
  [42, 2 ** 53 - 1, 5e-324, "😀", true, "1582-10-15"],
  [7, -(2 ** 31), 1e300, "\u00ff\u00fe\u0080", false, null],
  [null, null, null, null, null, null],
  [123456, 4294967296, 0.1, "The quick brown fox jumps over the lazy dog", true, "2024-01-01"],
  // 32 bytes and more: XXH64's four-lane stripes, then its 8-, 4- and 1-byte tails.
  [3, 3, 3, "0123456789abcdef0123456789abcdef", true, "2024-01-02"],
  [4, 4, 4, "0123456789abcdef0123456789abcdef0123456789abcdef01234567!", false, "2024-01-03"],
];

const check = (sql: string, column: Column): Check => ({ sql, column });

describe("hash functions agree with Spark", () => {
  const spark = useDifferential();
  const table = { schema: SCHEMA, rows: ROWS };

  it("hash of each type, of several columns (nulls skipped), and of literals", async () => {
    await spark.agree(table, [
      ...["i", "l", "d", "s", "b", "dt"].map((c) => check(`hash(${c})`, hash(c))),
      check("hash(i, l)", hash("i", "l")),
      check("hash(l, i)", hash("l", "i")),
      check("hash(s, d, b, dt, i, l)", hash("s", "d", "b", "dt", "i", "l")),
      check("hash(s, s)", hash("s", col("s"))),
      check("hash('Spark')", hash(lit("Spark"))),
      check("hash(1)", hash(lit(1))),
      check("hash(NULL)", hash(lit(null))),
    ]);
  });

  it("xxhash64 of each type, of several columns (nulls skipped), and of literals", async () => {
    await spark.agree(table, [
      ...["i", "l", "d", "s", "b", "dt"].map((c) => check(`xxhash64(${c})`, xxhash64(c))),
      check("xxhash64(i, l)", xxhash64("i", "l")),
      check("xxhash64(s, d, b, dt, i, l)", xxhash64("s", "d", "b", "dt", "i", "l")),
      check("xxhash64('Spark')", xxhash64(lit("Spark"))),
      check("xxhash64(NULL)", xxhash64(lit(null))),
    ]);
  });

  it("md5, sha1, sha2 (224, 256, 0, 384, 512 and a length Spark refuses) and crc32 of strings", async () => {
    await spark.agree(table, [
      check("md5(s)", md5("s")),
      check("sha1(s)", sha1("s")),
      ...[224, 256, 0, 384, 512, 100].map((bits) => check(`sha2(s, ${bits})`, sha2("s", bits))),
      check("crc32(s)", crc32("s")),
    ]);
  });
});

describe("the xxhash64 kernel agrees with Spark to the bit", () => {
  let oracle: SparkOracle;
  beforeAll(async () => {
    oracle = await SparkOracle.connect();
  });
  afterAll(() => oracle?.close());

  it("every column alone and all of them folded, as signed 64-bit digits", async () => {
    const fields = parseDdlSchema(SCHEMA).fields;
    const names = ["i", "l", "d", "s", "b", "dt"];
    const exprs = [...names.map((c) => `xxhash64(${c})`), `xxhash64(${names.join(", ")})`];
    const results = await oracle.evaluate(fields, ROWS, exprs);
    const fold = (row: readonly Value[], columns: readonly number[]) =>
      BigInt.asIntN(64, columns.reduce((h, c) => xxhashValue(row[c]!, fields[c]!.type, h), XXHASH_SEED)).toString();
    const columnSets = [...names.map((_, c) => [c]), names.map((_, c) => c)];
    results.forEach((result, j) => {
      if (result.kind !== "values") throw new Error(`Spark refused ${exprs[j]}`);
      const spark = result.values.map((v) => (v instanceof SparkLong ? v.digits : String(v)));
      expect(ROWS.map((row) => fold(row, columnSets[j]!)), exprs[j]).toEqual(spark);
    });
  });
});
