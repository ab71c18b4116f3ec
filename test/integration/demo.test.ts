/** `npm run demo` (the README's first command after install) prints the right sums. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { DEMO_DATA, transactionCsvFiles } from "../../examples/data/transactions.ts";
import { referenceGroupSum } from "../support/reference.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

it("npm run demo prints each category's sum of amounts over 1000", async () => {
  const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "demo"], { cwd: ROOT, maxBuffer: 1 << 24 });
  const printed = new Map<string, { sum: number; count: number }>();
  for (const match of stdout.matchAll(/^\|\s*([A-Za-z]+)\|\s*([\d.]+)\|\s*(\d+)\|$/gm)) {
    printed.set(match[1]!, { sum: Number(match[2]), count: Number(match[3]) });
  }
  const expected = referenceGroupSum(transactionCsvFiles(DEMO_DATA), (a) => a > 1000);
  expect([...printed.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [category, want] of expected) {
    expect(printed.get(category)!.count).toBe(want.count);
    expect(printed.get(category)!.sum).toBeCloseTo(want.sum, 2);
  }
  expect(stdout).toContain(`Uploaded ${DEMO_DATA.files} CSV files (${DEMO_DATA.files * DEMO_DATA.rowsPerFile} rows)`);
  expect(stdout).toContain("Ran on the executor function");
});
