/**
 * Compiles validated expression trees into loops over a batch's vectors (Arquero's and
 * DuckDB's approach): one generated function per set of expressions and per input shape,
 * looping over the live rows and reading `v3[i]`, never building row arrays.
 *
 * Each node emits statements that leave its value in `t<k>` and its nullness in `n<k>`.
 * Numbers and booleans stay raw (no boxing, no helper call) through arithmetic, comparison,
 * logic and null tests, and through math functions, which call their kernels on raw numbers
 * (vector-calls.ts); everything else (strings functions, casts, UDFs, IN lists) calls the
 * same `RUNTIME` helpers the row compiler used, with boxed values, so the semantics of every
 * operator are defined once (shared/plan/semantics.ts) and the fast paths mirror them.
 *
 * Generated source holds only numeric indexes, JSON-encoded literals, and fixed helper names
 * chosen through exhaustive tables keyed by validated enums: user strings never become code.
 * A kernel is specialised to its input's shape (each referenced column's vector kind and
 * whether it has nulls); a task sees few shapes, and each compiles once.
 */
import { isTimestampCast, timestampCast } from "../../shared/plan/functions/timestamp-casts.ts";
import { DEFAULT_TIME_ZONE, timeZone, type TimeZone } from "../../shared/plan/functions/time-zone.ts";
import { children, exprName, type Expr, type ExprKind, type ExprOf } from "../../shared/plan/expr.ts";
import { castKernel, isIdentityCast } from "../../shared/plan/casts.ts";
import { resolveColumn, typeOf } from "../../shared/plan/resolve.ts";
import { RUNTIME, castLoose, compareStrings } from "../../shared/plan/semantics.ts";
import { decimalOf, fieldIndex, INTEGRAL_RANGES, isDecimal, isNumeric, type DataType, type Schema } from "../../shared/plan/types.ts";
import { arithmetic as decimalOp, literalBox, type Decimal, type DecimalOp } from "../../shared/plan/decimal.ts";
import { XORShiftRandom } from "../../shared/xorshift-random.ts";
import type { CompiledFunction } from "../../shared/functions/compile.ts";
import { gather, storageOf, type Vector, type VectorKind } from "../../shared/batch/vector.ts";
import { selectedBatch, type Batch } from "../../shared/batch/batch.ts";
import { BINARY, CALLS, UNARY, type CompileContext } from "./expression.ts";
import { emitCall, NUMERIC_COMPARISON, type AnyKernel, type Slot } from "./vector-calls.ts";
import { emitHigherOrder, type LambdaEmitter } from "./vector-lambdas.ts";
import { isHigherOrderFn } from "../../shared/plan/functions/higher-order.ts";


/**
 * Raw numeric arithmetic: the value when neither side is null (and, for / and %, the divisor
 * is not 0). An int or long result adds 0, since ints have no -0 (JavaScript's -1 * 0 is -0);
 * a double keeps its zero's sign, as Java's does (-0.0 * 2 is -0.0).
 */
const ARITHMETIC = {
  add: (l: string, r: string) => `(${l} + ${r})`,
  subtract: (l: string, r: string) => `(${l} - ${r})`,
  multiply: (l: string, r: string) => `(${l} * ${r})`,
  divide: (l: string, r: string) => `(${l} / ${r})`,
  mod: (l: string, r: string) => `(${l} % ${r})`,
} as const;
const STRING_COMPARISON = {
  eq: (l: string, r: string) => `(${l} === ${r})`,
  ne: (l: string, r: string) => `(${l} !== ${r})`,
  gt: (l: string, r: string) => `(S(${l}, ${r}) > 0)`,
  ge: (l: string, r: string) => `(S(${l}, ${r}) >= 0)`,
  lt: (l: string, r: string) => `(S(${l}, ${r}) < 0)`,
  le: (l: string, r: string) => `(S(${l}, ${r}) <= 0)`,
} as const;

const INT_RANGE = "2147483647";
const LONG_LIMIT = "9223372036854775807";

/**
 * Numeric arithmetic as Spark 4 does it. ANSI (the default): x / 0 and x % 0 fail
 * (DIVIDE_BY_ZERO, for doubles too), an int or long result out of its range fails
 * (ARITHMETIC_OVERFLOW). Legacy (`legacy` on the node, spark.sql.ansi.enabled = false): x / 0
 * and x % 0 are null, ints wrap as Java's do (longs are doubles in sparkfn and do not).
 */
