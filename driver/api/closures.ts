/**
 * Turns a user function into plan data that can travel to executors (shared/plan/function.ts),
 * or refuses it at the call, before any task runs. A function travels as its source text,
 * so it must not depend on anything outside itself: the check parses it with acorn and
 * resolves its scopes with periscopic, then rejects any free variable that is not a global of
 * the JavaScript runtime, any `this` outside a nested `function`, and any import. What it
 * needs from the job it receives as its last parameter, from the captures object:
 *
 *   rdd.map((x, env) => x * env.rate, { rate })
 *
 * Captured values must be JSON data, broadcast variables or accumulators; they are checked
 * here too. TypeScript jobs are already JavaScript by the time a function's text is taken
 * (tsx strips the types as it loads the script).
 */
import vm from "node:vm";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";
import { parse } from "acorn";
import { analyze } from "periscopic";
import type { CallSite, CaptureHandle, ShippedFunction } from "../../shared/plan/function.ts";
import { MAX_FUNCTION_SOURCE } from "../../shared/plan/function.ts";
import { UserError } from "../../shared/errors.ts";

export class ClosureError extends UserError {
  override readonly name = "ClosureError";
}

/** Values that travel as handles: broadcast variables and accumulators. */
export interface CaptureTarget {
  toHandle(): CaptureHandle;
}
export const isCaptureTarget = (v: unknown): v is CaptureTarget => typeof v === "object" && v !== null && typeof (v as { toHandle?: unknown }).toHandle === "function";

export type Captures = Record<string, unknown>;

/**
 * The globals a fresh vm context has (Math, JSON, Date, Map, ...), plus console and
 * `__name`, the helper esbuild (tsx) adds to keep nested functions' names, which the
 * executor's context provides (shared/functions/compile.ts).
 */
const ALLOWED_GLOBALS = new Set<string>([...(vm.runInNewContext("Object.getOwnPropertyNames(globalThis)") as string[]), "console", "undefined", "__name"]);

/**
 * This package's own folders: stack frames inside them are not the user's call site. In a
 * CommonJS bundle (the batch driver function) import.meta.url is empty: no folders, and the
 * call site is the bundle's.
 */
const ENGINE_DIRS = ((): string[] => {
  const here = (import.meta as { url?: string }).url;
  if (!here) return [];
  return [fileURLToPath(new URL("..", here)), fileURLToPath(new URL("../../shared", here))].map((d) => path.resolve(d) + path.sep);
})();

/** The first stack frame outside sparkfn and Node itself: where the user called the API. */
export function callSite(): CallSite | null {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    if (file.startsWith("node:") || file.includes(`${path.sep}node_modules${path.sep}`) || ENGINE_DIRS.some((d) => file.startsWith(d))) continue;
    return { file, line: Number(m[2]) };
  }
  return null;
}

const at = (site: CallSite | null, line = 1) => (site ? `${path.basename(site.file)}:${site.line + line - 1}` : `line ${line} of the function`);

/**
 * The script line where `name` first appears at or after the call: tsx prints a function's
 * text compactly, so its own line numbers are not the script's. Falls back to the call's line.
 */
function lineOfName(site: CallSite | null, name: string): string {
  if (!site) return at(site);
  try {
    const lines = readFileSync(site.file, "utf8").split("\n");
    const word = new RegExp(`(?<![\\w$.])${name.replace(/[$]/g, "\\$")}(?![\\w$])`);
    for (let i = site.line - 1; i < Math.min(lines.length, site.line + 200); i++) if (word.test(lines[i]!)) return `${path.basename(site.file)}:${i + 1}`;
  } catch {
    // the script is not readable here (bundled): the call's line will do
  }
  return at(site);
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  loc?: { start: { line: number } };
  [key: string]: unknown;
}

/**
 * Calls `visit` on every node, telling whether it sits inside a non-arrow function nested in
 * the shipped one (whose own `this` is not the job's: executors call it without one).
 */
function walk(node: AstNode, visit: (n: AstNode, inFunction: boolean) => void, root: AstNode, inFunction = false): void {
  visit(node, inFunction);
  // Nested functions and class bodies (methods, fields, static blocks) have a `this` of their own.
  const inner = inFunction || node.type === "ClassBody" || ((node.type === "FunctionExpression" || node.type === "FunctionDeclaration") && node !== root);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v === "object" && typeof (v as AstNode).type === "string") walk(v as AstNode, visit, root, inner);
    } else if (value && typeof value === "object" && typeof (value as AstNode).type === "string") {
      walk(value as AstNode, visit, root, inner);
    }
  }
}

