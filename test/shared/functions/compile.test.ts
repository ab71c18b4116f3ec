import { describe, expect, it, vi } from "vitest";
import { compileFunction, UserFunctionError, type FunctionRuntime } from "../../../shared/functions/compile.ts";
import type { ShippedFunction } from "../../../shared/plan/function.ts";

const fn = (source: string, captures: Record<string, unknown> | null = null): ShippedFunction => ({ source, op: "rdd.map", site: { file: "/jobs/job.ts", line: 40 }, captures });

function runtime(broadcasts: Record<number, unknown> = {}): FunctionRuntime & { added: Map<number, unknown[]> } {
  const added = new Map<number, unknown[]>();
  return {
    where: "partition 3 of stage 1",
    added,
    broadcastValue: (h) => broadcasts[h.id],
    moduleExports: () => undefined,
    accumulator: (h) => ({ add: (v) => added.set(h.id, [...(added.get(h.id) ?? []), v]) }),
  };
}

describe("compileFunction", () => {
  it("passes the captures as the last argument, a copy per compilation", () => {
    const captures = { rate: 3, list: [1] };
    const f = compileFunction(fn("(x, env) => { env.list.push(x); return x * env.rate + env.list.length; }", captures), runtime());
    expect(f(2)).toBe(8);
    expect(f(2)).toBe(9);
    // The plan's own captures are untouched; a new compilation starts from them again.
    expect(captures.list).toEqual([1]);
    expect(compileFunction(fn("(x, env) => env.list.length", captures), runtime())(0)).toBe(1);
  });

  it("runs in a context of its own: no host globals beyond the JavaScript runtime's", () => {
    const f = compileFunction(fn("() => [typeof process, typeof require, typeof Buffer, typeof Math.max, typeof JSON.parse]"), runtime());
    expect(f()).toEqual(["undefined", "undefined", "undefined", "function", "function"]);
  });

  it("resolves broadcast and accumulator handles", () => {
    const rt = runtime({ 4: { a: "Alpha" } });
    const f = compileFunction(
      fn("(k, { lookup, seen }) => { seen.add(k); return lookup.value[k] ?? 'Unknown'; }", {
        lookup: { $sparkfn: "broadcast", id: 4, uri: "s3://b/apps/x/broadcast/4.json" },
        seen: { $sparkfn: "accumulator", id: 9, kind: "list" },
      }),
      rt,
    );
    expect([f("a"), f("b")]).toEqual(["Alpha", "Unknown"]);
    expect(rt.added.get(9)).toEqual(["a", "b"]);
  });

  it("reports a throwing function with the operation, the script line and the partition", () => {
    const f = compileFunction(fn("(x) => {\n  if (x > 1) throw new Error('too big: ' + x);\n  return x;\n}"), runtime());
    expect(f(1)).toBe(1);
    let error: unknown;
    try {
      f(5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserFunctionError);
    const message = (error as Error).message;
    expect(message).toContain("rdd.map");
    expect(message).toContain("partition 3 of stage 1");
    expect(message).toContain("too big: 5");
    // The stack points into the job script, offset to the function's place in it.
    expect(message).toMatch(/\/jobs\/job\.ts:41/);
  });

  it("gives the function a console that logs through the host's but cannot replace or patch it", () => {
    const hostLog = console.log;
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      const f = compileFunction(fn("(x) => { console.log('seen', x); console.log = () => 'hijacked'; try { console.error = null; } catch {} return console === globalThis.console; }"), runtime());
      expect(f(7)).toBe(true);
      expect(logged).toEqual([["seen", 7]]);
      expect(console.log).toBe(spy);
      expect(typeof console.error).toBe("function");
    } finally {
      spy.mockRestore();
    }
    expect(console.log).toBe(hostLog);
  });

  it("refuses source that is not a function", () => {
    expect(() => compileFunction(fn("42"), runtime())).toThrow(/not a function/);
    expect(() => compileFunction(fn("(x) => {"), runtime())).toThrow(/does not compile/);
  });
});
