/**
 * The block codec's vector entry points: encodeVectorsBlock (rows of vectors through an
 * index list) and decodeBlockToBatch (a block straight into vectors). The row API is an
 * adapter over them (block-codec.test.ts); here: every vector kind, index lists, the
 * dictionary remapping, and that vectors make the very bytes rows of the same values make.
 */
import { describe, expect, it } from "vitest";
import {
  CorruptBlockError,
  decodeBlock,
  decodeBlockToBatch,
  encodeBlock,
  encodeVectorsBlock,
  type BlockCodec,
} from "../../../executor-fn/io/block-codec.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import type { Batch } from "../../../shared/batch/batch.ts";
import type { Row, Value } from "../../../shared/plan/types.ts";
import { seededRandom } from "../../../shared/random.ts";

const HEADER = 28;
const CODECS: readonly BlockCodec[] = ["none", "deflate", "brotli"];
const KIND = { NULL: 0, BOOL: 1, NUMBER: 2, FLOAT64: 3, STRING: 4, DICT: 5, TAGGED: 6 };

type Kind = Vector["kind"];

const mask = (nulls: readonly number[] | undefined, n: number): Uint8Array | null => {
  if (nulls === undefined) return null;
  const out = new Uint8Array(n);
  for (const i of nulls) out[i] = 1;
  return out;
};
const f64 = (values: readonly number[], nulls?: number[]): Vector => ({ kind: "f64", values: Float64Array.from(values), nulls: mask(nulls, values.length) });
const i32 = (values: readonly number[], nulls?: number[]): Vector => ({ kind: "i32", values: Int32Array.from(values), nulls: mask(nulls, values.length) });
const bool = (values: readonly boolean[], nulls?: number[]): Vector => ({ kind: "bool", values: Uint8Array.from(values, (b) => (b ? 1 : 0)), nulls: mask(nulls, values.length) });
const str = (values: readonly string[], nulls?: number[]): Vector => ({ kind: "str", values, nulls: mask(nulls, values.length) });
const dict = (codes: readonly number[], entries: readonly string[], nulls?: number[]): Vector => ({ kind: "dict", codes: Int32Array.from(codes), dict: entries, nulls: mask(nulls, codes.length) });
const any = (values: readonly unknown[], nulls?: number[]): Vector => ({ kind: "any", values: values as Value[], nulls: mask(nulls, values.length) });

/** The rows `indexes` (all rows when null) of the vectors, boxed: what the block must give back. */
function expectedRows(columns: readonly Vector[], indexes: readonly number[] | null, count: number): Row[] {
  return Array.from({ length: count }, (_, k) => columns.map((v) => valueAt(v, indexes === null ? k : indexes[k]!)));
}

function rowsOfBatch(batch: Batch): Row[] {
  expect(batch.selection).toBeNull();
  expect(batch.count).toBe(batch.length);
  return Array.from({ length: batch.length }, (_, i) => batch.columns.map((v) => valueAt(v, i)));
}

