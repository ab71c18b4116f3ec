import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  BLOCK_FORMAT_VERSION,
  CorruptBlockError,
  DEFAULT_CODEC,
  MIN_COMPRESS_BYTES,
  decodeBlock,
  encodeBlock,
  type BlockCodec,
} from "../../../executor-fn/io/block-codec.ts";
import type { Row, Value } from "../../../shared/plan/types.ts";
import { seededRandom } from "../../../shared/random.ts";

const HEADER = 28;
const CODECS: readonly BlockCodec[] = ["none", "deflate", "brotli"];
const CODEC_ID: Record<BlockCodec, number> = { none: 0, deflate: 1, brotli: 2 };
const KIND = { NULL: 0, BOOL: 1, NUMBER: 2, FLOAT64: 3, STRING: 4, DICT: 5, TAGGED: 6 };

/** Encodes with each codec and expects the rows back, deep-equal; returns the default block. */
function roundTrip(rows: readonly Row[]): Uint8Array {
  for (const codec of CODECS) {
    const back = decodeBlock(encodeBlock(rows, { codec }), `test ${codec}`);
    expect(back).toEqual(rows);
  }
  return encodeBlock(rows);
}

const column = (values: readonly unknown[]): Row[] => values.map((v) => [v as Value]);

/** The kind byte of the first column of an uncompressed block. */
const firstKind = (rows: readonly Row[]) => encodeBlock(rows, { codec: "none" })[HEADER]!;

/** The CRC the writer puts at byte 24, recomputed after a test edits the block. */
function reseal(block: Uint8Array): Uint8Array {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  view.setUint32(24, zlib.crc32(block.subarray(HEADER), zlib.crc32(block.subarray(0, 24))), true);
  return block;
}

function corruptError(f: () => unknown, where: string): CorruptBlockError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptBlockError);
    const error = e as CorruptBlockError;
    expect(error.where).toBe(where);
    expect(error.message).toContain(where);
    return error;
  }
  throw new Error("expected a CorruptBlockError, the block decoded");
}

function randomRows(count: number, seed: number): Row[] {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const categories = ["electronics", "groceries", "clothing", "home", "toys", "", "日本語", "naïve"];
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const maybe = <T extends Value>(v: T): T | null => (random() < 0.05 ? null : v);
    rows.push([
      i,
      maybe(pick(categories)),
      maybe(Math.round(random() * 1e7) / 100 - 50_000),
      maybe((random() - 0.5) * 1e6),
      maybe(`cust-${Math.floor(random() * 50_001)} ${"x".repeat(Math.floor(random() * 5))}`),
      maybe(random() < 0.5),
      maybe(Math.floor(random() * 2 ** 40) - 2 ** 39),
      random() < 0.3 ? null : random() < 0.5 ? [random(), Math.floor(random() * 100)] : pick([[], ["a", "b"], '["x"]', 7]),
    ] as Row);
  }
  return rows;
}

