/**
 * The RDD API's behaviour, defined once and run per master like engine-suite.ts:
 * test/driver/rdd-local.test.ts runs it on local[2], test/integration/rdd-lambda.test.ts on
 * the executor function in the emulator. Every expected value is computed here with plain
 * JavaScript over the same seeded input (its own generator, its own grouping by JSON text,
 * its own comparators), never with the engine's helpers. Where Spark leaves an order
 * undefined, both sides are sorted with a comparator written here.
 *
 * Functions handed to the RDD API travel as source text, so they use only their arguments
 * and the captures object (their last argument), never this file's helpers.
 *
 * On the lambda master each action costs a second or so: checks are grouped, and
 * independent actions of one check run together (Promise.all).
 */
import { prng } from "./prng.ts";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, udf, type RDD, type RowObject } from "sparkfn";
import type { EngineSuiteOptions } from "./engine-suite.ts";

/** Same shape as the engine suite's: where test files go (a local folder or an s3:// prefix) and how to write them. */
export type RddSuiteOptions = EngineSuiteOptions;

// ---- independent reference helpers (test-only code) ----


/** Integers in [lo, hi) from a seeded generator. */
function integers(seed: number): (lo: number, hi: number) => number {
  const random = prng(seed);
  return (lo, hi) => lo + Math.floor(random() * (hi - lo));
}

