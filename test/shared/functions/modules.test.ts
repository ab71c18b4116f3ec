import { describe, expect, it } from "vitest";
import { evaluateModule } from "../../../shared/functions/modules.ts";

describe("evaluateModule", () => {
  it("returns a bundle's exports, its built-in requires answered", () => {
    const exports = evaluateModule("const path = require('node:path'); module.exports = { join: (a, b) => path.posix.join(a, b) };", "joiner") as { join(a: string, b: string): string };
    expect(exports.join("a", "b")).toBe("a/b");
    expect(() => evaluateModule("require('left-pad')", "pad")).toThrow(/requires "left-pad", which is not bundled/);
  });

  it("gives the bundle a console of its own: assigning to it leaves the host's untouched", () => {
    const hostLog = console.log;
    const hostWarn = console.warn;
    const exports = evaluateModule("console.log = () => 'hijacked'; console.warn = null; module.exports = typeof console.log;", "patcher");
    expect(exports).toBe("function");
    expect(console.log).toBe(hostLog);
    expect(console.warn).toBe(hostWarn);
  });
});