function parseFunction(text: string): { source: string; ast: AstNode; root: AstNode } | undefined {
  // Methods (`m(x) { ... }`, `async m() {}`, `*m() {}`) print without the `function` keyword.
  const candidates = [text, text.startsWith("async ") ? `async function ${text.slice(6)}` : `function ${text}`];
  for (const source of candidates) {
    try {
      const program = parse(`(${source}\n)`, { ecmaVersion: "latest", locations: true }) as unknown as { body: { type: string; expression?: AstNode }[] };
      const expr = program.body.length === 1 ? program.body[0]!.expression : undefined;
      if (expr && (expr.type === "ArrowFunctionExpression" || expr.type === "FunctionExpression")) return { source, ast: program as unknown as AstNode, root: expr };
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** Checks a captures object: top-level broadcast variables and accumulators become handles, the rest must be plain JSON data. */
function encodeCaptures(op: string, captures: Captures | undefined, site: CallSite | null): Record<string, unknown> | null {
  if (captures === undefined) return null;
  if (typeof captures !== "object" || captures === null || Array.isArray(captures)) {
    throw new ClosureError(`${op} at ${at(site)}: the captures argument must be an object of named values, e.g. { rate, lookup }.`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(captures)) {
    out[name] = isCaptureTarget(value) ? value.toHandle() : checkData(value, `${op} at ${at(site)}: captures.${name}`, new Set());
  }
  return out;
}

function checkData(value: unknown, where: string, seen: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new ClosureError(`${where} is ${value}, which JSON cannot carry; pass a finite number or null.`);
      return value;
    case "undefined":
      throw new ClosureError(`${where} is undefined; pass null or leave it out.`);
    case "function":
      throw new ClosureError(`${where} is a function; functions cannot be captured. Pass the function to the operation itself, or inline it.`);
    case "bigint":
    case "symbol":
      throw new ClosureError(`${where} is a ${typeof value}, which cannot travel to executors; pass a number or a string.`);
  }
  if (value === null) return null;
  const obj = value as object;
  if (isCaptureTarget(obj)) throw new ClosureError(`${where}: a broadcast variable or accumulator must be a top-level capture, e.g. { lookup } rather than { cfg: { lookup } }.`);
  if (seen.has(obj)) throw new ClosureError(`${where} refers to itself; captured values must be trees of plain data.`);
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v, i) => checkData(v, `${where}[${i}]`, seen));
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      const kind = (obj as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw new ClosureError(`${where} is a ${kind}, not plain data; pass plain objects, arrays, strings, numbers, booleans or null (e.g. Object.fromEntries(map) for a Map).`);
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, checkData(v, `${where}.${k}`, seen)]));
  } finally {
    seen.delete(obj);
  }
}

/**
 * Checks a user function and its captures for `op` (e.g. "rdd.map") and returns what
 * travels. Throws a ClosureError naming the operation, the variable and the line.
 */
export function shipFunction(op: string, fn: unknown, captures?: Captures, site: CallSite | null = callSite()): ShippedFunction {
  if (typeof fn !== "function") throw new ClosureError(`${op} at ${at(site)}: expected a function, got ${fn === null ? "null" : typeof fn}.`);
  const text = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    throw new ClosureError(`${op} at ${at(site)}: ${fn.name || "this function"} is built in or bound, so its source cannot travel; wrap it, e.g. (a, b) => Math.max(a, b).`);
  }
  if (text.length > MAX_FUNCTION_SOURCE) throw new ClosureError(`${op} at ${at(site)}: the function's source is ${text.length} characters, more than ${MAX_FUNCTION_SOURCE}; move data into a broadcast variable.`);
  if (/^class[\s{]/.test(text)) throw new ClosureError(`${op} at ${at(site)}: a class is not a function that can be called per element.`);
  const parsed = parseFunction(text);
  if (!parsed) throw new ClosureError(`${op} at ${at(site)}: cannot read the function's source as JavaScript: ${text.slice(0, 80)}`);
  const { source, ast, root } = parsed;
  if (root.async === true) {
    throw new ClosureError(`${op} at ${at(site)}: an async function cannot be shipped: functions run synchronously on the executors. Do the asynchronous work on the driver (or in a DataFrame reader) and pass its result.`);
  }
  const line = (n: AstNode) => n.loc?.start.line ?? 1;
  walk(ast, (node, inFunction) => {
    if (node.type === "ThisExpression" && !inFunction) {
      throw new ClosureError(`${op}: the function at ${at(site, line(node))} uses \`this\`, which does not travel to executors; pass what you need in the captures object instead.`);
    }
    if (node.type === "ImportExpression" || node.type === "MetaProperty") {
      throw new ClosureError(`${op}: the function at ${at(site, line(node))} imports a module; shipped functions cannot import. See "Dependencies in shipped code" in the README.`);
    }
  }, root);
  const { globals } = analyze(ast as unknown as Parameters<typeof analyze>[0]);
  const argumentsAllowed = new Set<AstNode>();
  walk(ast, (node, inFunction) => {
    if (node.type === "Identifier" && node.name === "arguments" && (inFunction || root.type === "FunctionExpression")) argumentsAllowed.add(node);
  }, root);
  for (const [name, node] of globals) {
    if (ALLOWED_GLOBALS.has(name)) continue;
    const ref = node as unknown as AstNode;
    if (name === "arguments" && argumentsAllowed.has(ref)) continue;
    // Test runners (vitest) rewrite import() and imported names into calls of their own helpers.
    if (/^__vit?e?_ssr_/.test(name)) {
      throw new ClosureError(`${op}: the function at ${at(site)} imports a module or uses an imported name; shipped functions cannot import. Pass data in the captures object; see "Dependencies in shipped code" in the README.`);
    }
    const hint =
      name === "require"
        ? "shipped functions cannot load modules: capture one bundled by sc.addModule(name) instead (see \"Dependencies in shipped code\" in the README)."
        : `functions travel to executors as source text, without their surrounding scope: pass it in the captures object and read it from the last parameter, e.g. ${op}((x, env) => ... env.${name} ..., { ${name} }).`;
    const where = site ? lineOfName(site, name) : at(site, line(ref));
    throw new ClosureError(`${op}: the function passed at ${at(site)} uses "${name}" (${where}), which is not defined inside it; ${hint}`);
  }
  return { source, op, site, captures: encodeCaptures(op, captures, site) };
}

/** Whether `v` is a plain captures object (not a number of partitions, not a function). */
export const isCaptures = (v: unknown): v is Captures => typeof v === "object" && v !== null && !Array.isArray(v);