function arithmetic(expr: ExprOf<"binary">, type: DataType, l: Slot, r: Slot, s: Slot): string[] {
  const op = expr.op as keyof typeof ARITHMETIC;
  const legacy = expr.legacy === true;
  const raw = ARITHMETIC[op](l.t, r.t);
  // A float's arithmetic rounds each result to a float (computing in doubles first rounds correctly: a double holds every exact float sum and product to more than twice a float's precision).
  const value = type === "double" ? raw : type === "float" ? `Math.fround(${raw})` : `${raw} + 0`;
  if (op === "divide" || op === "mod") {
    if (legacy) return [`${s.n} = ${l.n} || ${r.n} || ${r.t} === 0; ${s.t} = ${s.n} ? 0 : ${value};`];
    return [`${s.n} = ${l.n} || ${r.n}; if (!${s.n} && ${r.t} === 0) $.byZero(); ${s.t} = ${s.n} ? 0 : ${value};`];
  }
  if (type === "byte" || type === "short") {
    // Legacy wraps as Java's (byte) and (short) do; ANSI fails naming the operands, as Spark's BINARY_ARITHMETIC_OVERFLOW.
    const shift = type === "byte" ? 24 : 16;
    if (legacy) return [`${s.n} = ${l.n} || ${r.n}; ${s.t} = ${s.n} ? 0 : ((${value}) << ${shift}) >> ${shift};`];
    const [min, max] = INTEGRAL_RANGES[type];
    return [`${s.n} = ${l.n} || ${r.n}; ${s.t} = ${s.n} ? 0 : ${value}; if (${s.t} > ${max} || ${s.t} < ${min}) $.binaryOverflow(${l.t}, "${op}", ${r.t});`];
  }
  if (type === "int") {
    if (legacy) return [`${s.n} = ${l.n} || ${r.n}; ${s.t} = ${s.n} ? 0 : ${op === "multiply" ? `Math.imul(${l.t}, ${r.t})` : `(${value}) | 0`};`];
    return [`${s.n} = ${l.n} || ${r.n}; ${s.t} = ${s.n} ? 0 : ${value}; if (${s.t} > ${INT_RANGE} || ${s.t} < -${INT_RANGE} - 1) $.overflow("integer", "${op}");`];
  }
  if (type === "long" && !legacy) {
    return [`${s.n} = ${l.n} || ${r.n}; ${s.t} = ${s.n} ? 0 : ${value}; if (${s.t} >= ${LONG_LIMIT} || ${s.t} < -${LONG_LIMIT}) $.overflow("long", "${op}");`];
  }
  return [`${s.n} = ${l.n} || ${r.n}; ${s.t} = ${s.n} ? 0 : ${value};`];
}

/**
 * Arithmetic with a decimal (coercion.ts has made both sides decimals): shared/plan/decimal.ts's
 * exact bigint arithmetic as a kernel, with the operands' and the result's types baked in.
 */
function decimalArithmetic(expr: ExprOf<"binary">, lt: DataType, rt: DataType, type: DataType, l: Slot, r: Slot, s: Slot, e: Emitter): string[] {
  const op = expr.op as DecimalOp;
  const whole: Decimal = { precision: 1, scale: 0 }; // an untyped NULL operand: its value is never read
  const [ld, rd, out] = [decimalOf(lt) ?? whole, decimalOf(rt) ?? whole, decimalOf(type)];
  if (!out) throw new Error(`internal: ${exprName(expr)} mixes a decimal with ${lt === "double" || rt === "double" ? "a double" : "an integer"} that coercion should have cast`);
  const ansi = expr.legacy !== true;
  const k = e.kernels.push((a: bigint, b: bigint) => decimalOp(op, a, ld, b, rd, out, ansi)) - 1;
  return [`${s.n} = ${l.n} || ${r.n}; if (!${s.n}) { ${s.t} = K[${k}](${l.t}, ${r.t}); ${s.n} = ${s.t} === null; }`];
}

/** What a kernel knows of one input column. */
interface ColumnShape {
  readonly kind: VectorKind;
  readonly nullable: boolean;
}

