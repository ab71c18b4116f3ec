/**
 * The aggregate states of executor-fn/operators/aggregate/ one by one: folded in one pass, or
 * cut into partitions whose partial states merge (through vectors, as the shuffle carries them,
 * and boxed, as spilled runs merge), against references written plainly here: two-pass
 * textbook formulas for the moments, loops for the rest. Values: nulls, NaN, ±Infinity, -0.0,
 * empty groups, one row, large values with a small spread.
 */
import { describe, expect, it } from "vitest";
import { aggState, type AggOptions } from "../../../executor-fn/operators/aggregate/states.ts";
import { valueAt, vectorFromValues, type Vector } from "../../../shared/batch/vector.ts";
import type { AggFn } from "../../../shared/plan/expr.ts";
import type { DataType, Value } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

type Pair = readonly [Value, Value];

/** One group's values (pairs for two-argument functions), folded by one state. */
function onePass(fn: AggFn, type: DataType, rows: readonly Pair[], options: AggOptions = {}): Value {
  const state = aggState(fn, type, options);
  state.grow(1);
  fold(state, type, rows);
  return valueAt(state.finish(1), 0);
}

function fold(state: ReturnType<typeof aggState>, type: DataType, rows: readonly Pair[]): void {
  if (rows.length === 0) return;
  const ids = new Int32Array(rows.length);
  state.update(ids, vectorFromValues(type, rows.map((r) => r[0])), rows.length, null, vectorFromValues(type, rows.map((r) => r[1])), null);
}

/**
 * The rows cut at `cuts` into partitions, each folded by a map-side state; the partial states
 * merge into a reduce-side state (typed as the result, as the reducer knows it) in partition
 * order, through vectors; and the same partial states merge boxed (the spill path).
 */
function merged(fn: AggFn, type: DataType, resultType: DataType, rows: readonly Pair[], cuts: readonly number[], options: AggOptions = {}): { vectors: Value; boxed: Value } {
  const bounds = [0, ...cuts, rows.length];
  const partials: unknown[] = [];
  const reduce = aggState(fn, resultType, options);
  reduce.grow(1);
  for (let p = 0; p + 1 < bounds.length; p++) {
    const map = aggState(fn, type, options);
    map.grow(1);
    fold(map, type, rows.slice(bounds[p], bounds[p + 1]));
    const partial: Vector = map.partial(1);
    partials.push(map.stateAt(0));
    reduce.merge(new Int32Array(1), partial, 1);
  }
  const boxed = partials.slice(1).reduce((a, b) => reduce.mergeBoxed(a, b), partials[0]);
  return { vectors: valueAt(reduce.finish(1), 0), boxed: reduce.finishBoxed(boxed) };
}

/** Random cut points: 1 to 4 partitions, empty ones included. */
function randomCuts(n: number, random: () => number): number[] {
  const k = Math.floor(random() * 4);
  return Array.from({ length: k }, () => Math.floor(random() * (n + 1))).sort((a, b) => a - b);
}

const singles = (values: readonly Value[]): Pair[] => values.map((v) => [v, null]);

// ---- references ----------------------------------------------------------------------------

/** Two-pass central moments of the non-null values: n, mean, Σd², Σd³, Σd⁴. */
function moments(values: readonly Value[]) {
  const xs = values.filter((v): v is number => v !== null);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sum = (p: number) => xs.reduce((a, x) => a + (x - mean) ** p, 0);
  return { n, m2: sum(2), m3: sum(3), m4: sum(4) };
}

const MOMENT_REFERENCE: Record<string, (values: readonly Value[]) => number | null> = {
  var_pop: (v) => {
    const { n, m2 } = moments(v);
    return n === 0 ? null : m2 / n;
  },
  var_samp: (v) => {
    const { n, m2 } = moments(v);
    return n <= 1 ? null : m2 / (n - 1);
  },
  stddev_pop: (v) => {
    const { n, m2 } = moments(v);
    return n === 0 ? null : Math.sqrt(m2 / n);
  },
  stddev_samp: (v) => {
    const { n, m2 } = moments(v);
    return n <= 1 ? null : Math.sqrt(m2 / (n - 1));
  },
  skewness: (v) => {
    const { n, m2, m3 } = moments(v);
    return n === 0 || m2 === 0 ? null : (Math.sqrt(n) * m3) / m2 ** 1.5;
  },
  kurtosis: (v) => {
    const { n, m2, m4 } = moments(v);
    return n === 0 || m2 === 0 ? null : (n * m4) / (m2 * m2) - 3;
  },
};

