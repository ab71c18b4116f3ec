/**
 * The radix sort of row indexes against a comparator sort written here from Spark's ordering
 * rules (nulls first or last whatever the direction, NaN above every number, -0 equal to 0,
 * strings in code point order, ties in input order), over random keys of every kind it takes.
 */
import { describe, expect, it } from "vitest";
import { radixSortIndex, type SortOrder } from "../../../executor-fn/operators/radix-sort.ts";
import { sortIndex } from "../../../executor-fn/operators/sort.ts";
import type { Vector } from "../../../shared/batch/vector.ts";
import { prng } from "../../support/prng.ts";

type Key = { vector: Vector; value: (i: number) => number | string | boolean | null };

const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
function compareCodePoints(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
function compareSpark(a: number | string | boolean, b: number | string | boolean): number {
  if (typeof a === "string") return compareCodePoints(a, b as string);
  if (typeof a === "boolean") return Number(a) - Number(b);
  const bn = b as number;
  if (a !== a) return bn !== bn ? 0 : 1;
  if (bn !== bn) return -1;
  return a < bn ? -1 : a > bn ? 1 : 0; // -0 === 0
}

function reference(keys: readonly Key[], orders: readonly SortOrder[], count: number): number[] {
  const rows = Array.from({ length: count }, (_, i) => i);
  return rows.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const x = keys[j]!.value(a);
      const y = keys[j]!.value(b);
      const { ascending, nullsFirst } = orders[j]!;
      if (x === null || y === null) {
        if (x === null && y === null) continue;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const c = compareSpark(x, y);
      if (c !== 0) return ascending ? c : -c;
    }
    return a - b;
  });
}

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1, -1, 2 ** 53, -(2 ** 53), 5e-324, -5e-324, 1.5, -1.5];
const STRINGS = ["", "a", "b", "ab", "B", "é", "e\u0301", "😀", "\uffff", "z", "a"]; // "a" twice: equal entries

function randomKey(random: () => number, count: number): Key {
  const nulls = random() < 0.6 ? Uint8Array.from({ length: count }, () => (random() < 0.2 ? 1 : 0)) : null;
  const isNull = (i: number) => nulls !== null && nulls[i] === 1;
  const kind = Math.floor(random() * 4);
  const few = random() < 0.5; // few distinct values: many ties
  if (kind === 0) {
    const values = Float64Array.from({ length: count }, () =>
      random() < 0.3 ? SPECIAL[Math.floor(random() * SPECIAL.length)]! : few ? Math.floor(random() * 4) : (random() - 0.5) * 10 ** Math.floor(random() * 12),
    );
    return { vector: { kind: "f64", values, nulls }, value: (i) => (isNull(i) ? null : values[i]!) };
  }
  if (kind === 1) {
    const values = Int32Array.from({ length: count }, () =>
      random() < 0.1 ? [-2147483648, 2147483647, 0, -1][Math.floor(random() * 4)]! : Math.floor((random() - 0.5) * (few ? 6 : 2 ** 32)),
    );
    return { vector: { kind: "i32", values, nulls }, value: (i) => (isNull(i) ? null : values[i]!) };
  }
  if (kind === 2) {
    const values = Uint8Array.from({ length: count }, () => (random() < 0.5 ? 1 : 0));
    return { vector: { kind: "bool", values, nulls }, value: (i) => (isNull(i) ? null : values[i] === 1) };
  }
  const dict = STRINGS.filter(() => random() < 0.8);
  if (dict.length === 0) dict.push("x");
  const codes = Int32Array.from({ length: count }, () => Math.floor(random() * dict.length));
  return { vector: { kind: "dict", codes, dict, nulls }, value: (i) => (isNull(i) ? null : dict[codes[i]!]!) };
}

/** Dictionary ranks computed here: entries sorted by code points, equal strings one rank. */
function ranks(dict: readonly string[]): Int32Array {
  const distinct = [...new Set(dict)].sort(compareCodePoints);
  return Int32Array.from(dict, (s) => distinct.indexOf(s));
}

describe("radixSortIndex", () => {
  it("orders random keys of every kind as Spark does, stably, for one to three keys", () => {
    const random = prng(20261202);
    for (let trial = 0; trial < 300; trial++) {
      const count = [0, 1, 2, 3, 17, 100, 1000][Math.floor(random() * 7)]!;
      const keys = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomKey(random, count));
      const orders = keys.map(() => ({ ascending: random() < 0.5, nullsFirst: random() < 0.5 }));
      const got = radixSortIndex(keys.map((k) => k.vector), orders, count, ranks);
      expect(got).not.toBeNull();
      expect(Array.from(got!)).toEqual(reference(keys, orders, count));
    }
  });

  it("gives the operator's comparator order too (sortIndex), and declines plain strings", () => {
    const values = ["b", "a", "", "é", "a"];
    const str: Vector = { kind: "str", values, nulls: Uint8Array.from([0, 0, 0, 0, 1]) };
    const order = [{ ascending: true, nullsFirst: false }];
    expect(radixSortIndex([str], order, 5, ranks)).toBeNull();
    const key: Key = { vector: str, value: (i) => (i === 4 ? null : values[i]!) };
    expect(Array.from(sortIndex([str], order, 5))).toEqual(reference([key], order, 5));
  });
});