interface Emitter {
  readonly schema: Schema;
  readonly shapes: readonly ColumnShape[];
  readonly lines: string[];
  /** Columns read, loaded once before the loop. */
  readonly columns: Set<number>;
  readonly randoms: number[];
  readonly udfs: number[];
  /** Math and string kernels the generated code calls as K[i]. */
  readonly kernels: AnyKernel[];
  next: number;
  /** The session time zone (timestamp casts and functions). */
  readonly zone: TimeZone;
  /** Per emission, the rand()/udf() nodes met so far (matches the shared state's order). */
  randSeen: number;
  udfSeen: number;
  /** Lambda variables in scope (lower-case name → the locals bound to it, innermost last). */
  readonly lambdas: Map<string, string[]>;
}

const isNum = (t: DataType) => isNumeric(t) || t === "null";

function fresh(e: Emitter): Slot {
  const k = e.next++;
  e.lines.push(`let t${k}, n${k};`);
  return { t: `t${k}`, n: `n${k}` };
}

const boxed = (s: Slot) => `(${s.n} ? null : ${s.t})`;

/** A slot's declaration line (fresh()), hoisted out of a block that evaluates an operand lazily. */
const SLOT_DECLARATION = /^let t\d+, n\d+;$/;

/**
 * Whether evaluating `expr` can fail on a row: it holds an ANSI cast of a string column
 * (coercion.ts's implicit casts, or the user's). A cast of constants is not lazy in Spark
 * either (its generated code evaluates constants whatever the row), so it fails on every row.
 */
function mayFail(expr: Expr, schema: Schema): boolean {
  if (expr.kind === "cast" && expr.mode === undefined && typeOf(expr.expr, schema).type === "string" && readsColumn(expr.expr)) return true;
  return children(expr).some((c) => mayFail(c, schema));
}

const readsColumn = (expr: Expr): boolean => expr.kind === "column" || expr.kind === "lambdaVar" || children(expr).some(readsColumn);

/** A boxed runtime value into a slot. */
function fromBoxed(e: Emitter, code: string): Slot {
  const s = fresh(e);
  e.lines.push(`${s.t} = ${code}; ${s.n} = ${s.t} === null;`);
  return s;
}

type Generators = { [K in ExprKind]: (expr: ExprOf<K>, e: Emitter) => Slot };

