/** The seed article's DataFrame examples run as job scripts through `sparkfn submit` on local[2]. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEMO_DATA, transactionCsvFiles } from "../../examples/data/transactions.ts";
import { referenceGroupSum } from "../support/reference.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const submit = async (example: string) =>
  (await promisify(execFile)("node", [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", path.join(ROOT, "examples", example), "--master", "local[2]"], { cwd: ROOT })).stdout;

describe("seed examples", () => {
  it("filter → groupBy → sum → collect", async () => {
    const rows = (await submit("seed-filter-groupby-sum.ts")).trim().split("\n").map((l) => JSON.parse(l) as { category: string; "sum(amount)": number });
    const expected = referenceGroupSum(transactionCsvFiles(DEMO_DATA), (a) => a > 1000);
    expect(rows.map((r) => r.category)).toEqual([...expected.keys()].sort());
    for (const row of rows) expect(row["sum(amount)"]).toBeCloseTo(expected.get(row.category)!.sum, 6);
  });

  it("limit(1000).collect() of a billion-row range brings 1000 rows", async () => {
    expect(JSON.parse((await submit("seed-limit-collect.ts")).trim())).toEqual({ rows: 1000, first: { id: 0 }, last: { id: 999 } });
  });

  it("repartition(200) gives 200 partitions and keeps every row", async () => {
    const out = await submit("seed-repartition.ts");
    expect(out).toContain(`Partitions: ${DEMO_DATA.files}`);
    expect(out).toContain("Partitions after repartition(200): 200");
    expect(out).toContain(`Rows: ${DEMO_DATA.files * DEMO_DATA.rowsPerFile}`);
  });
});