/** Where two values differ (deep, -0 apart from 0, NaN equal to NaN), or null. */
function difference(actual: unknown, expected: unknown, path = ""): string | null {
  if (Object.is(actual, expected)) return null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(actual[i], expected[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (typeof expected === "object" && expected !== null && typeof actual === "object" && actual !== null) {
    return JSON.stringify(actual) === JSON.stringify(expected) ? null : `${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`;
  }
  return `${path}: ${String(actual)} vs ${String(expected)}`;
}

function expectSame(actual: unknown, expected: unknown): void {
  expect(difference(actual, expected)).toBeNull();
}

/** Encodes with every codec, decodes into a batch, and checks kinds and values; returns the uncompressed block. */
function roundTrip(columns: readonly Vector[], indexes: readonly number[] | null, count: number, kinds?: readonly Kind[]): { block: Uint8Array; batch: Batch } {
  const list = indexes === null ? null : Int32Array.from(indexes);
  const expected = expectedRows(columns, indexes, count);
  let result: { block: Uint8Array; batch: Batch } | undefined;
  for (const codec of CODECS) {
    const block = encodeVectorsBlock(columns, list, count, { codec });
    const batch = decodeBlockToBatch(block, `test ${codec}`, count);
    expect(batch.length).toBe(count);
    expect(batch.columns).toHaveLength(columns.length);
    if (kinds) expect(batch.columns.map((v) => v.kind)).toEqual(kinds);
    expectSame(rowsOfBatch(batch), expected);
    expectSame(decodeBlock(block, "rows"), expected);
    for (const v of batch.columns) {
      // nulls: a mask only when some value is null, and then the only authority.
      if (v.nulls !== null && count > 0) expect(v.nulls.some((x) => x === 1)).toBe(true);
    }
    if (codec === "none") result = { block, batch };
  }
  return result!;
}

const kindOf = (block: Uint8Array, column = 0): number => {
  // Kind byte of a column in an uncompressed block (columns before it must be NULL or small: only column 0 used here).
  expect(column).toBe(0);
  expect(block[5]).toBe(0);
  return block[HEADER]!;
};

describe("vector block round trips", () => {
  const indexLists: readonly (readonly number[] | null)[] = [null, [3, 1, 4, 1, 5, 9, 2, 6], [9, 9, 9], [0], [8, 7, 6, 5, 4, 3, 2, 1, 0], [2, 4]];
  const n = 10;
  const cases: readonly { name: string; vector: Vector; kind: Kind }[] = [
    { name: "f64 integers", vector: f64([0, 1, 2, 300, -5, 7, 1e6, 42, 3, 9]), kind: "f64" },
    { name: "f64 decimals with nulls", vector: f64([12.34, 0, 999.99, -1.5, 0.01, 100, 2.5, 7.25, 1.1, 3], [1, 6]), kind: "f64" },
    { name: "f64 doubles", vector: f64([0.1 + 0.2, NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 2 ** 60, 1 / 3]), kind: "f64" },
    { name: "f64 doubles with nulls", vector: f64([NaN, -0, 1e300, -1e-300, 0, 0, 0, Math.PI, 2 ** 53, -7], [4, 5, 6]), kind: "f64" },
    { name: "i32", vector: i32([0, -(2 ** 31), 2 ** 31 - 1, 5, 6, 7, 8, 9, -1, 1]), kind: "f64" },
    { name: "i32 with nulls", vector: i32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 9]), kind: "f64" },
    { name: "bool", vector: bool([true, false, true, true, false, false, true, false, true, true]), kind: "bool" },
    { name: "bool with nulls", vector: bool([true, false, true, true, false, false, true, false, true, true], [2, 3, 8]), kind: "bool" },
    { name: "str", vector: str(["a", "", "日本語", "😀👍🏽", "\uFEFFbom", "x,y\"z", "a", "b", "c", "d"]), kind: "str" },
    { name: "str with nulls", vector: str(["a", "", "b", "", "c", "", "d", "", "e", ""], [1, 3, 5]), kind: "str" },
    { name: "str with lone surrogates", vector: str(["\uD83D", "ok", "\uDE00x", "a", "b", "c", "d", "e", "f", "g"], [9]), kind: "any" },
    { name: "dict", vector: dict([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], ["x", "y", "z"]), kind: "dict" },
    { name: "dict with nulls", vector: dict([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], ["x", "", "日本"], [0, 4]), kind: "dict" },
    { name: "any numbers", vector: any([1, 2.5, null, 4, 5, 6, 7, 8, 9, 10]), kind: "f64" },
    { name: "any strings", vector: any(["a", "b", null, "a", "b", "a", "b", "a", "b", "a"]), kind: "dict" },
    { name: "any booleans", vector: any([true, false, null, true, true, false, true, false, true, true]), kind: "bool" },
    { name: "any mixed", vector: any([1, "a", true, null, [1, 2], { a: [null] }, [], -0, NaN, "b"]), kind: "any" },
    { name: "any with a null mask over values", vector: any([1, "ignored", 3, 4, 5, 6, 7, 8, 9, 10], [1]), kind: "f64" },
  ];

  for (const { name, vector, kind } of cases) {
    it(`round-trips ${name} through index lists`, () => {
      for (const indexes of indexLists) {
        const count = indexes === null ? n : indexes.length;
        const expected = expectedRows([vector], indexes, count);
        const allNull = expected.every((r) => r[0] === null);
        roundTrip([vector], indexes, count, [allNull ? "any" : kindFor(kind, vector, indexes, count)]);
      }
    });
  }

  /** The decoded kind follows the selected values (an any vector's, or whether a string column's repeat enough for a dictionary). */
  function kindFor(kind: Kind, vector: Vector, indexes: readonly number[] | null, count: number): Kind {
    const values = expectedRows([vector], indexes, count).map((r) => r[0]).filter((v) => v !== null);
    const types = new Set(values.map((v) => (typeof v === "object" ? "other" : typeof v)));
    if (types.size !== 1 || types.has("other")) return "any";
    if (types.has("number")) return "f64";
    if (types.has("boolean")) return "bool";
    const strings = values as string[];
    if (!(strings.join("") as string & { isWellFormed(): boolean }).isWellFormed()) return "any";
    expect(["str", "dict", "any"]).toContain(kind);
    return new Set(strings).size <= strings.length >>> 1 ? "dict" : "str";
  }

  it("encodes count 0 < length and blocks of every column as all null", () => {
    const columns = [f64([1, 2, 3]), i32([1, 2, 3]), bool([true, false, true]), str(["a", "b", "c"]), dict([0, 0, 0], ["a"]), any([1, "a", []])];
    const { block, batch } = roundTrip(columns, [], 0);
    expect(new DataView(block.buffer, block.byteOffset).getUint32(12, true)).toBe(columns.length);
    expect(batch.columns.map((v) => v.kind)).toEqual(columns.map(() => "any"));
    const nulls = [f64([1, 2], [0, 1]), i32([1, 2], [0, 1]), bool([true, true], [0, 1]), str(["a", "b"], [0, 1]), dict([0, 0], ["a"], [0, 1]), any([null, undefined])];
    const { block: nullBlock, batch: nullBatch } = roundTrip(nulls, [1, 0, 1], 3);
    expect(nullBlock[HEADER]).toBe(KIND.NULL);
    for (const v of nullBatch.columns) expect(v.nulls).toEqual(new Uint8Array(3).fill(1));
  });

  it("decodes each kind into its vector", () => {
    const columns = [f64([1.5, 2.25, 3]), f64([0.1 + 0.2, 1, 2]), i32([7, 8, 9]), bool([true, false, true]), str(["a", "b", "c"]), dict([1, 1, 1, 0], ["p", "q"]), any([[1], "a", 2]), f64([1, 2, 3], [0, 1, 2])];
    const batch = decodeBlockToBatch(encodeVectorsBlock(columns, Int32Array.from([0, 1, 2]), 3), "x");
    const [num, float, int, b, s, d, t, nul] = batch.columns as Vector[];
    expect(num!.kind === "f64" && Array.from(num!.values)).toEqual([1.5, 2.25, 3]);
    expect(float!.kind === "f64" && Array.from(float!.values)).toEqual([0.1 + 0.2, 1, 2]);
    expect(int!.kind === "f64" && int!.values).toBeInstanceOf(Float64Array);
    expect(b!.kind === "bool" && Array.from(b!.values)).toEqual([1, 0, 1]);
    expect(s!.kind === "str" && s!.values).toEqual(["a", "b", "c"]);
    expect(d!.kind === "dict" && [d!.dict, Array.from(d!.codes)]).toEqual([["q"], [0, 0, 0]]);
    expect(d!.kind === "dict" && d!.codes).toBeInstanceOf(Int32Array);
    expect(t!.kind === "any" && t!.values).toEqual([[1], "a", 2]);
    expect(nul!.kind).toBe("any");
    expect(batch.columns.slice(0, 7).map((v) => v.nulls)).toEqual(Array(7).fill(null));
    expect(nul!.nulls).toEqual(Uint8Array.from([1, 1, 1]));
  });

  it("gives TAGGED columns a null mask for their null values", () => {
    const batch = decodeBlockToBatch(encodeVectorsBlock([any([1, "a", null, [2]], [3])], null, 4), "x");
    const v = batch.columns[0]!;
    expect(v.kind).toBe("any");
    expect(v.nulls).toEqual(Uint8Array.from([0, 0, 1, 1]));
    expect(rowsOfBatch(batch)).toEqual([[1], ["a"], [null], [null]]);
  });

  it("round-trips a large random table through scattered index lists", () => {
    const random = seededRandom(17);
    const n = 20_000;
    const words = ["alpha", "beta", "gamma", "δέλτα", "", "日本語"];
    const nullsAt = () => Array.from({ length: n }, (_, i) => i).filter(() => random() < 0.1);
    const columns: Vector[] = [
      f64(Array.from({ length: n }, (_, i) => i)),
      f64(Array.from({ length: n }, () => Math.round(random() * 1e7) / 100), nullsAt()),
      f64(Array.from({ length: n }, () => (random() - 0.5) * 1e9), nullsAt()),
      i32(Array.from({ length: n }, () => Math.floor(random() * 2 ** 31) - 2 ** 30), nullsAt()),
      bool(Array.from({ length: n }, () => random() < 0.5), nullsAt()),
      str(Array.from({ length: n }, () => `c-${Math.floor(random() * 1e6)}-${words[Math.floor(random() * words.length)]}`), nullsAt()),
      dict(Array.from({ length: n }, () => Math.floor(random() * words.length)), words, nullsAt()),
      any(Array.from({ length: n }, () => (random() < 0.5 ? [random(), 1] : random() < 0.5 ? "s" : null))),
    ];
    const ids = Array.from({ length: n }, () => Math.floor(random() * 7));
    for (let p = 0; p < 7; p++) {
      const indexes = ids.flatMap((q, i) => (q === p ? [i] : []));
      const { batch } = roundTrip(columns, indexes, indexes.length);
      expect(batch.columns.map((v) => v.kind)).toEqual(["f64", "f64", "f64", "f64", "bool", "str", "dict", "any"]);
    }
  });

  it("keeps a surrogate pair split between two strings, wherever it falls", () => {
    for (const at of [0, 100, 255, 256, 511]) {
      const values = Array.from({ length: 600 }, (_, i) => (i === at ? "x\uD83D" : i === at + 1 ? "\uDE00y" : `v${i}`));
      const { block } = roundTrip([str(values)], null, values.length, ["str"]);
      expect(kindOf(block)).toBe(KIND.STRING);
      expect(Buffer.from(block)).toEqual(Buffer.from(encodeBlock(values.map((v) => [v]), { codec: "none" })));
    }
    // A lone surrogate anywhere: TAGGED, as rows.
    const lone = Array.from({ length: 600 }, (_, i) => (i === 300 ? "\uDE00" : `v${i}`));
    expect(kindOf(roundTrip([str(lone)], null, lone.length, ["any"]).block)).toBe(KIND.TAGGED);
  });

  it("encodes long text beyond ASCII", () => {
    const values = Array.from({ length: 5000 }, (_, i) => `${"😀日本".repeat(1 + (i % 7))}${i}`);
    roundTrip([str(values)], null, values.length, ["str"]);
    roundTrip([str(values)], Array.from({ length: 2500 }, (_, k) => 4999 - 2 * k), 2500, ["str"]);
  });
});