const GENERATE: Generators = {
  column: (expr, e) => {
    resolveColumn(e.schema, expr.name);
    const c = fieldIndex(e.schema, expr.name);
    e.columns.add(c);
    const shape = e.shapes[c]!;
    const s = fresh(e);
    const value = shape.kind === "dict" ? `d${c}[v${c}[i]]` : shape.kind === "bool" ? `v${c}[i] === 1` : `v${c}[i]`;
    e.lines.push(`${s.n} = ${shape.nullable ? `m${c}[i] === 1` : "false"}; ${s.t} = ${value};`);
    return s;
  },
  literal: (expr, e) => {
    const s = fresh(e);
    // A decimal literal is its text in the plan and its unscaled bigint here (a BigInt literal: digits only).
    const value = isDecimal(expr.type) && expr.value !== null ? `${String(literalBox(expr.value, expr.type) as bigint)}n` : JSON.stringify(expr.value);
    e.lines.push(`${s.t} = ${value.startsWith("-") ? `(${value})` : value}; ${s.n} = ${expr.value === null};`);
    return s;
  },
  alias: (expr, e) => emit(expr.expr, e),
  binary: (expr, e) => {
    const lt = typeOf(expr.left, e.schema).type;
    const rt = typeOf(expr.right, e.schema).type;
    const l = emit(expr.left, e);
    const mark = e.lines.length;
    const r = emit(expr.right, e);
    const { op } = expr;
    // Spark evaluates the right operand of a null-intolerant operator only where the left is
    // not null: a right side that can fail (an ANSI cast of a string) must not fail there.
    if ((op in ARITHMETIC || (op in NUMERIC_COMPARISON && op !== "eqNullSafe")) && mayFail(expr.right, e.schema)) {
      const body = e.lines.splice(mark);
      const declared = body.filter((line) => SLOT_DECLARATION.test(line));
      e.lines.push(...declared, `if (!${l.n}) {`, ...body.filter((line) => !SLOT_DECLARATION.test(line)), `} else { ${r.n} = true; ${r.t} = 0; }`);
    }
    const s = fresh(e);
    const bothNum = isNum(lt) && isNum(rt);
    if (bothNum && op in ARITHMETIC && (isDecimal(lt) || isDecimal(rt))) {
      e.lines.push(...decimalArithmetic(expr, lt, rt, typeOf(expr, e.schema).type, l, r, s, e));
      return s;
    }
    // Timestamps compare as their microseconds (no arithmetic: that is interval arithmetic).
    const micros = (t: DataType) => t === "timestamp" || t === "timestamp_ntz";
    const bothTimestamps = (micros(lt) || lt === "null") && (micros(rt) || rt === "null") && lt !== rt && !(micros(lt) && micros(rt));
    if (bothNum && op in ARITHMETIC) {
      e.lines.push(...arithmetic(expr, typeOf(expr, e.schema).type, l, r, s));
      return s;
    }
    const bothStr = (lt === "string" || lt === "date") && lt === rt;
    const bothBool = lt === "boolean" && rt === "boolean";
    if (op in NUMERIC_COMPARISON && (bothNum || bothTimestamps || (micros(lt) && lt === rt))) {
      // Branch-free (a filter's rows pass at random): both sides are numbers, or null when the
      // slot is null, so the comparison runs whatever the nulls and is masked by them.
      const cmp = NUMERIC_COMPARISON[op as keyof typeof NUMERIC_COMPARISON](l.t, r.t);
      e.lines.push(`${s.n} = (+${l.n} | +${r.n}) === 1; ${s.t} = (+!${s.n} & +${cmp}) === 1;`);
      return s;
    }
    if (op in NUMERIC_COMPARISON && (bothStr || (bothBool && (op === "eq" || op === "ne")))) {
      e.lines.push(`${s.n} = ${l.n} || ${r.n}; ${s.t} = !${s.n} && ${STRING_COMPARISON[op as keyof typeof STRING_COMPARISON](l.t, r.t)};`);
      return s;
    }
    const timestamps = bothTimestamps || (micros(lt) && lt === rt);
    if (op === "eqNullSafe" && (bothNum || timestamps || bothStr || bothBool)) {
      const eq = (bothNum || timestamps ? NUMERIC_COMPARISON : STRING_COMPARISON).eq(l.t, r.t);
      e.lines.push(`${s.n} = false; ${s.t} = ${l.n} ? ${r.n} : !${r.n} && ${eq};`);
      return s;
    }
    if (op === "and") {
      // Three-valued: false wins over null, null over true (both sides evaluated, as the row path did).
      e.lines.push(`{ const f = (!${l.n} && ${l.t} === false) || (!${r.n} && ${r.t} === false); ${s.n} = !f && (${l.n} || ${r.n}); ${s.t} = !f && !${s.n}; }`);
      return s;
    }
    if (op === "or") {
      e.lines.push(`{ const w = (!${l.n} && ${l.t} === true) || (!${r.n} && ${r.t} === true); ${s.n} = !w && (${l.n} || ${r.n}); ${s.t} = w; }`);
      return s;
    }
    e.lines.push(`${s.t} = $.${BINARY[op]}(${boxed(l)}, ${boxed(r)}); ${s.n} = ${s.t} === null;`);
    return s;
  },
  unary: (expr, e) => {
    const inner = emit(expr.expr, e);
    const s = fresh(e);
    switch (expr.op) {
      case "isNull":
        e.lines.push(`${s.n} = false; ${s.t} = ${inner.n};`);
        return s;
      case "isNotNull":
        e.lines.push(`${s.n} = false; ${s.t} = !${inner.n};`);
        return s;
      case "negate":
        if (isDecimal(typeOf(expr.expr, e.schema).type)) {
          e.lines.push(`${s.n} = ${inner.n}; ${s.t} = ${s.n} ? 0 : -${inner.t};`);
          return s;
        }
        if (isNum(typeOf(expr.expr, e.schema).type)) {
          // -(0.0) is -0.0 for a double or float, as in Java; ints have no -0.
          const t = typeOf(expr.expr, e.schema).type;
          const zero = t === "double" || t === "float" ? "" : " + 0";
          e.lines.push(`${s.n} = ${inner.n}; ${s.t} = ${s.n} ? 0 : -${inner.t}${zero};`);
          if (t === "byte" || t === "short") {
            // -(-128) does not fit a byte: ANSI fails ("byte overflow"), legacy wraps to -128.
            const [min] = INTEGRAL_RANGES[t];
            e.lines.push(expr.legacy === true ? `if (${s.t} === ${-min}) ${s.t} = ${min};` : `if (!${s.n} && ${s.t} === ${-min}) $.narrowOverflow("${t}");`);
          }
          return s;
        }
        break;
      case "not":
        if (typeOf(expr.expr, e.schema).type === "boolean") {
          e.lines.push(`${s.n} = ${inner.n}; ${s.t} = !${inner.t};`);
          return s;
        }
        break;
    }
    e.lines.push(`${s.t} = $.${UNARY[expr.op]}(${boxed(inner)}); ${s.n} = ${s.t} === null;`);
    return s;
  },
  in: (expr, e) => {
    const value = emit(expr.expr, e);
    const candidates = expr.values.map((v) => boxed(emit(v, e)));
    return fromBoxed(e, `$.inList(${boxed(value)}, [${candidates.join(", ")}])`);
  },
  cast: (expr, e) => {
    const from = typeOf(expr.expr, e.schema).type;
    const inner = emit(expr.expr, e);
    if (isTimestampCast(from, expr.to) && from !== "null") {
      // A kernel of shared/plan/functions/timestamp-casts.ts on the raw value (a timestamp is its
      // microseconds); try_cast and legacy casts give null where the ANSI cast fails.
      const k = e.kernels.push(timestampCast(from, expr.to, e.zone, expr.mode ?? "ansi")) - 1;
      const s = fresh(e);
      e.lines.push(`${s.t} = ${inner.n} ? null : K[${k}](${inner.t}); ${s.n} = ${s.t} === null;`);
      return s;
    }
    // A value of type any (a UDF's) is converted as a UDF result is.
    if (from === "any") return fromBoxed(e, `K[${e.kernels.push(castLoose(expr.to)) - 1}](${boxed(inner)})`);
    // Casts that change nothing (a type to itself, int or long to double or long), else the
    // kernel of the pair and mode (shared/plan/casts.ts), which fails or gives null as the mode says.
    if (isIdentityCast(from, expr.to)) return inner;
    const k = e.kernels.push(castKernel(from, expr.to, expr.mode ?? "ansi")) - 1;
    return fromBoxed(e, `${inner.n} ? null : K[${k}](${inner.t})`);
  },
  caseWhen: (expr, e) => {
    // Lazy, as the row path: a branch's value (a rand() or a UDF in it) runs only when chosen.
    const s = fresh(e);
    const branch = (b: number) => {
      if (b === expr.branches.length) {
        if (expr.otherwise) {
          const o = emit(expr.otherwise, e);
          e.lines.push(`${s.t} = ${o.t}; ${s.n} = ${o.n};`);
        } else e.lines.push(`${s.t} = null; ${s.n} = true;`);
        return;
      }
      const cond = emit(expr.branches[b]!.when, e);
      e.lines.push(`if (!${cond.n} && ${cond.t} === true) {`);
      const then = emit(expr.branches[b]!.then, e);
      e.lines.push(`${s.t} = ${then.t}; ${s.n} = ${then.n};`, "} else {");
      branch(b + 1);
      e.lines.push("}");
    };
    branch(0);
    return s;
  },
  call: (expr, e) => (isHigherOrderFn(expr.fn) ? emitHigherOrder(expr, callEmitter(e)) : emitCall(expr, callEmitter(e))) ?? fromBoxed(e, `$.${CALLS[expr.fn as keyof typeof CALLS]}(${expr.args.map((a) => boxed(emit(a, e))).join(", ")})`),
  rand: (_expr, e) => {
    const s = fresh(e);
    e.lines.push(`${s.t} = R[${e.randSeen++}](); ${s.n} = false;`);
    return s;
  },
  udf: (expr, e) => {
    const index = e.udfSeen++;
    const args = expr.args.map((a) => boxed(emit(a, e)));
    const k = e.kernels.push(castLoose(expr.returnType)) - 1;
    return fromBoxed(e, `K[${k}](U[${index}](${args.join(", ")}))`);
  },
  agg: () => {
    throw new Error("An aggregate function cannot be evaluated per row; it belongs in groupBy().agg() or agg().");
  },
  generator: () => {
    throw new Error("A generator (explode) cannot be evaluated per row; the analyzer moves it into a generate operator.");
  },
  window: () => {
    throw new Error("A window function cannot be evaluated per row; the analyzer moves it into a window operator.");
  },
  lambda: () => {
    throw new Error("A lambda function is evaluated by its higher-order function (vector-lambdas.ts), not on its own.");
  },
  lambdaVar: (expr, e) => {
    // The local the innermost enclosing lambda bound it to (a boxed element, index or accumulator).
    const local = e.lambdas.get(expr.name.toLowerCase())?.at(-1);
    if (local === undefined) throw new Error(`The lambda variable ${JSON.stringify(expr.name)} is not bound by an enclosing lambda function.`);
    const s = fresh(e);
    e.lines.push(`${s.n} = ${local} === null; ${s.t} = ${s.n} ? 0 : ${local};`);
    return s;
  },
};

