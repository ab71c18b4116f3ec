/**
 * Runs a bundled npm package (sc.addModule) as CommonJS in a `node:vm` context of its own
 * and returns its exports. The bundle was built by the job's driver with esbuild and is
 * checked against its SHA-256 before it gets here; it may load Node's built-in modules only.
 * Those are the host's own (`require("process").env` is the executor's environment, its role's
 * credentials included): a bundle is trusted as the job is, vm is no sandbox (README, "Trust
 * and safety").
 */
import { builtinModules, createRequire } from "node:module";
import vm from "node:vm";
import { guestConsole } from "./guest-console.ts";

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const hostRequire = createRequire(import.meta.url || `${process.cwd()}/`);

export function evaluateModule(code: string, specifier: string): unknown {
  const module = { exports: {} as unknown };
  const require = (name: string): unknown => {
    if (!builtins.has(name)) throw new Error(`the bundle of "${specifier}" requires "${name}", which is not bundled: only Node's built-in modules load at run time`);
    return hostRequire(name);
  };
  const context = vm.createContext({ console: guestConsole, process: { env: {}, platform: process.platform, version: process.version, versions: process.versions } });
  const wrapper = vm.runInContext(`(function (module, exports, require) {\n${code}\n})`, context, { filename: `sparkfn-module:${specifier}` }) as (m: unknown, e: unknown, r: unknown) => void;
  wrapper(module, module.exports, require);
  return module.exports;
}