describe("dictionary vectors", () => {
  const entries = Array.from({ length: 1000 }, (_, i) => `entry-${i}`);

  it("encode only the entries the selected rows use, numbered in order of first use", () => {
    const codes = Array.from({ length: 1000 }, (_, i) => i);
    const v = dict(codes, entries, [7]);
    const indexes = [900, 5, 7, 900, 5, 900, 5, 900];
    const { block, batch } = roundTrip([v], indexes, indexes.length, ["dict"]);
    const out = batch.columns[0]!;
    if (out.kind !== "dict") throw new Error(out.kind);
    expect(out.dict).toEqual(["entry-900", "entry-5"]);
    expect(Array.from(out.codes)).toEqual([0, 1, 0, 0, 1, 0, 1, 0]);
    expect(out.nulls).toEqual(Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 0]));
    // No trace of the unused 998 entries: the block is small.
    expect(block.length).toBeLessThan(HEADER + 60);
    expect(kindOf(block)).toBe(KIND.DICT);
  });

  it("merge entries that hold the same string", () => {
    const v = dict([0, 1, 2, 3, 0, 1], ["a", "b", "a", "b"]);
    const batch = decodeBlockToBatch(encodeVectorsBlock([v], null, 6), "x");
    const out = batch.columns[0]!;
    expect(out.kind === "dict" && [out.dict, Array.from(out.codes)]).toEqual([["a", "b"], [0, 1, 0, 1, 0, 1]]);
  });

  it("remap through a map when the dictionary dwarfs the block", () => {
    const huge = Array.from({ length: 50_000 }, (_, i) => `k${i}`);
    const codes = Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 50_000);
    const indexes = [10, 20, 10, 20, 30, 10, 20, 30, 10, 10];
    const { batch } = roundTrip([dict(codes, huge)], indexes, indexes.length, ["dict"]);
    const out = batch.columns[0]!;
    expect(out.kind === "dict" && out.dict).toEqual(["k29190", "k8380", "k37570"]);
  });

  it("fall back to strings when the rows use too many entries, as rows would", () => {
    const codes = Array.from({ length: 1000 }, (_, i) => i);
    const indexes = Array.from({ length: 300 }, (_, k) => (k * 37) % 1000);
    const { block } = roundTrip([dict(codes, entries)], indexes, indexes.length, ["str"]);
    expect(kindOf(block)).toBe(KIND.STRING);
    // Wide dictionaries (more than 256 entries) take two-byte indices.
    const wide = Array.from({ length: 2000 }, (_, i) => i % 700);
    const wideBlock = roundTrip([dict(wide, entries)], null, wide.length, ["dict"]).block;
    expect(kindOf(wideBlock)).toBe(KIND.DICT);
  });

  it("refuse a code outside the dictionary", () => {
    expect(() => encodeVectorsBlock([dict([0, 5], ["a"])], null, 2)).toThrow(RangeError);
  });
});