/** Two-pass covariance and correlation of the pairs where both are non-null. */
function comoments(rows: readonly Pair[]) {
  const pairs = rows.filter((r): r is [number, number] => r[0] !== null && r[1] !== null);
  const n = pairs.length;
  const mx = pairs.reduce((a, [x]) => a + x, 0) / n;
  const my = pairs.reduce((a, [, y]) => a + y, 0) / n;
  const ck = pairs.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const xx = pairs.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const yy = pairs.reduce((a, [, y]) => a + (y - my) ** 2, 0);
  return { n, ck, xx, yy };
}

function close(actual: Value, expected: number | null, relative = 1e-9): void {
  if (expected === null || Number.isNaN(expected)) {
    expect(actual).toStrictEqual(expected);
    return;
  }
  expect(typeof actual).toBe("number");
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe("moment states (variance, stddev, skewness, kurtosis)", () => {
  const random = prng(77);
  // [values, the shift the reference subtracts first (exactly: moments do not change, and the
  // two-pass reference in doubles keeps its digits)].
  const datasets: Record<string, [Value[], number]> = {
    "plain values with nulls": [[1.5, null, -2.25, 4, 0.125, 3, null, 10, -7.5], 0],
    "random values": [Array.from({ length: 300 }, () => (random() < 0.05 ? null : (random() - 0.3) * 1000)), 0],
    "ints": [[1, 2, 3, 4, 5, 100, -3, null, 7], 0],
    "large values, small spread": [Array.from({ length: 40 }, (_, k) => 1e9 + (k % 7) * 0.25), 1e9],
  };

  for (const [fn, reference] of Object.entries(MOMENT_REFERENCE)) {
    it(`${fn}: one pass and merged partial states in random splits match the two-pass reference`, () => {
      const cuts = prng(fn.length * 31);
      for (const [name, [values, shift]] of Object.entries(datasets)) {
        const expected = reference(values.map((v) => (v === null ? null : (v as number) - shift)));
        // Values near 1e9 keep about 7 digits of their spread in any one-pass method (Spark's too).
        const tolerance = shift ? 1e-6 : 1e-9;
        const rows = singles(values);
        close(onePass(fn as AggFn, "double", rows), expected, tolerance);
        for (let trial = 0; trial < 20; trial++) {
          const { vectors, boxed } = merged(fn as AggFn, "double", "double", rows, randomCuts(rows.length, cuts));
          close(vectors, expected, tolerance);
          close(boxed, expected, tolerance);
        }
      }
    });
  }

  it("does not cancel catastrophically: values 1e9 + 1..4 have variance 5/3 exactly as far as doubles go", () => {
    const rows = singles([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4]);
    // The naive Σx² − n·mean² loses every digit here (Σx² is about 4e18, beyond 2^53).
    const naive = (() => {
      const xs = rows.map((r) => r[0] as number);
      const mean = xs.reduce((a, b) => a + b) / 4;
      return (xs.reduce((a, x) => a + x * x, 0) - 4 * mean * mean) / 3;
    })();
    expect(Math.abs(naive - 5 / 3)).toBeGreaterThan(1);
    close(onePass("var_samp", "double", rows), 5 / 3, 1e-15);
    close(merged("var_samp", "double", "double", rows, [1, 3]).vectors, 5 / 3, 1e-15);
    close(onePass("stddev_pop", "double", rows), Math.sqrt(5 / 4), 1e-15);
  });

  it("nulls are skipped; no values give null; one value gives null for the sample forms and 0 for the population ones", () => {
    for (const fn of ["var_samp", "stddev_samp", "variance", "stddev", "var_pop", "stddev_pop", "skewness", "kurtosis"] as const) {
      expect(onePass(fn, "double", [])).toBeNull();
      expect(onePass(fn, "double", singles([null, null]))).toBeNull();
      expect(merged(fn, "double", "double", singles([null, null]), [1]).vectors).toBeNull();
    }
    for (const fn of ["var_samp", "stddev_samp", "variance", "stddev"] as const) expect(onePass(fn, "double", singles([null, 4]))).toBeNull();
    expect(onePass("var_pop", "double", singles([4, null]))).toBe(0);
    expect(onePass("stddev_pop", "double", singles([4]))).toBe(0);
    // All equal: M2 = 0, and skewness and kurtosis are null (Spark 4 divides by zero into null).
    expect(onePass("skewness", "double", singles([2, 2, 2]))).toBeNull();
    expect(onePass("kurtosis", "double", singles([2, 2, 2]))).toBeNull();
  });

  it("NaN or an infinity among the values gives NaN", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const fn of ["var_samp", "var_pop", "stddev_samp", "skewness", "kurtosis"] as const) {
        expect(onePass(fn, "double", singles([1, bad, 3]))).toBeNaN();
        expect(merged(fn, "double", "double", singles([1, bad, 3]), [2]).vectors).toBeNaN();
      }
    }
  });

  it("keeps groups apart", () => {
    const state = aggState("var_pop", "double");
    state.grow(2);
    state.update(Int32Array.from([0, 1, 0, 1, 0]), vectorFromValues("double", [1, 100, 2, 300, 3]), 5);
    const out = state.finish(2);
    close(valueAt(out, 0), 2 / 3, 1e-15);
    close(valueAt(out, 1), 10000, 1e-15);
  });
});