describe("block codec round trip", () => {
  it("has version 1 and compresses with brotli by default (see the measurements in block-codec.ts)", () => {
    expect(BLOCK_FORMAT_VERSION).toBe(1);
    expect(DEFAULT_CODEC).toBe("brotli");
  });

  it("encodes an empty block", () => {
    const block = roundTrip([]);
    expect(block.length).toBe(HEADER);
    expect(decodeBlock(block, "empty")).toEqual([]);
  });

  it("encodes rows with no columns", () => {
    roundTrip([[], [], []]);
    expect(decodeBlock(encodeBlock([[]]), "x")).toEqual([[]]);
  });

  it("encodes all-null columns and nulls everywhere", () => {
    roundTrip([[null, null], [null, null], [null, null]]);
    expect(firstKind(column([null, null]))).toBe(KIND.NULL);
    // Nulls at the start, end and across bitmap byte boundaries in every kind of column.
    const at = (i: number) => i === 0 || i === 7 || i === 8 || i === 16 || i === 20;
    const rows: Row[] = [];
    for (let i = 0; i < 21; i++) {
      rows.push(at(i) ? [null, null, null, null, null, null, null] : [i, i + 0.5, `s${i}`, "dup", i % 2 === 0, [`${i}`], i % 3 === 0 ? "s" : i]);
    }
    roundTrip(rows);
  });

  it("keeps undefined as null, as JSON lines did", () => {
    expect(decodeBlock(encodeBlock([[undefined as unknown as Value, 1]]), "x")).toEqual([[null, 1]]);
  });

  it("encodes integers in 1, 2 or 4 bytes from the column's minimum", () => {
    for (const values of [
      [0, 1, 255],
      [-100, -1, 155],
      [1000, 65_535 + 1000],
      [0, 2 ** 31 - 1, -(2 ** 31)],
      [2 ** 32 - 1, 0],
      [1_704_067_200_000, 1_704_067_200_000 + 2 ** 32 - 1],
    ]) {
      roundTrip(column(values));
      expect(firstKind(column(values))).toBe(KIND.NUMBER);
    }
    const width = (values: number[]) => encodeBlock(column(values), { codec: "none" })[HEADER + 3];
    expect(width([5, 260])).toBe(1);
    expect(width([0, 256])).toBe(2);
    expect(width([0, 70_000])).toBe(4);
  });

  it("falls back to doubles for integers spread over more than 32 bits", () => {
    const values = [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, 2 ** 53, -(2 ** 53), 2 ** 60];
    roundTrip(column(values));
    expect(firstKind(column(values))).toBe(KIND.FLOAT64);
    expect(firstKind(column([2 ** 31, -(2 ** 31)]))).toBe(KIND.FLOAT64);
  });

  it("encodes decimals exactly as scaled integers", () => {
    for (const values of [
      [12.34, 0.01, 999.99, -1.5, 0, 100],
      [0.1, 0.2, 0.30000000000000004 - 0.00000000000000004],
      [1.000001, 2.5, -3.123456],
    ]) {
      const back = decodeBlock(encodeBlock(column(values)), "x");
      back.forEach((row, i) => expect(Object.is(row[0], values[i])).toBe(true));
      expect(firstKind(column(values))).toBe(KIND.NUMBER);
    }
    // 0.1 + 0.2 is not the double nearest any k / 10^s with s ≤ 6: it stays a double.
    expect(firstKind(column([0.1 + 0.2, 1]))).toBe(KIND.FLOAT64);
  });

  it("keeps the exact bits of doubles, NaN, infinities and -0 included", () => {
    const values = [0.1 + 0.2, 1e300, -1.5, 2 ** 53, Math.PI, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, NaN, Infinity, -Infinity, -0, 0, 1 / 3];
    roundTrip(column(values));
    const back = decodeBlock(encodeBlock(column(values)), "x");
    back.forEach((row, i) => expect(Object.is(row[0], values[i])).toBe(true));
    for (const alone of [[-0], [-0, 1], [NaN], [0 / 0, 2], [Infinity, 1]]) {
      const decoded = decodeBlock(encodeBlock(column(alone)), "x");
      decoded.forEach((row, i) => expect(Object.is(row[0], alone[i])).toBe(true));
    }
    // Exact inside aggregation states too, where JSON would have made them null.
    const states = column([[NaN, 0], [-0, Infinity], [1e300, -1e-300]]);
    const decoded = decodeBlock(encodeBlock(states), "x");
    decoded.forEach((row, i) => (row[0] as unknown as number[]).forEach((v, j) => expect(Object.is(v, (states[i]![0] as unknown as number[])[j])).toBe(true)));
  });

  it("encodes booleans as a bitmap", () => {
    const values = Array.from({ length: 37 }, (_, i) => i % 3 === 0);
    roundTrip(column(values));
    roundTrip(column([true, null, false, null]));
    expect(firstKind(column(values))).toBe(KIND.BOOL);
  });

  it("keeps empty strings apart from nulls", () => {
    roundTrip(column(["", null, "", "a", null]));
    roundTrip(column(["", ""]));
    roundTrip(column(["", "", "", null, null, null]));
  });

  it("encodes unicode text", () => {
    const values = [
      "😀👍🏽👨‍👩‍👧",
      "日本語のテキスト",
      "한국어",
      "e\u0301 combining",
      "\uFEFFleading BOM",
      "\u0000nul\u0000",
      "line\nbreak,comma\"quote",
      "𝕏".repeat(100),
      "",
      "ascii",
    ];
    roundTrip(column(values));
    roundTrip(column(["\uFEFF"]));
    expect(firstKind(column(values))).toBe(KIND.STRING);
  });

  it("keeps lone surrogates", () => {
    roundTrip(column(["\uD83D", "ok", "\uDE00x", "\uDE00\uD83D"]));
    // Two halves in neighbouring values join to a well-formed pair in the column text.
    roundTrip(column(["\uD83D", "\uDE00", "a"]));
    roundTrip(column([["\uD800"], { "\uDFFF": "\uD800" }]));
  });

  it("uses a dictionary for low-cardinality strings", () => {
    const categories = ["food", "toys", "books", "", "日本"];
    const values = Array.from({ length: 1000 }, (_, i) => (i % 11 === 0 ? null : categories[i % categories.length]!));
    roundTrip(column(values));
    expect(firstKind(column(values))).toBe(KIND.DICT);
    // More than 256 distinct values: two-byte indices.
    const wide = Array.from({ length: 2000 }, (_, i) => `v${i % 700}`);
    roundTrip(column(wide));
    expect(firstKind(column(wide))).toBe(KIND.DICT);
    // Mostly distinct: plain strings.
    expect(firstKind(column(Array.from({ length: 100 }, (_, i) => `v${i}`)))).toBe(KIND.STRING);
  });

  it("carries aggregation states and any JSON value", () => {
    const states: unknown[] = [
      [1.5, 3],
      [],
      ['"a"'],
      [null],
      [0, 0],
      ['"x"', '["a","b"]', "1"],
      [[1, 2], ["a"]],
      { a: 1, b: [true, false, null], c: { d: "e" } },
      -7,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      "text",
      true,
      null,
    ];
    roundTrip(column(states));
    expect(firstKind(column(states))).toBe(KIND.TAGGED);
    roundTrip(column([[1.5, 3], [0, 0], [2.25, 1]]));
    roundTrip(column([[], [], []]));
    roundTrip(column(["a", 1, true, null]));
    roundTrip(column([["a", "b"], ["c"], [], null]));
  });

  it("keeps a __proto__ key as data", () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Value;
    const [[back]] = decodeBlock(encodeBlock([[value]]), "x") as unknown as [[Record<string, unknown>]];
    expect(Object.keys(back)).toEqual(["__proto__", "y"]);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
  });

  it("follows JSON.stringify for values JSON cannot carry", () => {
    const date = new Date(Date.UTC(2024, 0, 2));
    const cell = [date, undefined, { keep: 1, drop: undefined }] as unknown as Value;
    expect(decodeBlock(encodeBlock([[cell]]), "x")).toEqual([[JSON.parse(JSON.stringify(cell))]]);
    // Unlike JSON, bigints (decimals' unscaled values, also inside aggregation states) round-trip.
    expect(decodeBlock(encodeBlock([[10n as unknown as Value]]), "x")).toEqual([[10n]]);
    expect(decodeBlock(encodeBlock([[[10n, 2] as unknown as Value]]), "x")).toEqual([[[10n, 2]]]);
  });

  it("refuses rows of different lengths", () => {
    expect(() => encodeBlock([[1, 2], [3]])).toThrow(/row 1 has 1 values, row 0 has 2/);
  });

  it("round-trips a 200k-row random block, compressed", () => {
    const rows = randomRows(200_000, 7);
    const block = roundTrip(rows);
    expect(block[5]).toBe(CODEC_ID[DEFAULT_CODEC]);
    expect(decodeBlock(block, "big", rows.length)).toEqual(rows);
  });

  it("decodes a block in the middle of a larger object", () => {
    const a = encodeBlock(randomRows(50, 1));
    const b = encodeBlock(randomRows(3000, 2));
    const object = new Uint8Array(a.length + b.length + 5);
    object.set(a, 0);
    object.set(b, a.length);
    expect(decodeBlock(object.subarray(0, a.length), "o@0")).toEqual(randomRows(50, 1));
    expect(decodeBlock(object.subarray(a.length, a.length + b.length), `o@${a.length}`)).toEqual(randomRows(3000, 2));
  });

  it("stores small or incompressible payloads uncompressed", () => {
    expect(encodeBlock([[1, "a"]])[5]).toBe(0);
    // Doubles of random bits (any exponent): nothing for deflate to find.
    const random = seededRandom(3);
    const bits = new DataView(new ArrayBuffer(8));
    const noise = Array.from({ length: 400 }, () => {
      bits.setUint32(0, random() * 2 ** 32);
      bits.setUint32(4, random() * 2 ** 32);
      return [bits.getFloat64(0)] as Row;
    });
    expect(encodeBlock(noise).length).toBeGreaterThan(HEADER + MIN_COMPRESS_BYTES);
    expect(encodeBlock(noise)[5]).toBe(0);
    expect(decodeBlock(encodeBlock(noise), "x")).toEqual(noise);
  });

  it("is smaller than half the CSV text of transaction rows", () => {
    const random = seededRandom(11);
    const categories = ["electronics", "groceries", "clothing", "home", "toys", "sports", "books", "beauty", "automotive", "garden", "health", "music"];
    const rows: Row[] = Array.from({ length: 50_000 }, (_, i) => [
      i,
      categories[Math.floor(random() * categories.length)]!,
      Math.round(random() * 100_000) / 100,
      new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 366 * 86_400) * 1000).toISOString().slice(0, 19).replace("T", " "),
      `cust-${Math.floor(random() * 50_001)}`,
    ]);
    const csv = Buffer.byteLength(rows.map((r) => r.join(",")).join("\n") + "\n");
    const block = roundTrip(rows);
    expect(block.length).toBeLessThan(csv / 2);
  });
});