function callEmitter(e: Emitter): LambdaEmitter {
  return {
    unique: () => e.next++,
    bind: (name, local) => {
      const key = name.toLowerCase();
      e.lambdas.set(key, [...(e.lambdas.get(key) ?? []), local]);
    },
    unbind: (name) => {
      const key = name.toLowerCase();
      e.lambdas.set(key, (e.lambdas.get(key) ?? []).slice(0, -1));
    },
    emit: (x) => emit(x, e),
    fresh: () => fresh(e),
    line: (code) => e.lines.push(code),
    kernel: (k) => e.kernels.push(k) - 1,
    type: (x) => typeOf(x, e.schema).type,
    zone: e.zone,
  };
}

/** Refuses a node kind the compiler does not know, anywhere in the tree, before anything is typed or emitted. */
function checkKinds(expr: Expr): void {
  if (!Object.hasOwn(GENERATE, expr.kind)) throw new Error(`Unknown expression kind ${JSON.stringify((expr as { kind: unknown }).kind)}.`);
  children(expr).forEach(checkKinds);
}

function emit(expr: Expr, e: Emitter): Slot {
  const generate = GENERATE[expr.kind] as (expr: Expr, e: Emitter) => Slot;
  if (!generate) throw new Error(`Unknown expression kind ${JSON.stringify((expr as { kind: unknown }).kind)}.`);
  return generate(expr, e);
}