describe("co-moment states (corr, covar_samp, covar_pop)", () => {
  const random = prng(5);
  const rows: Pair[] = Array.from({ length: 200 }, (_, k) => {
    const x = random() < 0.05 ? null : random() * 50 - 10;
    return [x, random() < 0.05 ? null : (x ?? 0) * 0.5 + random() * 20 + k * 0.01];
  });
  const { n, ck, xx, yy } = comoments(rows);
  const expected: Record<"corr" | "covar_samp" | "covar_pop", number> = { corr: ck / Math.sqrt(xx * yy), covar_samp: ck / (n - 1), covar_pop: ck / n };

  for (const fn of ["corr", "covar_samp", "covar_pop"] as const) {
    it(`${fn}: one pass and merged partial states match the two-pass reference (rows with a null skipped)`, () => {
      close(onePass(fn, "double", rows), expected[fn]);
      const cuts = prng(9);
      for (let trial = 0; trial < 30; trial++) {
        const { vectors, boxed } = merged(fn, "double", "double", rows, randomCuts(rows.length, cuts));
        close(vectors, expected[fn]);
        close(boxed, expected[fn]);
      }
    });
  }

  it("no pairs give null; one pair gives null (corr, covar_samp) and 0 (covar_pop)", () => {
    for (const fn of ["corr", "covar_samp", "covar_pop"] as const) expect(onePass(fn, "double", [[1, null], [null, 2]])).toBeNull();
    expect(onePass("corr", "double", [[1, 2]])).toBeNull();
    expect(onePass("covar_samp", "double", [[1, 2]])).toBeNull();
    expect(onePass("covar_pop", "double", [[1, 2]])).toBe(0);
  });

  it("corr of a constant column divides by zero: Spark's DIVIDE_BY_ZERO error (ANSI)", () => {
    expect(() => onePass("corr", "double", [[1, 2], [1, 3], [1, 5]])).toThrow(/^\[DIVIDE_BY_ZERO\]/);
    expect(() => merged("corr", "double", "double", [[1, 2], [1, 3], [1, 5]], [1]).vectors).toThrow(/DIVIDE_BY_ZERO/);
  });
});

describe("value-picking states", () => {
  const values: Value[] = [null, "a", null, "b", "c", null];

  it("first/last/any_value, with and without ignoreNulls, in one pass and across every split", () => {
    const nonNull = values.filter((v) => v !== null);
    const expected = {
      first: [values[0]!, nonNull[0]!],
      any_value: [values[0]!, nonNull[0]!],
      last: [values.at(-1)!, nonNull.at(-1)!],
    };
    for (const fn of ["first", "any_value", "last"] as const) {
      for (const [ignoreNulls, want] of [[false, expected[fn][0]], [true, expected[fn][1]]] as const) {
        expect(onePass(fn, "string", singles(values), { ignoreNulls })).toBe(want);
        for (let a = 0; a <= values.length; a++) {
          for (let b = a; b <= values.length; b++) {
            const { vectors, boxed } = merged(fn, "string", "string", singles(values), [a, b], { ignoreNulls });
            expect([vectors, boxed]).toStrictEqual([want, want]);
          }
        }
      }
      expect(onePass(fn, "string", [])).toBeNull();
    }
  });

  it("max_by/min_by: the value at the extreme ordering, nulls of the ordering skipped, the last of equal orderings, NaN the largest", () => {
    const rows: Pair[] = [["a", 3], ["b", null], ["c", 7], [null, 1], ["d", 7], ["e", 1], ["f", NaN], ["g", -0], ["h", 0]];
    const reference = (sign: 1 | -1, input: readonly Pair[]) => {
      let best: Pair | null = null;
      const order = (v: number) => (Number.isNaN(v) ? Infinity : v === 0 ? 0 : v);
      const rank = (v: number) => (Number.isNaN(v) ? 1 : 0); // NaN above +Infinity too
      for (const r of input) {
        if (r[1] === null) continue;
        const o = r[1] as number;
        if (best === null) best = r;
        else {
          const b = best[1] as number;
          const cmp = rank(o) - rank(b) || order(o) - order(b);
          if (sign * cmp >= 0) best = r;
        }
      }
      return best === null ? null : best[0];
    };
    for (const [fn, sign] of [["max_by", 1], ["min_by", -1]] as const) {
      for (const input of [rows, rows.slice(0, 6), rows.slice(6), rows.filter((r) => r[1] === null)]) {
        const want = reference(sign, input);
        expect(onePass(fn, "any", input)).toStrictEqual(want);
        for (let a = 0; a <= input.length; a++) {
          const { vectors, boxed } = merged(fn, "any", "string", input, [a]);
          expect([vectors, boxed]).toStrictEqual([want, want]);
        }
      }
    }
  });

  it("collect_list: the non-null values in order across splits; [] for none", () => {
    const list: Value[] = ["x", null, "y", "x", "z", null];
    for (let a = 0; a <= list.length; a++) {
      const { vectors, boxed } = merged("collect_list", "string", "array<string>", singles(list), [a]);
      expect(vectors).toStrictEqual(["x", "y", "x", "z"]);
      expect(boxed).toStrictEqual(["x", "y", "x", "z"]);
    }
    expect(onePass("collect_list", "string", singles([null]))).toStrictEqual([]);
  });
});

