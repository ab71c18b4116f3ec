/**
 * Function calls in generated vector loops (see vector-expression.ts for the slots and the
 * rules of generated code). Math functions call their kernel (shared/plan/functions/math.ts)
 * on raw numbers; null handling and the comparison and null functions (greatest, least,
 * coalesce/nvl/ifnull, nvl2, nullif, isnan, nanvl) are written inline when their values are
 * numbers, mirroring their boxed helpers in shared/plan/semantics.ts. Anything else returns
 * undefined, and the caller calls the boxed helper.
 */
import type { Expr, ExprOf } from "../../shared/plan/expr.ts";
import { isMathFn, MATH_FUNCTIONS, type Kernel } from "../../shared/plan/functions/math.ts";
import { isStringFn, STRING_FUNCTIONS } from "../../shared/plan/functions/strings.ts";
import { DIGEST_FUNCTIONS, HASH_SEED, hasherOf, isHashingFn } from "../../shared/plan/functions/hashing.ts";
import { DATE_FUNCTIONS, isDateFn } from "../../shared/plan/functions/dates.ts";
import { isNumeric, type DataType } from "../../shared/plan/types.ts";

/** A function the generated code calls as `K[i](...)` (math, string, hashing kernels). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kernels take raw values of their arguments' types
export type AnyKernel = (...args: any[]) => unknown;

/** A node's result: its value variable and null variable. */
export interface Slot {
  readonly t: string;
  readonly n: string;
}

/**
 * Raw numeric comparisons with Spark's NaN order (NaN = NaN, NaN above every number), as
 * compareNumbers. Written with bitwise operators on 0/1 so the compiled loop has no branch to
 * mispredict on the data (about 40% faster on a random predicate than `||`/`&&`).
 */
export const NUMERIC_COMPARISON = {
  eq: (l: string, r: string) => `((+(${l} === ${r}) | (+(${l} !== ${l}) & +(${r} !== ${r}))) === 1)`,
  ne: (l: string, r: string) => `((+(${l} === ${r}) | (+(${l} !== ${l}) & +(${r} !== ${r}))) === 0)`,
  gt: (l: string, r: string) => `((+(${l} > ${r}) | (+(${l} !== ${l}) & +(${r} === ${r}))) === 1)`,
  ge: (l: string, r: string) => `((+(${l} >= ${r}) | +(${l} !== ${l})) === 1)`,
  lt: (l: string, r: string) => `((+(${l} < ${r}) | (+(${r} !== ${r}) & +(${l} === ${l}))) === 1)`,
  le: (l: string, r: string) => `((+(${l} <= ${r}) | +(${r} !== ${r})) === 1)`,
} as const;

/** What emitting a call needs from the compiler. */
export interface CallEmitter {
  emit(expr: Expr): Slot;
  fresh(): Slot;
  line(code: string): void;
  /** Registers a kernel; generated code calls it as `K[index](...)`. */
  kernel(kernel: AnyKernel): number;
  type(expr: Expr): DataType;
}

const isNum = (t: DataType) => isNumeric(t) || t === "null";

type Call = ExprOf<"call">;

function mathCall(expr: Call, c: CallEmitter): Slot {
  const fn = expr.fn as keyof typeof MATH_FUNCTIONS;
  const def = MATH_FUNCTIONS[fn];
  // round(x, scale): the scale is a literal (resolve.ts checks), baked into the kernel.
  const numbers = "scale" in def ? expr.args.slice(0, 1) : expr.args;
  const scaleArg = "scale" in def ? expr.args[1] : undefined;
  const scale = scaleArg === undefined ? 0 : scaleArg.kind === "literal" && typeof scaleArg.value === "number" ? scaleArg.value : null;
  const k = c.kernel(def.kernel(numbers.map((a) => c.type(a)), scale));
  const args = numbers.map((a) => c.emit(a));
  const s = c.fresh();
  c.line(
    `${s.n} = ${args.map((a) => a.n).join(" || ")}; if (${s.n}) ${s.t} = 0; ` +
      `else { const r = K[${k}](${args.map((a) => a.t).join(", ")}); ${s.n} = r === null; ${s.t} = ${s.n} ? 0 : r + 0; }`,
  );
  return s;
}

/** A string function: its kernel on the raw values, null for a null argument unless the kernel takes nulls. */
function stringCall(expr: Call, c: CallEmitter): Slot {
  const def = STRING_FUNCTIONS[expr.fn as keyof typeof STRING_FUNCTIONS];
  const k = c.kernel(def.kernel);
  const args = expr.args.map((a) => c.emit(a));
  const s = c.fresh();
  const call = `K[${k}](${args.map((a) => `(${a.n} ? null : ${a.t})`).join(", ")})`;
  const anyNull = args.map((a) => a.n).join(" || ");
  c.line(`${s.t} = ${"takesNulls" in def ? call : `${anyNull} ? null : ${call}`}; ${s.n} = ${s.t} === null;`);
  return s;
}

/**
 * hash(): each argument's hasher folds it into the hash so far (a null argument leaves it);
 * the digests: their kernel on a non-null string (sha2's bit length too), else null.
 */