const json = (x: unknown): string => JSON.stringify(x) ?? "undefined";
const strCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** A total order over JSON-able values: by their JSON text. */
const byJson = (a: unknown, b: unknown) => strCmp(json(a), json(b));
/** The multiset of `xs`, as a sorted copy: compare two of these with toEqual. */
const bag = <T>(xs: readonly T[]): T[] => [...xs].sort(byJson);
const numAsc = (a: number, b: number) => a - b;
/** Spark's ordering of sort keys: numbers and strings by value, arrays element by element, shorter first on a tie. */
function keyCmp(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = keyCmp(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  return strCmp(String(a), String(b));
}

/** Groups pairs by key (keys equal when their JSON text is), keeping the first-seen key value and every value. */
function groupPairs<K, V>(pairs: readonly (readonly [K, V])[]): { key: K; values: V[] }[] {
  const groups = new Map<string, { key: K; values: V[] }>();
  for (const [k, v] of pairs) {
    const id = json(k);
    const g = groups.get(id);
    if (g) g.values.push(v);
    else groups.set(id, { key: k, values: [v] });
  }
  return [...groups.values()];
}

/** Every key of `got` appears once (a key split across reduce partitions would appear twice). */
function expectUniqueKeys(got: readonly (readonly [unknown, unknown])[]): void {
  const ids = got.map(([k]) => json(k));
  expect(ids.length).toBe(new Set(ids).size);
}

const WORDS = ["spark", "lambda", "rdd", "shuffle", "key", "value", "élan", "日本", "naïve", "zebra", "Alpha", "alpha"];

/** Keys of several kinds: numbers (1 and "1" differ), strings, arrays (nested too) and null. */
const KEYS: unknown[] = [0, 1, 2, -7, 1.5, 1e6, "1", "a", "b", "", "日本", [1, "a"], [1, "b"], ["a", 1], [2], [], [[1, 2], "x"], [1, [2, 3]], null];

export function defineRddSuite({ master, dataRoot }: RddSuiteOptions): void {
  describe(`RDDs on ${master}`, () => {
    let spark: SparkSession;
    let files: Awaited<ReturnType<RddSuiteOptions["dataRoot"]>>;
    const sc = () => spark.sparkContext;

    // The seeded inputs.
    const int = integers(20261202);
    /** 1000 integers in [-500, 500), duplicates included. */
    const nums = Array.from({ length: 1000 }, () => int(-500, 500));
    /** 3000 pairs over KEYS with small integer values. */
    const pairs = Array.from({ length: 3000 }, () => [KEYS[int(0, KEYS.length)], int(1, 100)] as [unknown, number]);
    /** 200 lines of 1-8 words. */
    const lines = Array.from({ length: 200 }, () => Array.from({ length: int(1, 9) }, () => WORDS[int(0, WORDS.length)]!).join(" "));
    const P = 4;

    beforeAll(async () => {
      spark = await SparkSession.builder()
        .appName("rdd-suite")
        .master(master)
        .config("spark.sql.shuffle.partitions", 3)
        .config("spark.default.parallelism", 3)
        .getOrCreate();
      files = await dataRoot();
    });
    afterAll(async () => {
      await spark?.stop();
    });

    describe("narrow transformations", () => {
      it("map, filter and flatMap keep elements in order; captures reach the function", async () => {
        const rdd = sc().parallelize(nums, P);
        const rate = 3;
        const [mapped, filtered, flat, chained, n, chars] = await Promise.all([
          rdd.map((x, env: { rate: number; offset: number }) => x * env.rate + env.offset, { rate, offset: 7 }).collect(),
          rdd.filter((x) => x % 3 === 0).collect(),
          rdd.flatMap((x): (number | string)[] => (x > 0 ? [x, -x] : x === 0 ? [] : [String(x)])).collect(),
          rdd
            .filter((x, env: { min: number }) => x >= env.min, { min: -100 })
            .map((x) => [x, x * x])
            .flatMap((p) => p)
            .collect(),
          rdd.count(),
          // A string is an iterable of its characters (code points), as in Python.
          sc().parallelize(lines.slice(0, 20), 3).flatMap((l) => l).collect(),
        ]);
        expect(chars).toEqual(lines.slice(0, 20).flatMap((l) => [...l]));
        expect(mapped).toEqual(nums.map((x) => x * rate + 7));
        expect(filtered).toEqual(nums.filter((x) => x % 3 === 0));
        expect(flat).toEqual(nums.flatMap((x): (number | string)[] => (x > 0 ? [x, -x] : x === 0 ? [] : [String(x)])));
        expect(chained).toEqual(nums.filter((x) => x >= -100).flatMap((x) => [x, x * x]));
        expect(n).toBe(nums.length);
      });

      it("glom, mapPartitions and mapPartitionsWithIndex see each partition whole", async () => {
        const rdd = sc().parallelize(nums, P);
        const [parts, perPartition, generated, withIndex, numPartitions] = await Promise.all([
          rdd.glom().collect(),
          rdd.mapPartitions((xs) => [[xs.length, xs.reduce((a, b) => a + b, 0)]]).collect(),
          // A generator is an iterable too (PySpark's mapPartitions functions often yield).
          rdd
            .mapPartitions(function* (xs) {
              for (const x of xs) if (x % 2 === 0) yield x / 2;
            })
            .collect(),
          rdd.mapPartitionsWithIndex((i, xs) => xs.map((x) => [i, x])).collect(),
          rdd.getNumPartitions(),
        ]);
        expect(numPartitions).toBe(P);
        expect(parts.length).toBe(P);
        // The partitions, in order, are the data in order; none is empty with 1000 elements in 4.
        expect(parts.flat()).toEqual(nums);
        for (const p of parts) expect(p.length).toBeGreaterThan(0);
        // mapPartitions saw the same partitions.
        expect(perPartition).toEqual(parts.map((p) => [p.length, p.reduce((a, b) => a + b, 0)]));
        expect(generated).toEqual(nums.filter((x) => x % 2 === 0).map((x) => x / 2));
        // mapPartitionsWithIndex: index i goes with partition i's elements.
        expect(withIndex).toEqual(parts.flatMap((p, i) => p.map((x) => [i, x])));
        // More partitions than elements: the empty ones are still partitions (glom gives []).
        const sparse = await sc().parallelize(["a", "b"], 5).glom().collect();
        expect(sparse.length).toBe(5);
        expect(sparse.flat()).toEqual(["a", "b"]);
      });

      it("parallelize slices the data as Spark does: slice i is [floor(i·n/k), floor((i+1)·n/k))", async () => {
        const slices = <T>(data: T[], k: number) => Array.from({ length: k }, (_, i) => data.slice(Math.floor((i * data.length) / k), Math.floor(((i + 1) * data.length) / k)));
        const ten = Array.from({ length: 10 }, (_, i) => i);
        const [doc, tenIn4, nineIn4] = await Promise.all([
          // PySpark's own docs: sc.parallelize(range(0, 6, 2), 5).glom().collect() == [[], [0], [], [2], [4]].
          sc().parallelize([0, 2, 4], 5).glom().collect(),
          sc().parallelize(ten, 4).glom().collect(),
          sc().parallelize(ten.slice(0, 9), 4).glom().collect(),
        ]);
        expect(doc).toEqual([[], [0], [], [2], [4]]);
        expect(tenIn4).toEqual(slices(ten, 4));
        expect(nineIn4).toEqual(slices(ten.slice(0, 9), 4));
      });

      it("keyBy, mapValues, flatMapValues, keys and values", async () => {
        const rdd = sc().parallelize(nums, P);
        const kv = sc().parallelize(pairs, P);
        const [keyed, mappedValues, flatValues, ks, vs] = await Promise.all([
          rdd.keyBy((x) => (x < 0 ? ["neg", -x % 10] : x % 10)).collect(),
          kv.mapValues((v, env: { k: number }) => v * env.k, { k: 10 }).collect(),
          kv.flatMapValues((v) => (v % 2 === 0 ? [v, v + 1] : [])).collect(),
          kv.keys().collect(),
          kv.values().collect(),
        ]);
        expect(keyed).toEqual(nums.map((x) => [x < 0 ? ["neg", -x % 10] : x % 10, x]));
        expect(mappedValues).toEqual(pairs.map(([k, v]) => [k, v * 10]));
        expect(flatValues).toEqual(pairs.flatMap(([k, v]) => (v % 2 === 0 ? [[k, v], [k, v + 1]] : [])));
        expect(ks).toEqual(pairs.map(([k]) => k));
        expect(vs).toEqual(pairs.map(([, v]) => v));
      });
    });

    describe("shuffles by key", () => {
      it("reduceByKey over number, string, array and null keys matches a JS grouping by JSON text", async () => {
        const kv = sc().parallelize(pairs, P);
        const reduced = kv.reduceByKey((a, b) => a + b, 5);
        const withCaptures = kv.reduceByKey((a, b, env: { cap: number }) => Math.min(env.cap, a + b), { cap: 5000 }, 2);
        const [sums, capped, n5, n2, nDefault] = await Promise.all([
          reduced.collect(),
          withCaptures.collect(),
          reduced.getNumPartitions(),
          withCaptures.getNumPartitions(),
          kv.reduceByKey((a, b) => a + b).getNumPartitions(),
        ]);
        const groups = groupPairs(pairs);
        expect(groups.length).toBe(KEYS.length);
        expectUniqueKeys(sums);
        expect(bag(sums)).toEqual(bag(groups.map((g) => [g.key, g.values.reduce((a, b) => a + b, 0)])));
        // min(cap, a + b) is associative and commutative, so any merge order gives this.
        expect(bag(capped)).toEqual(bag(groups.map((g) => [g.key, Math.min(5000, g.values.reduce((a, b) => a + b, 0))])));
        expect([n5, n2, nDefault]).toEqual([5, 2, 3]);
        // Spot checks that 1 and "1", [1, "a"] and [1, "b"] stay apart.
        const sumOf = (k: unknown) => pairs.filter(([pk]) => json(pk) === json(k)).reduce((a, [, v]) => a + v, 0);
        const got = new Map(sums.map(([k, v]) => [json(k), v]));
        for (const k of [1, "1", [1, "a"], [1, "b"], [[1, 2], "x"], null]) expect(got.get(json(k))).toBe(sumOf(k));
      });

      it("reduceByKey over ~20,000 distinct array keys made on the executors", async () => {
        // 8 seeds → 8 × 6250 pairs, built by the function on the executors; the expected result by the same formula here.
        const pairOf = (i: number) => [[i % 9973, i % 3 === 0 ? "a" : "b"], i % 7] as [[number, string], number];
        const counts = await sc()
          .parallelize([0, 1, 2, 3, 4, 5, 6, 7], P)
          .flatMap((seed) => Array.from({ length: 6250 }, (_, j) => seed * 6250 + j).map((i) => [[i % 9973, i % 3 === 0 ? "a" : "b"], i % 7] as [[number, string], number]))
          .reduceByKey((a, b) => a + b, 4)
          .collect();
        const expected = new Map<string, [[number, string], number]>();
        for (let i = 0; i < 50_000; i++) {
          const [k, v] = pairOf(i);
          const id = json(k);
          const e = expected.get(id);
          if (e) e[1] += v;
          else expected.set(id, [k, v]);
        }
        expectUniqueKeys(counts);
        expect(counts.length).toBe(expected.size);
        expect(bag(counts)).toEqual(bag([...expected.values()]));
      });

      it("aggregateByKey (copies of a mutable zero), combineByKey (with captures) and foldByKey", async () => {
        const kv = sc().parallelize(pairs, P);
        const [sumCount, lists, stats, folded, folded100, inputParts] = await Promise.all([
          kv.aggregateByKey([0, 0] as [number, number], (acc, v) => [acc[0] + v, acc[1] + 1] as [number, number], (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number], 3).collect(),
          // The seqOp mutates its accumulator: every key in every partition must start from its own copy of [].
          kv
            .aggregateByKey(
              [] as number[],
              (acc, v) => {
                acc.push(v);
                return acc;
              },
              (a, b) => a.concat(b),
            )
            .collect(),
          kv
            .combineByKey(
              (v, env: { scale: number }) => ({ min: v * env.scale, max: v * env.scale, n: 1 }),
              (c, v, env: { scale: number }) => ({ min: Math.min(c.min, v * env.scale), max: Math.max(c.max, v * env.scale), n: c.n + 1 }),
              (a, b) => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), n: a.n + b.n }),
              { scale: 2 },
              4,
            )
            .collect(),
          kv.foldByKey(0, (a, b) => a + b).collect(),
          // As in Spark, the zero joins each key once per input partition that holds the key.
          kv.foldByKey(100, (a, b) => a + b).collect(),
          kv.glom().collect(),
        ]);
        const groups = groupPairs(pairs);
        const total = (vs: number[]) => vs.reduce((a, b) => a + b, 0);
        for (const got of [sumCount, lists, stats, folded]) expectUniqueKeys(got);
        expect(bag(sumCount)).toEqual(bag(groups.map((g) => [g.key, [total(g.values), g.values.length]])));
        expect(bag(lists.map(([k, vs]) => [k, [...vs].sort(numAsc)]))).toEqual(bag(groups.map((g) => [g.key, [...g.values].sort(numAsc)])));
        expect(bag(stats)).toEqual(bag(groups.map((g) => [g.key, { min: 2 * Math.min(...g.values), max: 2 * Math.max(...g.values), n: g.values.length }])));
        expect(bag(folded)).toEqual(bag(groups.map((g) => [g.key, total(g.values)])));
        const partitionsWith = (k: unknown) => inputParts.filter((part) => part.some(([pk]) => json(pk) === json(k))).length;
        expect(bag(folded100)).toEqual(bag(groups.map((g) => [g.key, total(g.values) + 100 * partitionsWith(g.key)])));
      });

      it("groupByKey and groupBy", async () => {
        const [grouped, byMod, byArray] = await Promise.all([
          sc().parallelize(pairs, P).groupByKey(3).collect(),
          sc().parallelize(nums, P).groupBy((x) => Math.abs(x) % 7).collect(),
          sc().parallelize(nums, P).groupBy((x) => [x < 0 ? "neg" : "pos", Math.abs(x) % 3]).collect(),
        ]);
        const sortValues = (got: [unknown, number[]][]) => got.map(([k, vs]) => [k, [...vs].sort(numAsc)]);
        expectUniqueKeys(grouped);
        expect(bag(sortValues(grouped))).toEqual(bag(groupPairs(pairs).map((g) => [g.key, [...g.values].sort(numAsc)])));
        expect(bag(sortValues(byMod))).toEqual(bag(groupPairs(nums.map((x) => [Math.abs(x) % 7, x])).map((g) => [g.key, [...g.values].sort(numAsc)])));
        expect(bag(sortValues(byArray))).toEqual(bag(groupPairs(nums.map((x) => [[x < 0 ? "neg" : "pos", Math.abs(x) % 3], x])).map((g) => [g.key, [...g.values].sort(numAsc)])));
      });

      it("distinct, union and sc.union", async () => {
        const int = integers(243);
        const mixed = Array.from({ length: 600 }, () => KEYS[int(0, KEYS.length)]);
        const a = sc().parallelize(nums.slice(0, 300), 3);
        const b = sc().parallelize(nums.slice(300, 500), 2);
        const c = sc().parallelize(["x", "y"], 1);
        const [distinctNums, distinctMixed, union, unionParts, many, manyCount, selfUnion] = await Promise.all([
          sc().parallelize(nums, P).distinct().collect(),
          sc().parallelize(mixed, P).distinct(2).collect(),
          a.union(b).collect(),
          a.union(b).getNumPartitions(),
          sc().union<unknown>([a, b, c]).collect(),
          sc().union<unknown>([a, b, c]).count(),
          a.union(a).collect(),
        ]);
        expect([...distinctNums].sort(numAsc)).toEqual([...new Set(nums)].sort(numAsc));
        expect(bag(distinctMixed)).toEqual(bag(groupPairs(mixed.map((k) => [k, null])).map((g) => g.key)));
        // A union's partitions are the first RDD's then the second's, so collect keeps that order.
        expect(union).toEqual(nums.slice(0, 500));
        expect(unionParts).toBe(5);
        expect(selfUnion).toEqual([...nums.slice(0, 300), ...nums.slice(0, 300)]);
        expect(bag(many)).toEqual(bag([...nums.slice(0, 500), "x", "y"]));
        expect(manyCount).toBe(502);
      });

      it("joins and cogroup over mixed keys with duplicates on both sides", async () => {
        const leftKeys: unknown[] = [1, "1", [1, "a"], "x", 2, [2, [3]], null];
        const rightKeys: unknown[] = [1, [1, "a"], "y", 2, "1", [3], null, [2, [3]]];
        const int = integers(267);
        const left = Array.from({ length: 60 }, (_, i) => [leftKeys[int(0, leftKeys.length)], `L${i}`] as [unknown, string]);
        const right = Array.from({ length: 40 }, (_, i) => [rightKeys[int(0, rightKeys.length)], i] as [unknown, number]);
        const l = sc().parallelize(left, 3);
        const r = sc().parallelize(right, P);
        const [inner, leftOuter, rightOuter, fullOuter, cogrouped, selfJoin] = await Promise.all([
          l.join(r).collect(),
          l.leftOuterJoin(r, 2).collect(),
          l.rightOuterJoin(r).collect(),
          l.fullOuterJoin(r, 5).collect(),
          l.cogroup(r).collect(),
          l.join(l).collect(),
        ]);
        const same = (a: unknown, b: unknown) => json(a) === json(b);
        const expInner = left.flatMap(([k, v]) => right.filter(([rk]) => same(k, rk)).map(([, w]) => [k, [v, w]]));
        const leftOnly = left.filter(([k]) => !right.some(([rk]) => same(k, rk))).map(([k, v]) => [k, [v, null]]);
        const rightOnly = right.filter(([k]) => !left.some(([lk]) => same(k, lk))).map(([k, w]) => [k, [null, w]]);
        expect(expInner.length).toBeGreaterThan(0);
        expect(leftOnly.length).toBeGreaterThan(0);
        expect(rightOnly.length).toBeGreaterThan(0);
        expect(bag(inner)).toEqual(bag(expInner));
        expect(bag(leftOuter)).toEqual(bag([...expInner, ...leftOnly]));
        expect(bag(rightOuter)).toEqual(bag([...expInner, ...rightOnly]));
        expect(bag(fullOuter)).toEqual(bag([...expInner, ...leftOnly, ...rightOnly]));
        expect(bag(selfJoin)).toEqual(bag(left.flatMap(([k, v]) => left.filter(([k2]) => same(k, k2)).map(([, w]) => [k, [v, w]]))));
        // cogroup: every key of either side once, with both sides' values (order within a side undefined).
        const allKeys = groupPairs([...left, ...right].map(([k]) => [k, null])).map((g) => g.key);
        const expCogroup = allKeys.map((k) => [k, [left.filter(([lk]) => same(k, lk)).map(([, v]) => v).sort(), right.filter(([rk]) => same(k, rk)).map(([, w]) => w).sort(numAsc)]]);
        expectUniqueKeys(cogrouped);
        expect(bag(cogrouped.map(([k, [vs, ws]]) => [k, [[...vs].sort(), [...ws].sort(numAsc)]]))).toEqual(bag(expCogroup));
      });
    });

    describe("sorting", () => {
      /** Runs `body` with adaptive coalescing off, so a sort's output really spans several partitions. */
      const unmerged = async <R>(body: () => Promise<R>): Promise<R> => {
        spark.conf.set("spark.sql.adaptive.coalescePartitions.enabled", "false");
        try {
          return await body();
        } finally {
          spark.conf.unset("spark.sql.adaptive.coalescePartitions.enabled");
        }
      };

      it("sortBy ascending and descending gives one global order across partitions", async () => {
        const rdd = sc().parallelize(nums, P);
        const [ascending, descending, ascParts, descParts, byAbs] = await unmerged(() =>
          Promise.all([
            rdd.sortBy((x) => x).collect(),
            rdd.sortBy((x) => x, false).collect(),
            rdd.sortBy((x) => x).glom().collect(),
            rdd.sortBy((x) => x, false).glom().collect(),
            // Ties (x and -x) are ordered by a second key, so the expected order is unique.
            rdd.sortBy((x) => [Math.abs(x), x], false).collect(),
          ]),
        );
        expect(ascending).toEqual([...nums].sort(numAsc));
        expect(descending).toEqual([...nums].sort((a, b) => b - a));
        // Really spread over several partitions, each one a contiguous range, in partition order.
        expect(ascParts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
        expect(ascParts.flat()).toEqual([...nums].sort(numAsc));
        expect(descParts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
        expect(descParts.flat()).toEqual([...nums].sort((a, b) => b - a));
        expect(byAbs).toEqual([...nums].sort((a, b) => -keyCmp([Math.abs(a), a], [Math.abs(b), b])));
      });

      it("null sort keys come first ascending and last descending; take() of a sorted RDD gives its smallest elements", async () => {
        const rdd = sc().parallelize(nums, P);
        const keyOf = (x: number) => (x % 10 === 0 ? null : x);
        const [asc, desc, smallest, largest] = await Promise.all([
          rdd.sortBy((x) => (x % 10 === 0 ? null : x)).collect(),
          rdd.sortBy((x) => (x % 10 === 0 ? null : x), false).collect(),
          rdd.sortBy((x) => x).take(10),
          rdd.sortBy((x) => x, false).first(),
        ]);
        const nullCount = nums.filter((x) => keyOf(x) === null).length;
        const others = nums.filter((x) => keyOf(x) !== null);
        expect(nullCount).toBeGreaterThan(0);
        // Elements whose keys are null tie, so compare the sequence of keys.
        expect(asc.map(keyOf)).toEqual([...Array(nullCount).fill(null), ...[...others].sort(numAsc)]);
        expect(desc.map(keyOf)).toEqual([...[...others].sort((a, b) => b - a), ...Array(nullCount).fill(null)]);
        expect(bag(asc)).toEqual(bag(nums));
        expect(smallest).toEqual([...nums].sort(numAsc).slice(0, 10));
        expect(largest).toBe(Math.max(...nums));
      });

      it("sortBy on strings and array keys, sortByKey ascending and descending", async () => {
        const int = integers(317);
        const records = Array.from({ length: 500 }, (_, i) => ({ w: WORDS[int(0, WORDS.length)]!, n: i }));
        // Unique float keys (the fraction is the index), negative ones too.
        const byKeyPairs = Array.from({ length: 400 }, (_, i) => [int(-1000, 1000) + i / 1000, `v${i}`] as [number, string]);
        const wordsRdd = sc().parallelize(lines, P).flatMap((l) => l.split(" "));
        const [wordsAsc, wordsDesc, recs, recParts, keyedAsc, keyedDesc, keyedParts] = await unmerged(() =>
          Promise.all([
            wordsRdd.sortBy((w) => w).collect(),
            wordsRdd.sortBy((w) => w, false).collect(),
            sc().parallelize(records, P).sortBy((r) => [r.w, -r.n]).collect(),
            sc().parallelize(records, P).sortBy((r) => [r.w, -r.n]).glom().collect(),
            sc().parallelize(byKeyPairs, P).sortByKey().collect(),
            sc().parallelize(byKeyPairs, P).sortByKey(false).collect(),
            sc().parallelize(byKeyPairs, P).sortByKey().glom().collect(),
          ]),
        );
        const words = lines.flatMap((l) => l.split(" "));
        expect(wordsAsc).toEqual([...words].sort(strCmp));
        expect(wordsDesc).toEqual([...words].sort((a, b) => strCmp(b, a)));
        const expRecs = [...records].sort((a, b) => keyCmp([a.w, -a.n], [b.w, -b.n]));
        expect(recs).toEqual(expRecs);
        expect(recParts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
        expect(recParts.flat()).toEqual(expRecs);
        expect(keyedAsc).toEqual([...byKeyPairs].sort((a, b) => a[0] - b[0]));
        expect(keyedDesc).toEqual([...byKeyPairs].sort((a, b) => b[0] - a[0]));
        expect(keyedParts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
        expect(keyedParts.flat()).toEqual(keyedAsc);
      });

      it("strings sort by code point, as Spark compares UTF-8 bytes, characters beyond U+FFFF included", async () => {
        const strings = ["\uFF01", "😀", "a", "\uE000", "日", "ab", "a😀", "a\uFFFD", "", "Z"];
        /** Code point order (UTF-16 code units would put U+1F600 before U+E000). */
        const byCodePoint = (a: string, b: string) => {
          const x = [...a].map((c) => c.codePointAt(0)!);
          const y = [...b].map((c) => c.codePointAt(0)!);
          for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
          return x.length - y.length;
        };
        const [asc, desc] = await Promise.all([sc().parallelize(strings, 3).sortBy((w) => w).collect(), sc().parallelize(strings, 3).sortBy((w) => w, false).collect()]);
        expect(asc).toEqual([...strings].sort(byCodePoint));
        expect(desc).toEqual([...strings].sort((a, b) => byCodePoint(b, a)));
      });

      it("a sorted RDD has the partitions getNumPartitions() reports (as in Spark, RDD shuffles are not merged adaptively)", async () => {
        const sorted = sc().parallelize(nums, P).sortBy((x) => x);
        const byKey = sc().parallelize(pairs.filter(([k]) => typeof k === "number") as [number, number][], P).sortByKey(false);
        const [n, parts, nByKey, partsByKey] = await Promise.all([sorted.getNumPartitions(), sorted.glom().collect(), byKey.getNumPartitions(), byKey.glom().collect()]);
        expect(parts.length).toBe(n);
        expect(partsByKey.length).toBe(nByKey);
        expect(parts.flat()).toEqual([...nums].sort(numAsc));
      });
    });

    describe("partitioning, sampling, indexing", () => {
      it("repartition and coalesce: the partition count asked for, the same multiset", async () => {
        const rdd = sc().parallelize(nums, P);
        const [n5, parts5, n2, parts2, nUp, count2] = await Promise.all([
          rdd.repartition(5).getNumPartitions(),
          rdd.repartition(5).glom().collect(),
          rdd.coalesce(2).getNumPartitions(),
          rdd.coalesce(2).glom().collect(),
          // coalesce cannot add partitions without a shuffle.
          rdd.coalesce(10).getNumPartitions(),
          rdd.coalesce(2).count(),
        ]);
        expect(n5).toBe(5);
        expect(parts5.length).toBe(5);
        expect([...parts5.flat()].sort(numAsc)).toEqual([...nums].sort(numAsc));
        // Round-robin dealing leaves no partition empty.
        for (const p of parts5) expect(p.length).toBeGreaterThan(0);
        expect(n2).toBe(2);
        expect(parts2.length).toBe(2);
        expect([...parts2.flat()].sort(numAsc)).toEqual([...nums].sort(numAsc));
        expect(nUp).toBe(P);
        expect(count2).toBe(nums.length);
      });

      it("sample: a fraction near the expected one, the same result for the same seed", async () => {
        const n = 4000;
        const data = Array.from({ length: n }, (_, i) => i);
        const rdd = sc().parallelize(data, P);
        const s7 = rdd.sample(false, 0.3, 7);
        const [first, again, rebuilt, otherSeed, withReplacement, none, all] = await Promise.all([
          s7.collect(),
          s7.collect(),
          rdd.sample(false, 0.3, 7).collect(),
          rdd.sample(false, 0.3, 8).collect(),
          rdd.sample(true, 2, 11).collect(),
          rdd.sample(false, 0, 3).count(),
          rdd.sample(false, 1, 3).count(),
        ]);
        // Without replacement: Binomial(n, p); allow 6 standard deviations.
        const p = 0.3;
        expect(Math.abs(first.length - n * p)).toBeLessThan(6 * Math.sqrt(n * p * (1 - p)));
        expect(new Set(first).size).toBe(first.length);
        for (const x of first) expect(x >= 0 && x < n && Number.isInteger(x)).toBe(true);
        expect(again).toEqual(first);
        expect(rebuilt).toEqual(first);
        expect(otherSeed).not.toEqual(first);
        // With replacement, fraction 2: Poisson(2) copies each, total Poisson(2n); 6 standard deviations.
        expect(Math.abs(withReplacement.length - 2 * n)).toBeLessThan(6 * Math.sqrt(2 * n));
        expect(new Set(withReplacement).size).toBeLessThan(withReplacement.length);
        expect(none).toBe(0);
        expect(all).toBe(n);
      });

      it("zipWithIndex numbers elements 0..n-1 in element order, across uneven and empty partitions", async () => {
        const words = lines.flatMap((l) => l.split(" "));
        const zipped = await sc().parallelize(words, P).zipWithIndex();
        // 5 partitions of 0..99, the first emptied by the filter.
        const uneven = await sc()
          .parallelize(Array.from({ length: 100 }, (_, i) => i), 5)
          .filter((x) => x >= 20 && x % 3 !== 0)
          .zipWithIndex();
        // After a shuffle: the counting job and the numbering job must see the same partitions.
        const shuffled = await sc()
          .parallelize(pairs, P)
          .reduceByKey((a, b) => a + b, 3)
          .zipWithIndex();
        const [got, gotUneven, gotShuffled] = await Promise.all([zipped.collect(), uneven.collect(), shuffled.collect()]);
        expect(gotShuffled.map(([, i]) => i)).toEqual(Array.from({ length: KEYS.length }, (_, i) => i));
        expect(bag(gotShuffled.map(([p]) => p))).toEqual(bag(groupPairs(pairs).map((g) => [g.key, g.values.reduce((a, b) => a + b, 0)])));
        expect(got).toEqual(words.map((w, i) => [w, i]));
        const kept = Array.from({ length: 100 }, (_, i) => i).filter((x) => x >= 20 && x % 3 !== 0);
        expect(gotUneven).toEqual(kept.map((x, i) => [x, i]));
      });
    });

    describe("actions", () => {
      it("collect, count, reduce, fold, aggregate, sum, take and first", async () => {
        const rdd = sc().parallelize(nums, P);
        const total = nums.reduce((a, b) => a + b, 0);
        const [collected, count, reduced, max, fold0, fold1, agg, sum, take5, take0, takeAll, first, takeSparse] = await Promise.all([
          rdd.collect(),
          rdd.count(),
          rdd.reduce((a, b) => a + b),
          rdd.reduce((a, b) => Math.max(a, b)),
          rdd.fold(0, (a, b) => a + b),
          // Spark's fold starts each partition and the final merge from the zero: 1 + P partitions' worth of 1.
          rdd.fold(1, (a, b) => a + b),
          rdd.aggregate(
            [0, 0, 0] as [number, number, number],
            (acc, x, env: { limit: number }) => [acc[0] + x, acc[1] + 1, acc[2] + (x > env.limit ? 1 : 0)] as [number, number, number],
            (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]] as [number, number, number],
            { limit: 250 },
          ),
          rdd.sum(),
          rdd.take(5),
          rdd.take(0),
          rdd.take(nums.length + 10),
          rdd.first(),
          // The first elements live in later partitions once the filter empties the first ones.
          rdd.filter((x, env: { last: number }) => x === env.last, { last: nums[nums.length - 1]! }).take(1),
        ]);
        expect(collected).toEqual(nums);
        expect(count).toBe(nums.length);
        expect(reduced).toBe(total);
        expect(max).toBe(Math.max(...nums));
        expect(fold0).toBe(total);
        expect(fold1).toBe(total + P + 1);
        expect(agg).toEqual([total, nums.length, nums.filter((x) => x > 250).length]);
        expect(sum).toBe(total);
        expect(take5).toEqual(nums.slice(0, 5));
        expect(take0).toEqual([]);
        expect(takeAll).toEqual(nums);
        expect(first).toBe(nums[0]);
        expect(takeSparse).toEqual([nums[nums.length - 1]]);
      });

      it("aggregate copies a mutable zero per partition; reduce's functions read broadcasts and add to accumulators on executors and driver", async () => {
        const rdd = sc().parallelize(nums, P);
        const bonus = sc().broadcast({ perMerge: 1 });
        const merges = sc().accumulator(0);
        const [lists, reduced] = await Promise.all([
          rdd.aggregate(
            [] as number[],
            (acc, x) => {
              acc.push(x);
              return acc;
            },
            (a, b) => a.concat(b),
          ),
          // Every merge adds perMerge and counts itself: n elements take n - 1 merges, whatever the tree.
          rdd.reduce(
            (a, b, env: { bonus: { value: { perMerge: number } }; merges: { add(n: number): void } }) => {
              env.merges.add(1);
              return a + b + env.bonus.value.perMerge;
            },
            { bonus, merges },
          ),
        ]);
        expect([...lists].sort(numAsc)).toEqual([...nums].sort(numAsc));
        expect(reduced).toBe(nums.reduce((a, b) => a + b, 0) + nums.length - 1);
        expect(merges.value).toBe(nums.length - 1);
      });

      it("empty RDDs: count 0, fold gives the zero, reduce and first fail", async () => {
        const empty = sc().emptyRDD<number>();
        const filteredOut = sc().parallelize(nums, P).filter((x) => x > 10_000);
        const [n, collected, folded, takeEmpty, isEmpty] = await Promise.all([empty.count(), filteredOut.collect(), filteredOut.fold(0, (a, b) => a + b), empty.take(3), filteredOut.isEmpty()]);
        expect([n, collected, folded, takeEmpty, isEmpty]).toEqual([0, [], 0, [], true]);
        await expect(filteredOut.reduce((a, b) => a + b)).rejects.toThrow(/empty/);
        await expect(empty.first()).rejects.toThrow(/empty/);
      });

      it("countByKey, countByValue and collectAsMap", async () => {
        const words = lines.flatMap((l) => l.split(" "));
        // String keys, several values each: collectAsMap keeps the last pair of a key in collect order.
        const int = integers(460);
        const strPairs = Array.from({ length: 300 }, (_, i) => [WORDS[int(0, WORDS.length)]!, i] as [string, number]);
        const [byKey, byValue, asMap] = await Promise.all([
          sc().parallelize(pairs, P).countByKey(),
          sc().parallelize(words, P).countByValue(),
          sc().parallelize(strPairs, P).collectAsMap(),
        ]);
        expect(bag([...byKey])).toEqual(bag(groupPairs(pairs).map((g) => [g.key, g.values.length])));
        const expWords = new Map<string, number>();
        for (const w of words) expWords.set(w, (expWords.get(w) ?? 0) + 1);
        expect(bag([...byValue])).toEqual(bag([...expWords]));
        const expMap: Record<string, number> = {};
        for (const [k, v] of strPairs) expMap[k] = v;
        expect(Object.fromEntries(asMap)).toEqual(expMap);
      });

      it("collectAsMap with array keys keeps one entry per key (by value), the later pair winning", async () => {
        const asMap = await sc().parallelize([[[1, "a"], 1], [[1, "b"], 2], [[1, "a"], 3]] as [unknown, number][], 2).collectAsMap();
        expect(bag([...asMap].map(([k, v]) => [json(k), v]))).toEqual(bag([[json([1, "a"]), 3], [json([1, "b"]), 2]]));
      });

      it("foreach and foreachPartition add to numeric and collection accumulators, once per element", async () => {
        const rdd = sc().parallelize(nums, P);
        const total = sc().accumulator(0);
        const partitions = sc().accumulator();
        const sizes = sc().collectionAccumulator<number>();
        const picked = sc().collectionAccumulator<[number, string]>();
        await rdd.foreach((x, env: { total: { add(n: number): void } }) => env.total.add(x), { total });
        await rdd.foreachPartition(
          (xs, env: { partitions: { add(n: number): void }; sizes: { add(n: number): void } }) => {
            env.partitions.add(1);
            env.sizes.add(xs.length);
          },
          { partitions, sizes },
        );
        await rdd.foreach((x, { picked }: { picked: { add(v: [number, string]): void } }) => (x % 17 === 0 ? picked.add([x, "p"]) : undefined), { picked });
        expect(total.value).toBe(nums.reduce((a, b) => a + b, 0));
        expect(partitions.value).toBe(P);
        expect(sizes.value.length).toBe(P);
        expect(sizes.value.reduce((a, b) => a + b, 0)).toBe(nums.length);
        expect(bag(picked.value)).toEqual(bag(nums.filter((x) => x % 17 === 0).map((x) => [x, "p"])));
        // An accumulator in a transformation counts once per element per action, even when the action only counts.
        const seen = sc().accumulator(10);
        const mapped = rdd.map((x, { seen }: { seen: { add(n: number): void } }) => {
          seen.add(1);
          return x;
        }, { seen });
        expect(await mapped.collect()).toEqual(nums);
        expect(seen.value).toBe(10 + nums.length);
        expect(await mapped.count()).toBe(nums.length);
        expect(seen.value).toBe(10 + 2 * nums.length);
      });
    });

    describe("files", () => {
      const texts: Record<string, string> = {
        "lines/a.txt": "first line\nsecond, with a comma\n\nlast of a\n",
        "lines/b.txt": "no trailing newline\nb2",
        "lines/c.txt": "crlf 1\r\ncrlf 2\r\n",
        "lines/d.txt": "日本語の行\nélan naïve\n",
      };
      /** The lines of a file's text as Hadoop's line reader splits them: on \n, \r\n or \r, no empty last line. */
      const linesOf = (text: string) => {
        const out = text.split(/\r\n|\n|\r/);
        if (out[out.length - 1] === "") out.pop();
        return out;
      };

      beforeAll(async () => {
        for (const [name, body] of Object.entries(texts)) await files.put(name, body);
        await files.put("lines/e.txt.gz", gzipSync("gz 1\ngz 2\n"));
        await files.put("whole/one.txt", "one\ntwo\n");
        await files.put("empty/empty.txt", "");
        await files.put("empty/full.txt", "full");
        await files.put("whole/three.txt", "x,y\n日本\n");
      });

      it("sc.textFile reads a file in order, a folder and a glob as a multiset of lines", async () => {
        const [one, folder, globbed] = await Promise.all([
          sc().textFile(`${files.root}lines/a.txt`).collect(),
          sc().textFile(`${files.root}lines/`).collect(),
          sc().textFile(`${files.root}lines/*.txt`).collect(),
        ]);
        expect(one).toEqual(linesOf(texts["lines/a.txt"]!));
        const plain = Object.values(texts).flatMap(linesOf);
        expect(bag(folder)).toEqual(bag([...plain, "gz 1", "gz 2"]));
        expect(bag(globbed)).toEqual(bag(plain));
      });

      it("sc.textFile ends a line at a lone \\r too, as Hadoop's line reader does", async () => {
        await files.put("cr/old-mac.txt", "cr 1\rcr 2\r\rcr 4\n");
        expect(await sc().textFile(`${files.root}cr/old-mac.txt`).collect()).toEqual(linesOf("cr 1\rcr 2\r\rcr 4\n"));
      });

      it("sc.textFile splits a large file into byte ranges without losing, repeating or breaking a line", async () => {
        const r = prng(99);
        // About 400 kB with multi-byte characters everywhere, so split points fall inside them.
        const big = Array.from({ length: 6000 }, (_, i) => `${i} ${"日é".repeat(Math.floor(r() * 30))}${"x".repeat(Math.floor(r() * 20))}`);
        await files.put("big/lines.txt", big.join("\n") + "\n");
        await files.put("big-gz/lines.txt.gz", gzipSync(big.join("\n") + "\n"));
        spark.conf.set("spark.sql.files.maxPartitionBytes", "64k");
        try {
          const rdd = sc().textFile(`${files.root}big/lines.txt`);
          const [got, numPartitions, gz] = await Promise.all([rdd.collect(), rdd.getNumPartitions(), sc().textFile(`${files.root}big-gz/lines.txt.gz`).collect()]);
          expect(numPartitions).toBeGreaterThan(3);
          expect(got.length).toBe(big.length);
          expect(got).toEqual(big);
          // A gzip file cannot be split: it is read whole, whatever the split size.
          expect(gz).toEqual(big);
        } finally {
          spark.conf.unset("spark.sql.files.maxPartitionBytes");
        }
      });

      it("sc.wholeTextFiles gives [path, content] per file", async () => {
        const got = await sc().wholeTextFiles(`${files.root}whole/*.txt`).collect();
        expect(bag(got)).toEqual(
          bag([
            [`${files.root}whole/one.txt`, "one\ntwo\n"],
            [`${files.root}whole/three.txt`, "x,y\n日本\n"],
          ]),
        );
      });

      it("sc.wholeTextFiles includes an empty file, with empty content", async () => {
        const got = await sc().wholeTextFiles(`${files.root}empty/`).collect();
        expect(bag(got)).toEqual(bag([[`${files.root}empty/empty.txt`, ""], [`${files.root}empty/full.txt`, "full"]]));
      });

      it("saveAsTextFile writes strings as they are and other elements as JSON; sc.textFile reads them back", async () => {
        const out = `${files.root}saved/`;
        const elements: unknown[] = [...WORDS, ...nums.slice(0, 50), [1, "a"], { k: "v", n: [1, 2] }, true, null, 2.5];
        await sc().parallelize(elements, 3).saveAsTextFile(out);
        const back = await sc().textFile(out).collect();
        expect(bag(back)).toEqual(bag(elements.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))));
        await expect(sc().parallelize(["again"], 1).saveAsTextFile(out)).rejects.toThrow(/already exists/);
      });

      it("saveAsTextFile of an empty RDD, or of empty strings, reads back as what was saved", async () => {
        await Promise.all([
          sc().parallelize([] as string[], 2).saveAsTextFile(`${files.root}saved-empty/`),
          sc().parallelize(["", ""], 1).saveAsTextFile(`${files.root}saved-blank/`),
        ]);
        const [empty, blank] = await Promise.all(
          ["saved-empty/", "saved-blank/"].map((dir) =>
            sc()
              .textFile(`${files.root}${dir}`)
              .collect()
              .then(
                (lines) => lines,
                (e: unknown) => (e as Error).message,
              ),
          ),
        );
        expect.soft(empty).toEqual([]);
        expect.soft(blank).toEqual(["", ""]);
      });
    });

    describe("DataFrames and RDDs", () => {
      const people = Array.from({ length: 40 }, (_, i) => ({ id: i, name: i % 9 === 0 ? null : `${WORDS[i % WORDS.length]}${i}`, score: i % 4 === 0 ? null : i * 1.5 }));
      const peopleDf = () => spark.createDataFrame(people.map((p) => ({ ...p })), "id INT, name STRING, score DOUBLE");
      const byId = (a: RowObject, b: RowObject) => (a.id as number) - (b.id as number);

      it("df.rdd gives the rows as objects", async () => {
        const rdd = peopleDf().rdd;
        const [rows, ids, named] = await Promise.all([
          rdd.collect(),
          rdd.map((r) => r.id as number).sum(),
          rdd.filter((r) => r.name !== null).map((r) => `${r.id}:${String(r.name).toUpperCase()}`).collect(),
        ]);
        expect([...rows].sort(byId)).toEqual(people);
        expect(ids).toBe(people.reduce((a, p) => a + p.id, 0));
        expect(bag(named)).toEqual(bag(people.filter((p) => p.name !== null).map((p) => `${p.id}:${p.name!.toUpperCase()}`)));
      });

      it("spark.createDataFrame(rdd, schema) from [word, n] arrays and from objects", async () => {
        const counts = sc()
          .parallelize(lines, P)
          .flatMap((l) => l.split(" "))
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b);
        const fromArrays = spark.createDataFrame(counts, "word STRING, n LONG");
        const fromObjects = spark.createDataFrame(counts.map(([word, n]) => ({ n, word, extra: "ignored" })), "word STRING, n LONG");
        const [rows, schema, frequent] = await Promise.all([fromArrays.orderBy("word").collect(), fromArrays.schema(), fromObjects.filter(col("n").gt(100)).orderBy(col("n").desc(), col("word")).collect()]);
        const exp = new Map<string, number>();
        for (const w of lines.flatMap((l) => l.split(" "))) exp.set(w, (exp.get(w) ?? 0) + 1);
        expect(schema.fields.map((f) => [f.name, f.type])).toEqual([["word", "string"], ["n", "long"]]);
        expect(rows).toEqual([...exp].sort((a, b) => strCmp(a[0], b[0])).map(([word, n]) => ({ word, n })));
        expect(frequent).toEqual(
          [...exp]
            .filter(([, n]) => n > 100)
            .sort((a, b) => b[1] - a[1] || strCmp(a[0], b[0]))
            .map(([word, n]) => ({ word, n })),
        );
      });

      it("createDataFrame(rdd, schema) refuses values that do not fit the schema (PySpark's verifySchema), instead of mistyped columns", async () => {
        const frame = (elements: unknown[]) => spark.createDataFrame(sc().parallelize(elements, 2), "word STRING, n LONG");
        const [fits, asText, fractional, asBoolean] = await Promise.all(
          [[["a", 1], ["b", null], { word: "c", n: 3 }], [["a", 1], ["b", "3"]], [["a", 1], ["c", 2.5]], [["a", 1], ["d", true]]].map((elements) =>
            frame(elements).collect().then(
              (rows) => rows,
              (e: unknown) => e as Error,
            ),
          ),
        );
        expect(fits).toEqual([{ word: "a", n: 1 }, { word: "b", n: null }, { word: "c", n: 3 }]);
        // Left in, "3" makes sum("n") a string ("13"): a LONG column must hold whole numbers or null.
        for (const outcome of [asText, fractional, asBoolean]) {
          expect.soft(outcome).toBeInstanceOf(Error);
          if (outcome instanceof Error) expect.soft(outcome.message).toMatch(/long/i);
        }
      });

      it("UDFs from udf() and spark.udf.register in select, withColumn and filter", async () => {
        const shout = udf((s: string | null) => (s === null ? null : `${s.toUpperCase()}!`), "string");
        const scaled = udf((x: number | null, env: { k: number }) => (x === null ? null : x * env.k), "double", { k: 4 });
        spark.udf.register("longName", (s: string | null) => s !== null && s.length > 7, "boolean");
        const nameLength = spark.udf.register("nameLength", (s: string | null) => (s === null ? -1 : [...s].length), "int");
        const longName = spark.udf.get("longName");
        const df = peopleDf();
        const [withCol, selected, filtered] = await Promise.all([
          df.withColumn("loud", shout(col("name"))).collect(),
          df.select(col("id"), scaled(col("score")).alias("s4"), nameLength("name").alias("len")).collect(),
          df.filter(longName(col("name"))).select("id").collect(),
        ]);
        expect([...withCol].sort(byId)).toEqual(people.map((p) => ({ ...p, loud: p.name === null ? null : `${p.name.toUpperCase()}!` })));
        expect([...selected].sort(byId)).toEqual(people.map((p) => ({ id: p.id, s4: p.score === null ? null : p.score * 4, len: p.name === null ? -1 : [...p.name].length })));
        expect(filtered.map((r) => r.id as number).sort(numAsc)).toEqual(people.filter((p) => p.name !== null && p.name.length > 7).map((p) => p.id));
      });
    });

    describe("shared variables and errors", () => {
      it("a broadcast variable is read in map and filter", async () => {
        const names: Record<string, string> = Object.fromEntries(WORDS.slice(0, 6).map((w, i) => [w, `${w.toUpperCase()}#${i}`]));
        const lookup = sc().broadcast(names);
        const allowed = sc().broadcast(nums.filter((x) => x % 5 === 0));
        const words = lines.flatMap((l) => l.split(" "));
        const [mapped, filtered] = await Promise.all([
          sc()
            .parallelize(words, P)
            .map((w, { lookup }: { lookup: { value: Record<string, string> } }) => lookup.value[w] ?? "Unknown", { lookup })
            .collect(),
          sc()
            .parallelize(nums, P)
            .filter((x, env: { allowed: { value: number[] }; lookup: { value: Record<string, string> } }) => env.allowed.value.includes(x) && Object.keys(env.lookup.value).length === 6, { allowed, lookup })
            .collect(),
        ]);
        expect(mapped).toEqual(words.map((w) => names[w] ?? "Unknown"));
        expect(filtered).toEqual(nums.filter((x) => x % 5 === 0));
      });

      it("a cached RDD is computed once: later actions reuse it, and its accumulator additions count once", async () => {
        const computed = sc().accumulator(0);
        const cached = sc()
          .parallelize(nums, P)
          .map((x, env) => {
            env.computed.add(1);
            return x * 2;
          }, { computed })
          .cache();
        try {
          const first = await cached.collect();
          const [again, n, total] = await Promise.all([cached.collect(), cached.count(), cached.sum()]);
          expect(first).toEqual(nums.map((x) => x * 2));
          expect(again).toEqual(first);
          expect(n).toBe(nums.length);
          expect(total).toBe(2 * nums.reduce((a, b) => a + b, 0));
          expect(computed.value).toBe(nums.length);
        } finally {
          await cached.unpersist();
        }
      });

      it("NaN and ±Infinity results stay numbers, through a shuffle too", async () => {
        const rdd = sc().parallelize([1, 0, -1, 2], 2);
        // even → Infinity + 2, odd → 1 + -1, nan → NaN + 0 + 0 + 0.
        const reducedRdd = rdd.flatMap((x) => [[x % 2 === 0 ? "even" : "odd", x === 0 ? Infinity : x], ["nan", x === 0 ? NaN : 0]] as [string, number][]).reduceByKey((a, b) => a + b);
        const [divided, reduced, asText] = await Promise.all([
          rdd.map((x) => x / 0).collect(),
          reducedRdd.collect(),
          // Turned into text on the executors: tells the shuffle (kept or lost them) from the way back to the driver.
          reducedRdd.mapValues((v) => String(v)).collect(),
        ]);
        expect.soft([...asText].sort((a, b) => strCmp(a[0], b[0]))).toEqual([["even", "Infinity"], ["nan", "NaN"], ["odd", "0"]]);
        expect.soft(divided).toEqual([Infinity, NaN, -Infinity, Infinity]);
        expect.soft([...reduced].sort((a, b) => strCmp(a[0], b[0]))).toEqual([["even", Infinity], ["nan", NaN], ["odd", 0]]);
      });

      it("a function returning undefined gives null elements (JSON's nothing, as Python's None)", async () => {
        const rdd = sc().parallelize([1, 0, -1, 2], 2);
        const [nothing, pairs] = await Promise.all([rdd.map(() => undefined).collect(), rdd.map((x) => [x, undefined]).collect()]);
        expect(nothing).toEqual([null, null, null, null]);
        expect(pairs).toEqual([[1, null], [0, null], [-1, null], [2, null]]);
      });

      it("a function that throws fails the job, naming the partition and the thrown message", async () => {
        const rdd = sc().parallelize(nums, P);
        const target = nums[nums.length - 1]!;
        await expect(
          rdd
            .map((x, env: { target: number }) => {
              if (x === env.target) throw new Error(`boom at ${x}`);
              return x;
            }, { target })
            .collect(),
        ).rejects.toThrow(new RegExp(`partition[\\s\\S]*boom at ${target}`));
        // In reduceByKey's merge function too (it runs on both sides of the shuffle).
        const error = await sc()
          .parallelize(pairs, P)
          .reduceByKey((a, b) => {
            if (a + b > 2000) throw new RangeError("sum too large in reduceByKey");
            return a + b;
          })
          .collect()
          .then(
            () => undefined,
            (e: unknown) => e as Error,
          );
        expect(error).toBeInstanceOf(Error);
        expect(error!.message).toContain("partition");
        expect(error!.message).toContain("sum too large in reduceByKey");
      });

      it("self-contained functions of every shape ship and run: labels, named recursion, hoisting, arguments, try/catch, regexes", async () => {
        // Each function is used twice: shipped to the executors, and called here on the same input.
        const labelled = (x: number) => {
          let n = 0;
          outer: for (let i = 0; i < 5; i++) {
            for (let j = 0; j < 5; j++) {
              if (j > i) continue outer;
              if (i * j > Math.abs(x) % 7) break outer;
              n++;
            }
          }
          return n;
        };
        const recursive = (x: number) => {
          const fib = function f(n: number): number {
            return n < 2 ? n : f(n - 1) + f(n - 2);
          };
          return fib(Math.abs(x) % 15);
        };
        const hoisted = (x: number) => {
          return twice(x) + 1;
          function twice(n: number) {
            return 2 * n;
          }
        };
        const withArguments = function (x: number) {
          // eslint-disable-next-line prefer-rest-params
          return [x, arguments[0]];
        };
        const caught = (x: number) => {
          try {
            if (x % 4 === 0) throw new RangeError(`multiple of 4: ${x}`);
            return JSON.parse(`{"v": ${x}}`).v as number;
          } catch (e) {
            return (e as Error).message;
          }
        };
        const regexes = (x: number) => `${x}:${x * 3}`.replace(/(-?\d+)/g, (m) => `<${m.length}>`);
        const rdd = sc().parallelize(nums, P);
        const got = await Promise.all([labelled, recursive, hoisted, caught, regexes].map((f) => rdd.map(f).collect()));
        expect(got).toEqual([labelled, recursive, hoisted, caught, regexes].map((f) => nums.map(f)));
        expect(await rdd.map(withArguments).take(3)).toEqual(nums.slice(0, 3).map((x) => [x, x]));
      });

      it("a function may declare a class whose field initializers use `this`", async () => {
        const withClass = (x: number) => {
          class Scaled {
            readonly factor = 3;
            readonly value = this.factor * x;
          }
          return new Scaled().value;
        };
        expect(await sc().parallelize(nums, P).map(withClass).collect()).toEqual(nums.map((x) => 3 * x));
      });

      it("a function returning a Map or a Set (not JSON data) fails the job saying so, instead of an empty object or a master-dependent value", async () => {
        const rdd = sc().parallelize([1, 2, 3], 2);
        const outcomes = await Promise.all(
          [rdd.map((x) => new Map([[x, x * 2]])), rdd.map((x) => new Set([x]))].map((r) =>
            r.collect().then(
              (got) => got as unknown,
              (e: unknown) => e as Error,
            ),
          ),
        );
        for (const outcome of outcomes) {
          expect.soft(outcome).toBeInstanceOf(Error);
          if (outcome instanceof Error) expect.soft(outcome.message).toMatch(/JSON|Map|Set/);
        }
      });

      it("an async function (its results are promises) is refused, or fails the job saying so, rather than crashing a worker", async () => {
        const outcome = await Promise.resolve()
          .then(() => sc().parallelize(nums, P).map(async (x) => x * 2).collect())
          .then(
            (got) => got,
            (e: unknown) => e as Error,
          );
        expect(outcome).toBeInstanceOf(Error);
        expect((outcome as Error).message).toMatch(/promise|async/i);
      });

      it("a function using a variable it was not given is refused at the call, before any job", () => {
        const rate = 2;
        const rdd: RDD<number> = sc().parallelize(nums, P);
        expect(() => rdd.map((x) => x * rate)).toThrow(/"rate"/);
        expect(() => rdd.filter((x) => x > rate)).toThrow(/captures/);
      });
    });
  });
}