/** The rand() generators and UDFs of expressions, made once per task in tree order (shared by every specialisation). */
function sharedState(exprs: readonly Expr[], context: CompileContext): { randoms: (() => number)[]; udfs: CompiledFunction[]; zone: TimeZone } {
  const randoms: (() => number)[] = [];
  const udfs: CompiledFunction[] = [];
  // Pre-order, as emission meets them: a UDF takes its index before its arguments' UDFs.
  const visit = (x: Expr): void => {
    if (x.kind === "rand") {
      const generator = new XORShiftRandom(x.seed + context.partition);
      randoms.push(x.normal ? () => generator.nextGaussian() : () => generator.nextDouble());
    }
    if (x.kind === "udf") {
      if (!context.functions) throw new Error(`The UDF ${x.name} cannot run here: no function runtime was given to the compiler.`);
      udfs.push(context.functions(x.fn));
    }
    children(x).forEach(visit);
  };
  exprs.forEach(visit);
  return { randoms, udfs, zone: timeZone(context.timeZone ?? DEFAULT_TIME_ZONE) };
}

function shapeOf(batch: Batch): ColumnShape[] {
  return batch.columns.map((v) => ({ kind: v.kind, nullable: v.nulls !== null }));
}

const shapeKey = (shapes: readonly ColumnShape[]) => shapes.map((s) => `${s.kind}${s.nullable ? "?" : ""}`).join(",");

/** Loads of the referenced columns, before the loop. */
function prologue(e: Emitter): string[] {
  const out: string[] = [];
  for (const c of e.columns) {
    const kind = e.shapes[c]!.kind;
    out.push(kind === "dict" ? `const v${c} = cols[${c}].codes, d${c} = cols[${c}].dict;` : `const v${c} = cols[${c}].values;`);
    if (e.shapes[c]!.nullable) out.push(`const m${c} = cols[${c}].nulls;`);
  }
  return out;
}

/** Output buffer for one projected expression, by its type's storage. */
type Storage = ReturnType<typeof storageOf>;

function outputCode(storage: Storage, j: number, s: Slot): string {
  switch (storage) {
    case "f64":
      return `if (${s.n}) { N${j}[k] = 1; z${j} = true; } else O${j}[k] = ${s.t};`;
    case "bool":
      return `if (${s.n}) { N${j}[k] = 1; z${j} = true; } else O${j}[k] = ${s.t} ? 1 : 0;`;
    case "str":
      return `if (${s.n}) { N${j}[k] = 1; z${j} = true; O${j}[k] = ""; } else O${j}[k] = ${s.t};`;
    case "any":
      return `if (${s.n}) { N${j}[k] = 1; z${j} = true; O${j}[k] = null; } else O${j}[k] = ${s.t};`;
  }
}