function hashingCall(expr: Call, c: CallEmitter): Slot {
  const s = c.fresh();
  if (expr.fn === "hash") {
    const args = expr.args.map((a) => ({ slot: c.emit(a), k: c.kernel(hasherOf(c.type(a))) }));
    c.line(`${s.t} = ${HASH_SEED}; ${s.n} = false;`);
    for (const { slot, k } of args) c.line(`if (!${slot.n}) ${s.t} = K[${k}](${slot.t}, ${s.t});`);
    return s;
  }
  const k = c.kernel(DIGEST_FUNCTIONS[expr.fn as keyof typeof DIGEST_FUNCTIONS].kernel);
  const args = expr.args.map((a) => c.emit(a));
  const anyNull = args.map((a) => a.n).join(" || ");
  c.line(`${s.t} = ${anyNull} ? null : K[${k}](${args.map((a) => a.t).join(", ")}); ${s.n} = ${s.t} === null;`);
  return s;
}

/** A date function: its kernel (for the argument types and literals) on the raw values, null for a null argument; a kernel's null is null. */
function dateCall(expr: Call, c: CallEmitter): Slot {
  const def = DATE_FUNCTIONS[expr.fn as keyof typeof DATE_FUNCTIONS];
  const k = c.kernel(def.kernel(expr.args.map((a) => c.type(a)), expr.args.map((a) => (a.kind === "literal" ? a.value : undefined))));
  const args = expr.args.map((a) => c.emit(a));
  const s = c.fresh();
  const call = `K[${k}](${args.map((a) => a.t).join(", ")})`;
  c.line(args.length === 0 ? `${s.t} = ${call}; ${s.n} = false;` : `${s.t} = ${args.map((a) => a.n).join(" || ")} ? null : ${call}; ${s.n} = ${s.t} === null;`);
  return s;
}

/** The first non-null value (any type: slots hold raw values of every type). */
function firstNonNull(args: readonly Slot[], c: CallEmitter): Slot {
  const s = c.fresh();
  let value = args[args.length - 1]!.t;
  for (let i = args.length - 2; i >= 0; i--) value = `(${args[i]!.n} ? ${value} : ${args[i]!.t})`;
  c.line(`${s.n} = ${args.map((a) => a.n).join(" && ")}; ${s.t} = ${value};`);
  return s;
}

export function emitCall(expr: Call, c: CallEmitter): Slot | undefined {
  if (isMathFn(expr.fn)) return mathCall(expr, c);
  if (isStringFn(expr.fn)) return stringCall(expr, c);
  if (isHashingFn(expr.fn)) return hashingCall(expr, c);
  if (isDateFn(expr.fn)) return dateCall(expr, c);
  switch (expr.fn) {
    case "coalesce":
    case "nvl":
    case "ifnull":
      return firstNonNull(expr.args.map((a) => c.emit(a)), c);
    case "nvl2": {
      const [a, b, d] = expr.args.map((x) => c.emit(x)) as [Slot, Slot, Slot];
      const s = c.fresh();
      c.line(`${s.n} = ${a.n} ? ${d.n} : ${b.n}; ${s.t} = ${a.n} ? ${d.t} : ${b.t};`);
      return s;
    }
    case "greatest":
    case "least":
    case "nullif":
    case "isnan":
    case "nanvl":
      if (expr.args.every((a) => isNum(c.type(a)))) return numericCall(expr, c);
      return undefined;
    default:
      return undefined;
  }
}

/** The comparison and NaN functions over numbers. */
function numericCall(expr: Call, c: CallEmitter): Slot {
  const args = expr.args.map((a) => c.emit(a));
  const s = c.fresh();
  switch (expr.fn) {
    case "greatest":
    case "least": {
      const better = NUMERIC_COMPARISON[expr.fn === "greatest" ? "gt" : "lt"];
      c.line(`${s.n} = true; ${s.t} = 0;`);
      for (const a of args) c.line(`if (!${a.n} && (${s.n} || ${better(a.t, s.t)})) { ${s.t} = ${a.t}; ${s.n} = false; }`);
      return s;
    }
    case "nullif": {
      const [a, b] = args as [Slot, Slot];
      c.line(`${s.n} = ${a.n} || (!${b.n} && ${NUMERIC_COMPARISON.eq(a.t, b.t)}); ${s.t} = ${s.n} ? 0 : ${a.t};`);
      return s;
    }
    case "isnan":
      c.line(`${s.n} = false; ${s.t} = !${args[0]!.n} && ${args[0]!.t} !== ${args[0]!.t};`);
      return s;
    case "nanvl": {
      const [a, b] = args as [Slot, Slot];
      c.line(`{ const nan = !${a.n} && ${a.t} !== ${a.t}; ${s.n} = ${a.n} || (nan && ${b.n}); ${s.t} = ${s.n} ? 0 : nan ? ${b.t} : ${a.t}; }`);
      return s;
    }
    default:
      throw new Error(`numericCall: ${expr.fn} has no numeric code`);
  }
}
