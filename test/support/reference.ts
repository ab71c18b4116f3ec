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