function allocCode(storage: Storage, j: number): string {
  const values = storage === "f64" ? "new Float64Array(count)" : storage === "bool" ? "new Uint8Array(count)" : "new Array(count)";
  return `const O${j} = ${values}, N${j} = new Uint8Array(count); let z${j} = false;`;
}

function vectorCode(storage: Storage, j: number): string {
  const kind = storage === "str" ? '"str"' : storage === "any" ? '"any"' : `"${storage}"`;
  return `{ kind: ${kind}, values: O${j}, nulls: z${j} ? N${j} : null }`;
}

function newEmitter(schema: Schema, shapes: readonly ColumnShape[], zone: TimeZone): Emitter {
  return { schema, shapes, zone, lines: [], columns: new Set(), randoms: [], udfs: [], kernels: [], next: 0, randSeen: 0, udfSeen: 0, lambdas: new Map() };
}

/**
 * The loop over live rows k (input row i): one loop for a batch without a selection and one
 * through it, so neither tests the selection per row (V8 does not unswitch loops).
 */
function rowLoop(body: readonly string[]): string[] {
  return ["if (sel === null) {", "for (let k = 0; k < count; k++) {", "const i = k;", ...body, "}", "} else {", "for (let k = 0; k < count; k++) {", "const i = sel[k];", ...body, "}", "}"];
}

/** Builds the function that evaluates `exprs` over a batch's live rows into dense vectors. */
function buildProjection(exprs: readonly Expr[], schema: Schema, shapes: readonly ColumnShape[], state: ReturnType<typeof sharedState>) {
  const e = newEmitter(schema, shapes, state.zone);
  const outputs: string[] = [];
  const storages = exprs.map((x) => storageOf(typeOf(x, schema).type));
  exprs.forEach((x, j) => {
    const s = emit(x, e);
    outputs.push(outputCode(storages[j]!, j, s));
  });
  const source = [
    '"use strict";',
    "return function project(cols, sel, count) {",
    ...prologue(e),
    ...storages.map((st, j) => allocCode(st, j)),
    ...rowLoop([...e.lines, ...outputs]),
    `return [${storages.map((st, j) => vectorCode(st, j)).join(", ")}];`,
    "};",
  ].join("\n");
  return instantiate<(cols: readonly Vector[], sel: Int32Array | null, count: number) => Vector[]>(source, state, e.kernels);
}

type Factory = (runtime: typeof RUNTIME, randoms: readonly (() => number)[], udfs: readonly CompiledFunction[], order: typeof compareStrings, kernels: readonly AnyKernel[]) => unknown;

/**
 * Factories by generated source, for the life of the process (a warm Lambda container, a
 * local worker thread). Closures a factory returns share V8's feedback and optimised code,
 * so the next task with the same query starts with a hot kernel instead of interpreting its
 * first batch while the optimiser catches up; only the per-task state (rand() generators,
 * UDFs, kernels) is bound anew. Bounded: a process that sees many distinct queries starts over.
 */
const FACTORIES = new Map<string, Factory>();
const MAX_FACTORIES = 512;

/** Runs generated source with its helpers: $ the runtime, R rand() generators, U UDFs, S string order, K math kernels. */
function instantiate<F>(source: string, state: ReturnType<typeof sharedState>, kernels: readonly AnyKernel[]): F {
  let factory = FACTORIES.get(source);
  if (!factory) {
    if (FACTORIES.size >= MAX_FACTORIES) FACTORIES.clear();
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source is built only from validated nodes (see above)
    factory = new Function("$", "R", "U", "S", "K", source) as Factory;
    FACTORIES.set(source, factory);
  }
  return factory(RUNTIME, state.randoms, state.udfs, compareStrings, kernels) as F;
}

function buildFilter(condition: Expr, schema: Schema, shapes: readonly ColumnShape[], state: ReturnType<typeof sharedState>) {
  const e = newEmitter(schema, shapes, state.zone);
  const s = emit(condition, e);
  const source = [
    '"use strict";',
    "return function filter(cols, sel, count, out) {",
    ...prologue(e),
    "let m = 0;",
    // Branch-free: the slot is written always and kept when the row passes (out has count + 1 slots).
    ...rowLoop([...e.lines, `out[m] = i; m += +!${s.n} & +(${s.t} === true);`]),
    "return m;",
    "};",
  ].join("\n");
  return instantiate<(cols: readonly Vector[], sel: Int32Array | null, count: number, out: Int32Array) => number>(source, state, e.kernels);
}