describe("block codec corruption", () => {
  const small = encodeBlock([
    [1, "a", 2.5, true, null, [1, 2] as unknown as Value],
    [2, "", -1, false, "x", []],
  ]);
  const large = encodeBlock(randomRows(5000, 5));
  const largeRaw = encodeBlock(randomRows(5000, 5), { codec: "none" });
  const largeBrotli = encodeBlock(randomRows(5000, 5), { codec: "brotli" });

  it("detects a flipped byte anywhere in a small block", () => {
    expect(small[5]).toBe(0);
    for (let i = 0; i < small.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = small.slice();
        bad[i]! ^= mask;
        corruptError(() => decodeBlock(bad, `obj@${i}`), `obj@${i}`);
      }
    }
  });

  it("detects flipped bytes across large blocks of every codec", () => {
    expect(large[5]).toBe(CODEC_ID[DEFAULT_CODEC]);
    expect(largeBrotli[5]).toBe(CODEC_ID.brotli);
    const random = seededRandom(99);
    for (const block of [large, largeRaw, largeBrotli]) {
      const positions = [...Array.from({ length: HEADER }, (_, i) => i), block.length - 1, ...Array.from({ length: 300 }, () => Math.floor(random() * block.length))];
      for (const i of positions) {
        const bad = block.slice();
        bad[i]! ^= 1 + Math.floor(random() * 255);
        corruptError(() => decodeBlock(bad, "s3://bucket/shuffle/map-3@1024"), "s3://bucket/shuffle/map-3@1024");
      }
    }
  });

  it("names a checksum mismatch", () => {
    const bad = large.slice();
    bad[HEADER + 10]! ^= 4;
    expect(corruptError(() => decodeBlock(bad, "obj@0"), "obj@0").message).toMatch(/checksum mismatch: stored CRC32 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
  });

  it("detects truncation at every length", () => {
    for (let n = 0; n < small.length; n++) {
      const error = corruptError(() => decodeBlock(small.subarray(0, n), "obj"), "obj");
      expect(error.reason).toMatch(/^truncated: expected (at least )?\d+ bytes/);
    }
    expect(corruptError(() => decodeBlock(small.subarray(0, HEADER + 1), "obj"), "obj").reason).toBe(`truncated: expected ${small.length} bytes got ${HEADER + 1}`);
    for (const block of [large, largeRaw, largeBrotli]) {
      for (let n = 0; n < block.length; n += 97) corruptError(() => decodeBlock(block.subarray(0, n), "obj"), "obj");
      corruptError(() => decodeBlock(block.subarray(0, block.length - 1), "obj"), "obj");
    }
  });

  it("detects trailing bytes", () => {
    const longer = new Uint8Array(small.length + 1);
    longer.set(small);
    expect(corruptError(() => decodeBlock(longer, "obj"), "obj").reason).toBe(`length mismatch: expected ${small.length} bytes got ${small.length + 1}`);
  });

  it("refuses other format versions, saying which it supports", () => {
    const bad = reseal(small.slice());
    bad[4] = 2;
    reseal(bad);
    expect(corruptError(() => decodeBlock(bad, "obj@7"), "obj@7").message).toBe("shuffle block obj@7 is corrupt: unsupported version 2: this reader supports version 1");
  });

  it("names bad magic", () => {
    const bad = small.slice();
    bad[0] = 0x7b; // "{", as a JSON-lines block starts
    expect(corruptError(() => decodeBlock(bad, "obj"), "obj").reason).toMatch(/^bad magic: expected 53 46 42 4b \("SFBK"\), got 7b 46 42 4b/);
    corruptError(() => decodeBlock(new TextEncoder().encode('[1,"a"]\n'), "obj"), "obj");
  });

  it("names a row count that differs from the writer's", () => {
    expect(corruptError(() => decodeBlock(small, "obj", 3), "obj").reason).toBe("row count mismatch: the block holds 2 rows, expected 3");
    expect(decodeBlock(small, "obj", 2)).toHaveLength(2);
  });

  it("wraps malformed payloads that pass the checksum (writer bugs) in CorruptBlockError", () => {
    const bad = (edit: (b: Uint8Array) => void): Uint8Array => {
      const b = small.slice();
      edit(b);
      return reseal(b);
    };
    const reasons = [
      bad((b) => (b[HEADER] = 42)), // unknown column kind
      bad((b) => (b[HEADER + 1] = 6)), // unknown flags
      bad((b) => (b[5] = 9)), // unknown codec
      bad((b) => new DataView(b.buffer).setUint32(12, 7, true)), // more columns than the payload holds
      bad((b) => new DataView(b.buffer).setUint32(8, 3, true)), // more rows than the payload holds
      bad((b) => new DataView(b.buffer).setUint32(8, 1, true)), // fewer rows: bytes left over
      bad((b) => new DataView(b.buffer).setUint32(8, 2 ** 32 - 1, true)), // absurd row count
      bad((b) => (b[5] = 1)), // claims deflate, holds raw bytes
    ].map((b) => corruptError(() => decodeBlock(b, "obj"), "obj").reason);
    expect(reasons[0]).toBe("column 0 has unknown kind 42");
    expect(reasons[2]).toBe("unknown codec id 9");
    expect(reasons[7]).toMatch(/^deflate payload does not decompress/);
    // Invalid UTF-8 inside a string column.
    const text = encodeBlock(column(["abc"]), { codec: "none" });
    text[text.length - 2] = 0xff;
    expect(corruptError(() => decodeBlock(reseal(text), "obj"), "obj").reason).toMatch(/^payload does not decode/);
  });
});
