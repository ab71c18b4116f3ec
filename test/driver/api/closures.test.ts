import { describe, expect, it } from "vitest";
import { ClosureError, shipFunction } from "../../../driver/api/closures.ts";
import { Accumulator } from "../../../driver/api/accumulator.ts";

// Line numbers below are found in this file's own text, so the test does not hard-code them.
const source = await (await import("node:fs/promises")).readFile(new URL(import.meta.url), "utf8");
const lineOf = (marker: string) => source.split("\n").findIndex((l) => l.includes(marker)) + 1;

const rejects = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ClosureError);
    return (error as Error).message;
  }
  throw new Error("expected a ClosureError");
};

describe("shipFunction", () => {
  it("ships a self-contained function with its captures and call site", () => {
    const shipped = shipFunction("rdd.map", (x: number, env: { rate: number }) => x * env.rate, { rate: 2 });
    expect(shipped.op).toBe("rdd.map");
    expect(shipped.captures).toEqual({ rate: 2 });
    expect(shipped.site?.file).toMatch(/closures\.test\.ts$/);
    // The source is runnable JavaScript on its own.
    expect(new Function(`return (${shipped.source})`)()(5, { rate: 2 })).toBe(10);
  });

  it("rejects an undeclared free variable, naming it and its line", () => {
    const rate = 3;
    const message = rejects(() =>
      shipFunction("rdd.map", (x: number) => {
        const doubled = x * 2;
        return doubled * rate; // FREE-VARIABLE-LINE
      }),
    );
    expect(message).toContain('"rate"');
    expect(message).toContain(`closures.test.ts:${lineOf("FREE-VARIABLE-LINE")}`);
    expect(message).toContain("{ rate }");
  });

  it("allows the runtime's globals and names bound inside the function", () => {
    const shipped = shipFunction("rdd.map", (s: string) => {
      const parts = s.split(",").map((p) => Number(p));
      const set = new Set(parts);
      return JSON.stringify({ max: Math.max(...set), when: Date.UTC(2020, 0, 1), n: Number.isFinite(parts[0]) });
    });
    expect(shipped.captures).toBeNull();
  });

  it("rejects this, require and dynamic import", () => {
    expect(rejects(() => shipFunction("rdd.map", function (this: { k: number }, x: number) { return x + this.k; }))).toBeTruthy();
    expect(rejects(() => shipFunction("rdd.map", () => require("node:fs")))).toMatch(/"require".*cannot load modules/);
    expect(rejects(() => shipFunction("rdd.map", () => import("node:fs")))).toMatch(/imports a module/);
  });

  it("accepts methods, and refuses built-in and bound functions", () => {
    const obj = { double(x: number) { return x * 2; } };
    expect(new Function(`return (${shipFunction("rdd.map", obj.double).source})`)()(4)).toBe(8);
    expect(rejects(() => shipFunction("rdd.map", Math.max))).toMatch(/built in or bound/);
    expect(rejects(() => shipFunction("rdd.map", ((x: number) => x).bind(null)))).toMatch(/built in or bound/);
    expect(rejects(() => shipFunction("rdd.map", 42))).toMatch(/expected a function/);
  });

  it("checks captures: plain data, or broadcast variables and accumulators at the top level", () => {
    expect(rejects(() => shipFunction("rdd.map", (x: number) => x, { m: new Map() }))).toMatch(/captures\.m is a Map/);
    expect(rejects(() => shipFunction("rdd.map", (x: number) => x, { f: () => 1 }))).toMatch(/captures\.f is a function/);
    expect(rejects(() => shipFunction("rdd.map", (x: number) => x, { n: Number.NaN }))).toMatch(/captures\.n is NaN/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejects(() => shipFunction("rdd.map", (x: number) => x, { cyclic }))).toMatch(/refers to itself/);
    const acc = new Accumulator(7, "number", 0);
    expect(shipFunction("rdd.foreach", (x: number, env: { acc: { add(n: number): void } }) => env.acc.add(x), { acc }).captures).toEqual({ acc: { $sparkfn: "accumulator", id: 7, kind: "number" } });
    expect(rejects(() => shipFunction("rdd.map", (x: number) => x, { nested: { acc } }))).toMatch(/top-level capture/);
  });
});