describe("distinct states", () => {
  it("collect_set: distinct non-null values (strings; numbers as Spark's == : -0.0 equals 0.0, NaN never equals NaN)", () => {
    const strings = ["b", "a", null, "b", "c", "a"];
    for (let a = 0; a <= strings.length; a++) {
      const { vectors, boxed } = merged("collect_set", "string", "array<string>", singles(strings), [a]);
      expect([...(vectors as string[])].sort()).toStrictEqual(["a", "b", "c"]);
      expect([...(boxed as string[])].sort()).toStrictEqual(["a", "b", "c"]);
    }
    const numbers = onePass("collect_set", "double", singles([NaN, NaN, -0, 0, 1, 1])) as unknown as number[];
    expect(numbers.filter((v) => Number.isNaN(v))).toHaveLength(2);
    expect(numbers.filter((v) => v === 0)).toHaveLength(1);
    expect(numbers.filter((v) => v === 1)).toHaveLength(1);
    expect(onePass("collect_set", "string", [])).toStrictEqual([]);
  });

  it("sum_distinct: the sum of distinct values (NaN once, -0.0 and 0.0 once), null for none, across splits", () => {
    const random = prng(3);
    const ints = Array.from({ length: 100 }, () => (random() < 0.1 ? null : Math.floor(random() * 20) - 10));
    const expected = [...new Set(ints.filter((v) => v !== null))].reduce<number>((a, b) => a + (b as number), 0);
    for (let trial = 0; trial < 20; trial++) {
      const { vectors, boxed } = merged("sum_distinct", "int", "long", singles(ints), randomCuts(ints.length, random));
      expect([vectors, boxed]).toStrictEqual([expected, expected]);
    }
    expect(onePass("sum_distinct", "double", singles([NaN, 1, NaN]))).toBeNaN();
    expect(Object.is(onePass("sum_distinct", "double", singles([-0, 0, 2])), 2)).toBe(true);
    expect(onePass("sum_distinct", "int", singles([null]))).toBeNull();
  });
});

describe("boolean states", () => {
  const bools: Value[] = [true, null, false, true, null];

  it("count_if counts the trues (0, not null, for none); bool_and/every and bool_or/some ignore nulls and are null for none", () => {
    for (let a = 0; a <= bools.length; a++) {
      for (let b = a; b <= bools.length; b++) {
        const run = (fn: AggFn, resultType: DataType) => merged(fn, "boolean", resultType, singles(bools), [a, b]);
        expect(run("count_if", "long")).toStrictEqual({ vectors: 2, boxed: 2 });
        for (const fn of ["bool_and", "every"] as const) expect(run(fn, "boolean")).toStrictEqual({ vectors: false, boxed: false });
        for (const fn of ["bool_or", "some"] as const) expect(run(fn, "boolean")).toStrictEqual({ vectors: true, boxed: true });
      }
    }
    expect(onePass("count_if", "boolean", singles([null, false]))).toBe(0);
    expect(onePass("bool_and", "boolean", singles([null, null]))).toBeNull();
    expect(onePass("bool_or", "boolean", [])).toBeNull();
    expect(onePass("bool_and", "boolean", singles([true, true]))).toBe(true);
    expect(onePass("bool_or", "boolean", singles([false, null]))).toBe(false);
  });
});
