/**
 * Deterministic sample data for the examples and tests: transactions (id, category,
 * amount) as CSV part files. The same seed always gives the same bytes.
 */
import { seededRandom } from "../../shared/random.ts";

export { seededRandom };

/** The dataset `npm run demo` uploads to data/transactions/ and aggregates. */
export const DEMO_DATA = { name: "transactions", files: 8, rowsPerFile: 2_500, seed: 42 } as const;

export const CATEGORIES = ["Electronics", "Clothing", "Groceries", "Books", "Toys", "Home", "Sports", "Beauty"] as const;

export interface TransactionFilesOptions {
  rowsPerFile: number;
  files: number;
  seed?: number;
}

/**
 * CSV text of each part file. About 1% of amounts are empty (null), so null handling is
 * exercised; amounts have two decimals and range over 0.01-4999.99.
 */
export function transactionCsvFiles({ rowsPerFile, files, seed = 42 }: TransactionFilesOptions): string[] {
  const random = seededRandom(seed);
  const out: string[] = [];
  let id = 1;
  for (let f = 0; f < files; f++) {
    const lines = ["id,category,amount"];
    for (let r = 0; r < rowsPerFile; r++, id++) {
      const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
      const cents = 1 + Math.floor(random() * 499_999);
      const amount = random() < 0.01 ? "" : (cents / 100).toFixed(2);
      lines.push(`${id},${category},${amount}`);
    }
    out.push(lines.join("\n") + "\n");
  }
  return out;
}