describe("vectors and rows make the same blocks", () => {
  /** Encodes the vectors through the index list and the same values as rows; the blocks must be equal, byte for byte. */
  function expectSameBlock(columns: readonly Vector[], indexes: readonly number[] | null, count: number): void {
    const rows = expectedRows(columns, indexes, count);
    for (const codec of CODECS) {
      const fromVectors = encodeVectorsBlock(columns, indexes === null ? null : Int32Array.from(indexes), count, { codec });
      const fromRows = encodeBlock(rows, { codec });
      expect(Buffer.from(fromVectors).equals(Buffer.from(fromRows))).toBe(true);
    }
  }

  it("for every kind, with and without nulls", () => {
    const random = seededRandom(5);
    const n = 3000;
    const nullsAt = () => Array.from({ length: n }, (_, i) => i).filter(() => random() < 0.2);
    const categories = ["food", "toys", "books", "", "日本"];
    const columns: Vector[] = [
      f64(Array.from({ length: n }, (_, i) => i * 3)),
      f64(Array.from({ length: n }, () => Math.round(random() * 1e6) / 100), nullsAt()),
      f64(Array.from({ length: n }, () => Math.round(random() * 1e6) / 1e6)),
      f64(Array.from({ length: n }, () => random() * 1e9), nullsAt()),
      f64(Array.from({ length: n }, (_, i) => [NaN, -0, Infinity, 1][i % 4]!)),
      f64(Array.from({ length: n }, () => Math.floor(random() * 2 ** 40))),
      i32(Array.from({ length: n }, () => Math.floor(random() * 200))),
      i32(Array.from({ length: n }, () => Math.floor(random() * 2 ** 31) - 2 ** 30), nullsAt()),
      bool(Array.from({ length: n }, () => random() < 0.3), nullsAt()),
      str(Array.from({ length: n }, () => categories[Math.floor(random() * 5)]!), nullsAt()),
      str(Array.from({ length: n }, (_, i) => `id-${i}-${random()}`)),
      str(Array.from({ length: n }, (_, i) => `v${i % 400}`)),
      dict(Array.from({ length: n }, () => Math.floor(random() * 5)), categories, nullsAt()),
      dict(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => `e${i}`)),
      any(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? [i, "x"] : i % 3 === 1 ? `s${i}` : null))),
      any(Array.from({ length: n }, () => null)),
    ];
    expectSameBlock(columns, null, n);
    for (const size of [1, 2, 9, 100, 2500]) {
      const indexes = Array.from({ length: size }, () => Math.floor(random() * n));
      expectSameBlock(columns, indexes, size);
      expectSameBlock(columns, [...indexes].sort((a, b) => a - b), size);
    }
  });

  it("for i32 and f64 vectors of the same numbers", () => {
    for (const values of [[0, 1, 255], [-100, -1, 155], [1000, 66_535, 5], [0, 2 ** 31 - 1, -(2 ** 31)], [7, 7, 7]]) {
      const indexes = Int32Array.from([2, 0, 1, 1]);
      const a = encodeVectorsBlock([i32(values)], indexes, 4, { codec: "none" });
      const b = encodeVectorsBlock([f64(values)], indexes, 4, { codec: "none" });
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      expect(kindOf(a)).toBe(KIND.NUMBER);
      expect(rowsOfBatch(decodeBlockToBatch(a, "i32"))).toEqual(rowsOfBatch(decodeBlockToBatch(b, "f64")));
    }
  });

  it("when the block comes from the rows API", () => {
    const rows: Row[] = [
      [1, "a", 2.5, true, null, [1, 2] as unknown as Value],
      [2, "", -1, false, "x", []],
    ];
    const batch = decodeBlockToBatch(encodeBlock(rows), "x", 2);
    expect(rowsOfBatch(batch)).toEqual(rows);
    expect(encodeVectorsBlock(batch.columns, null, 2)).toEqual(encodeBlock(rows));
  });
});

