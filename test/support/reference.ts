/**
 * Independent reference computations for tests: a plain split-based pass
 * over generated CSV text (it has no quoted fields), sharing no code with the engine.
 */
export function referenceGroupSum(csvFiles: readonly string[], keep: (amount: number) => boolean) {
  const out = new Map<string, { sum: number; count: number }>();
  for (const csv of csvFiles) {
    for (const line of csv.trim().split("\n").slice(1)) {
      const [, category, amount] = line.split(",");
      if (amount === "" || !keep(parseFloat(amount!))) continue;
      const group = out.get(category!) ?? { sum: 0, count: 0 };
      group.sum += parseFloat(amount!);
      group.count++;
      out.set(category!, group);
    }
  }
  return out;
}

/** Per key k in [0, keys): the sum of `value(id)` over ids 0..n-1 with id % keys = k (range(n) grouped by id mod keys). */
export function rangeSums(n: number, keys: number, value: (id: number) => number = (id) => id): Map<number, number> {
  const out = new Map<number, number>();
  for (let id = 0; id < n; id++) out.set(id % keys, (out.get(id % keys) ?? 0) + value(id));
  return out;
}