/** The shape a schema's columns take when built from values: what most batches look like. */
function naturalShapes(schema: Schema): ColumnShape[] {
  return schema.fields.map((f) => ({ kind: storageOf(f.type), nullable: true }));
}

/**
 * Kernels by input shape, built on first use; the kernel for `eager` is built at once, so a
 * bad expression (unknown node, unknown column) fails before any batch.
 */
function specialised<F>(build: (shapes: readonly ColumnShape[]) => F, eager: readonly ColumnShape[]): (batch: Batch) => F {
  const cache = new Map<string, F>([[shapeKey(eager), build(eager)]]);
  return (batch) => {
    const shapes = shapeOf(batch);
    const key = shapeKey(shapes);
    let kernel = cache.get(key);
    if (!kernel) {
      kernel = build(shapes);
      cache.set(key, kernel);
    }
    return kernel;
  };
}

/** Evaluates expressions over a batch's live rows; each result is a dense vector of `batch.count` values. */
export type VectorProjection = (batch: Batch) => Vector[];

/**
 * Expressions' values over a batch's live rows without copying bare columns: a bare column is
 * its input vector read through `selections[j]` (live row k at index `selections[j][k]`), a
 * computed expression a dense vector (selection null). For consumers that fold values as they
 * read them (aggregation), where a gathered copy would be made only to be read once.
 */
export interface LiveValues {
  readonly vectors: readonly Vector[];
  readonly selections: readonly (Int32Array | null)[];
}

export function compileLiveProjection(exprs: readonly Expr[], schema: Schema, context: CompileContext = { partition: 0 }): (batch: Batch) => LiveValues {
  // Check and type every expression now, so errors surface before any batch.
  exprs.forEach(checkKinds);
  exprs.forEach((x) => typeOf(x, schema));
  const unaliased = exprs.map((x) => (x.kind === "alias" ? x.expr : x));
  const passthrough = unaliased.map((x) => (x.kind === "column" ? fieldIndex(schema, x.name) : -1));
  const computed = exprs.filter((_, j) => passthrough[j]! < 0);
  const state = sharedState(computed, context);
  const kernel = computed.length === 0 ? undefined : specialised((shapes) => buildProjection(computed, schema, shapes, state), naturalShapes(schema));
  return (batch) => {
    const results = kernel ? kernel(batch)(batch.columns, batch.selection, batch.count) : [];
    let next = 0;
    const vectors = passthrough.map((c) => (c < 0 ? results[next++]! : batch.columns[c]!));
    return { vectors, selections: passthrough.map((c) => (c < 0 ? null : batch.selection)) };
  };
}

export function compileVectorProjection(exprs: readonly Expr[], schema: Schema, context: CompileContext = { partition: 0 }): VectorProjection {
  // A bare column is its input vector (gathered when a selection is live): no loop, no copy.
  const live = compileLiveProjection(exprs, schema, context);
  return (batch) => {
    const { vectors, selections } = live(batch);
    return vectors.map((v, j) => {
      const sel = selections[j]!;
      return sel === null ? v : gather(v, sel, batch.count);
    });
  };
}

/** Narrows a batch's selection to the rows where `condition` is true (not false, not null); copies no values. */
export type VectorFilter = (batch: Batch) => Batch;

export function compileVectorFilter(condition: Expr, schema: Schema, context: CompileContext = { partition: 0 }): VectorFilter {
  checkKinds(condition);
  typeOf(condition, schema);
  const state = sharedState([condition], context);
  const kernel = specialised((shapes) => buildFilter(condition, schema, shapes, state), naturalShapes(schema));
  return (batch) => {
    const out = new Int32Array(batch.count + 1);
    const m = kernel(batch)(batch.columns, batch.selection, batch.count, out);
    return selectedBatch(batch, out, m);
  };
}

/** The generated source of a projection for a shape (tests and debugging). */
export function vectorProjectionSource(exprs: readonly Expr[], schema: Schema, batch: Batch): string {
  return buildProjection(exprs, schema, shapeOf(batch), sharedState(exprs, { partition: 0 })).toString();
}
