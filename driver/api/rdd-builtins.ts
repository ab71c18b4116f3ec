/**
 * The engine's own small functions that RDD operations ship next to the user's: distinct(),
 * groupByKey(), the joins (through cogroup), sample(), zipWithIndex() and friends are built
 * from mapPartitions and combineByKey with these. They travel the way user functions do
 * (as source text, checked by shipFunction), so each must be self-contained: no imports,
 * no free variables, only its arguments and its captures (the last argument).
 */
type Pair = [unknown, unknown];
type Groups = [unknown[], unknown[]];

export const BUILTINS = {
  pairWithNull: (x: unknown) => [x, null],
  keepFirst: (a: unknown) => a,
  keyOf: (p: Pair) => p[0],
  valueOf: (p: Pair) => p[1],
  listOf: (v: unknown) => [v],
  append: (list: unknown[], v: unknown) => {
    list.push(v);
    return list;
  },
  concat: (a: unknown[], b: unknown[]) => a.concat(b),
  one: () => 1,
  increment: (n: number) => n + 1,
  add: (a: number, b: number) => a + b,
  tagLeft: (v: unknown) => [0, v],
  tagRight: (v: unknown) => [1, v],
  cogroupCreate: (t: [0 | 1, unknown]) => (t[0] === 0 ? [[t[1]], []] : [[], [t[1]]]),
  cogroupAdd: (g: Groups, t: [0 | 1, unknown]) => {
    g[t[0]].push(t[1]);
    return g;
  },
  cogroupMerge: (a: Groups, b: Groups) => [a[0].concat(b[0]), a[1].concat(b[1])],
  /** [vs, ws] → the pairs of a join, with null for a missing side as `env.keep` says. */
  joinPairs: (g: Groups, env: { keepLeft: boolean; keepRight: boolean }) => {
    const [vs, ws] = g;
    const out: [unknown, unknown][] = [];
    for (const v of vs) for (const w of ws) out.push([v, w]);
    if (env.keepLeft && ws.length === 0) for (const v of vs) out.push([v, null]);
    if (env.keepRight && vs.length === 0) for (const w of ws) out.push([null, w]);
    return out;
  },
  countElements: (xs: unknown[]) => [xs.length],
  countPerPartition: (i: number, xs: unknown[]) => [[i, xs.length]],
  zipWithIndex: (i: number, xs: unknown[], env: { offsets: number[] }) => xs.map((x, j) => [x, env.offsets[i]! + j]),
  /**
   * Bernoulli sampling (each element kept when its draw falls in [lower, fraction): with lower
   * 0, with probability `fraction`; randomSplit's ranges cut one sequence of draws), or with
   * replacement a Poisson(fraction) number of copies, from a generator seeded by seed and
   * partition.
   */
  sample: (i: number, xs: unknown[], env: { fraction: number; seed: number; withReplacement: boolean; lower?: number }) => {
    let s = (env.seed + Math.imul(i + 1, 0x9e3779b1)) >>> 0;
    const random = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const out: unknown[] = [];
    for (const x of xs) {
      if (!env.withReplacement) {
        const r = random();
        if (r < env.fraction && r >= (env.lower ?? 0)) out.push(x);
        continue;
      }
      const limit = Math.exp(-env.fraction);
      let k = 0;
      for (let p = random(); p > limit; p *= random()) k++;
      for (let c = 0; c < k; c++) out.push(x);
    }
    return out;
  },
  toText: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
} as const;
