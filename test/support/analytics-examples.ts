/**
 * The analytics examples (examples/sessionize.ts, top3-per-group.ts, monthly-pivot.ts) run as
 * job scripts through `sparkfn submit` on a master, their printed rows checked against the same
 * answers computed here in plain JavaScript over the same generated rows. Defined once, run per
 * master: test/examples/analytics-examples.test.ts (local[2]) and
 * test/integration/analytics-examples-lambda.test.ts (the executor function in the emulator).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { clicks, REGIONS, sales, SESSION_GAP_SECONDS } from "../../examples/data/analytics.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function defineAnalyticsExamples(master: string, conf: readonly string[] = []): void {
  const submit = async (example: string): Promise<Record<string, unknown>[]> => {
    const args = [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", path.join(ROOT, "examples", example), "--master", master, ...conf.flatMap((c) => ["--conf", c])];
    const { stdout } = await promisify(execFile)("node", args, { cwd: ROOT, maxBuffer: 1 << 24 });
    return stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  describe(`analytics examples on ${master}`, () => {
    it("sessionizes clicks: a gap over 30 minutes starts a session (lag and a running sum over a window)", async () => {
      const byUser = new Map<string, number[]>();
      for (const c of clicks()) byUser.set(c.user, [...(byUser.get(c.user) ?? []), c.t]);
      const expected: Record<string, unknown>[] = [];
      for (const user of [...byUser.keys()].sort()) {
        const times = byUser.get(user)!.sort((a, b) => a - b);
        let session = 0;
        times.forEach((t, i) => {
          if (i === 0 || t - times[i - 1]! > SESSION_GAP_SECONDS) expected.push({ user, session: ++session, clicks: 0, start: t, end: t });
          const current = expected.at(-1)!;
          current.clicks = (current.clicks as number) + 1;
          current.end = t;
        });
      }
      expect(expected.length).toBeGreaterThan(byUser.size);
      expect(await submit("sessionize.ts")).toEqual(expected);
    });

    it("keeps the three largest sales of each category (row_number over a window)", async () => {
      const byCategory = new Map<string, ReturnType<typeof sales>>();
      for (const s of sales()) byCategory.set(s.category, [...(byCategory.get(s.category) ?? []), s]);
      const expected = [...byCategory.keys()].sort().flatMap((category) =>
        byCategory
          .get(category)!
          .sort((a, b) => b.cents - a.cents || a.id - b.id)
          .slice(0, 3)
          .map((s, i) => ({ category, rank: i + 1, id: s.id, cents: s.cents })),
      );
      expect(await submit("top3-per-group.ts")).toEqual(expected);
    });

    it("pivots a year of sales into a row per region and a column per month, null where a region sold nothing", async () => {
      const expected = [...REGIONS].sort().map((region) => {
        const row: Record<string, unknown> = { region };
        for (let month = 1; month <= 12; month++) {
          const cents = sales().filter((s) => s.region === region && s.month === month).map((s) => s.cents);
          row[String(month)] = cents.length ? cents.reduce((a, b) => a + b, 0) : null;
        }
        row.year = sales().filter((s) => s.region === region).reduce((a, s) => a + s.cents, 0);
        return row;
      });
      expect(expected.some((r) => r["8"] === null)).toBe(true);
      expect(await submit("monthly-pivot.ts")).toEqual(expected);
    });
  });
}
