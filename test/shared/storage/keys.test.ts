import { describe, expect, it } from "vitest";
import { appPrefix, assertSafeId, datasetPartKey, APPS_PREFIX } from "../../../shared/storage/keys.ts";

describe("object key layout", () => {
  it("puts app scratch under the lifecycle-managed prefix", () => {
    expect(appPrefix("app-1")).toBe("apps/app-1/");
    expect(appPrefix("app-1").startsWith(APPS_PREFIX)).toBe(true);
  });

  it("zero-pads part numbers so listings sort in part order", () => {
    expect(datasetPartKey("transactions", 7, "csv")).toBe("data/transactions/part-00007.csv");
    const keys = [10, 2, 1].map((n) => datasetPartKey("t", n, "csv")).sort();
    expect(keys).toEqual([1, 2, 10].map((n) => datasetPartKey("t", n, "csv")));
  });

  it.each(["../x", "a/b", "", ".hidden", "x".repeat(129), "a b"])("rejects the unsafe id %j", (id) => {
    expect(() => assertSafeId("app id", id)).toThrowError(/Invalid app id/);
  });
});

describe("shuffle object keys", () => {
  it("are unique per shuffle, stage, map partition and attempt", async () => {
    const { shuffleObjectUri } = await import("../../../shared/storage/keys.ts");
    const keys = new Set<string>();
    for (const stage of [0, 1]) for (const map of [0, 1, 2]) for (const attempt of [0, 1]) keys.add(shuffleObjectUri("s3://b/apps/a/", 3, stage, map, attempt));
    expect(keys.size).toBe(12);
    expect(shuffleObjectUri("s3://b/apps/a", 3, 1, 7, 0)).toMatch(/^s3:\/\/b\/apps\/a\/shuffle\/3\/[0-9a-f]{2}\/stage-1-map-00007-attempt-0\.blocks$/);
    // The same map task always lands under the same prefix; 1,000 map tasks use most of the 256.
    expect(shuffleObjectUri("s3://b/x/", 0, 2, 9, 0).split("/")[6]).toBe(shuffleObjectUri("s3://b/x/", 0, 2, 9, 3).split("/")[6]);
    const prefixes = new Set(Array.from({ length: 1000 }, (_, m) => shuffleObjectUri("s3://b/x/", 0, 1, m, 0).split("/")[6]));
    expect(prefixes.size).toBeGreaterThan(200);
  });
});