describe("vector block arguments and errors", () => {
  it("refuses index lists that do not fit the vectors", () => {
    const v = f64([1, 2, 3]);
    expect(() => encodeVectorsBlock([v], Int32Array.from([0, 1]), 3)).toThrow(/3 rows, but 2 indexes/);
    expect(() => encodeVectorsBlock([v], Int32Array.from([0, 3]), 2)).toThrow(/column 0 holds 3 values, row 3 is selected/);
    expect(() => encodeVectorsBlock([v], Int32Array.from([-1]), 1)).toThrow(RangeError);
    expect(() => encodeVectorsBlock([v], null, 4)).toThrow(RangeError);
    expect(() => encodeVectorsBlock([v], null, -1)).toThrow(RangeError);
    // Only the first `count` indexes count.
    expect(rowsOfBatch(decodeBlockToBatch(encodeVectorsBlock([v], Int32Array.from([2, 99]), 1), "x"))).toEqual([[3]]);
  });

  it("keeps bigints (decimals' unscaled values) exact in an any vector, beyond 2^64 and negative", () => {
    const big = -(10n ** 37n) - 7n;
    expect(rowsOfBatch(decodeBlockToBatch(encodeVectorsBlock([any([1230n, big, 0n])], null, 3), "x"))).toEqual([[1230n], [big], [0n]]);
    // A masked slot is null whatever it holds.
    expect(rowsOfBatch(decodeBlockToBatch(encodeVectorsBlock([any([1, 2n], [1])], null, 2), "x"))).toEqual([[1], [null]]);
  });

  it("reports corrupt blocks as CorruptBlockError", () => {
    const block = encodeVectorsBlock([str(["a", "b", "c"])], null, 3);
    expect(() => decodeBlockToBatch(block, "obj", 4)).toThrow(CorruptBlockError);
    const bad = block.slice();
    bad[HEADER + 2]! ^= 1;
    expect(() => decodeBlockToBatch(bad, "obj")).toThrow(/shuffle block obj is corrupt: checksum mismatch/);
  });

  it("encodes one block after another, large and small, independently", () => {
    const big = [str(Array.from({ length: 50_000 }, (_, i) => `long value number ${i}`)), f64(Array.from({ length: 50_000 }, (_, i) => i / 8))];
    const small = [str(["a", "b"]), f64([1, 2])];
    const first = encodeVectorsBlock(small, null, 2);
    encodeVectorsBlock(big, null, 50_000);
    expect(encodeVectorsBlock(small, null, 2)).toEqual(first);
    expect(rowsOfBatch(decodeBlockToBatch(first, "x"))).toEqual([["a", 1], ["b", 2]]);
  });

  it("survives a toJSON() that encodes a block of its own", () => {
    const inner = [str(Array.from({ length: 5000 }, (_, i) => `inner ${i}`))];
    let innerBlock: Uint8Array | undefined;
    const sneaky = {
      toJSON() {
        innerBlock = encodeVectorsBlock(inner, null, 5000);
        return "replaced";
      },
    };
    const columns = [f64([1.5, 2.5, 3.5]), any([sneaky, [1], "x"]), str(["p", "q", "r"])];
    const block = encodeVectorsBlock(columns, null, 3);
    expect(rowsOfBatch(decodeBlockToBatch(block, "outer"))).toEqual([
      [1.5, "replaced", "p"],
      [2.5, [1], "q"],
      [3.5, "x", "r"],
    ]);
    expect(rowsOfBatch(decodeBlockToBatch(innerBlock!, "inner"))).toEqual(inner[0]!.kind === "str" ? inner[0]!.values.map((s) => [s]) : []);
  });
});
