/**
 * Higher-order functions in generated vector loops (semantics and typing:
 * shared/plan/functions/higher-order.ts). A lambda is not a function call per element: its
 * body is emitted inline, in a loop over the array's elements nested in the loop over the
 * batch's rows, with each variable bound to a local of that loop (`L7` the element, `J7` its
 * index). Its variables read those locals; everything else in the body (columns, literals,
 * kernels) is emitted as anywhere else, so a lambda costs what its body costs.
 *
 * Only array_sort's comparator is a closure (the sort calls it); it is made once per row.
 * Generated names are numbered from the emitter's counter, never taken from the plan.
 */
import type { ExprOf } from "../../shared/plan/expr.ts";
import type { HigherOrderFn } from "../../shared/plan/functions/higher-order.ts";
import { buildMap } from "../../shared/plan/functions/arrays.ts";
import { compareForSort } from "../../shared/plan/semantics.ts";
import type { Value } from "../../shared/plan/types.ts";
import type { AnyKernel, CallEmitter, Slot } from "./vector-calls.ts";

type Call = ExprOf<"call">;
type Lambda = ExprOf<"lambda">;

/** What the higher-order emitters need beyond a call's: lambda scopes and fresh local names. */
export interface LambdaEmitter extends CallEmitter {
  /** A number no other generated local uses. */
  unique(): number;
  /** Binds a lambda variable to a generated local (innermost binding wins) until unbound. */
  bind(name: string, local: string): void;
  unbind(name: string): void;
}

const lambdaOf = (call: Call, i: number) => call.args[i] as Lambda;

/** Emits `lambda`'s body with its variables bound to `locals` (in order); returns the body's slot. */
function body(c: LambdaEmitter, lambda: Lambda, locals: readonly string[]): Slot {
  lambda.params.forEach((p, i) => c.bind(p, locals[i]!));
  const s = c.emit(lambda.body);
  lambda.params.forEach((p) => c.unbind(p));
  return s;
}

const boxed = (s: Slot) => `(${s.n} ? null : ${s.t})`;

/**
 * The loop over an array's elements: opens `for` (element in `L<id>`, index in `J<id>`),
 * lets `inside` emit the body, and closes it. The array is `A<id>`; the whole runs only when
 * the array is not null (`s` is null otherwise), so no lambda runs for a null array.
 */
function overElements(c: LambdaEmitter, array: Slot, s: Slot, before: (id: number) => string, inside: (id: number) => void, after: (id: number) => string): void {
  const id = c.unique();
  c.line(`${s.n} = ${array.n}; ${s.t} = null; if (!${s.n}) { const A${id} = ${array.t}; ${before(id)}`);
  c.line(`for (let J${id} = 0; J${id} < A${id}.length; J${id}++) { const L${id} = A${id}[J${id}];`);
  inside(id);
  c.line(`} ${after(id)} }`);
}

type Emit = (call: Call, c: LambdaEmitter) => Slot;

const EMIT: Record<HigherOrderFn, Emit> = {
  transform: (call, c) => {
    const array = c.emit(call.args[0]!);
    const s = c.fresh();
    overElements(c, array, s, (id) => `const W${id} = new Array(A${id}.length);`, (id) => {
      const v = body(c, lambdaOf(call, 1), [`L${id}`, `J${id}`]);
      c.line(`W${id}[J${id}] = ${boxed(v)};`);
    }, (id) => `${s.t} = W${id};`);
    return s;
  },
  filter: (call, c) => {
    const array = c.emit(call.args[0]!);
    const s = c.fresh();
    overElements(c, array, s, (id) => `const W${id} = [];`, (id) => {
      const v = body(c, lambdaOf(call, 1), [`L${id}`, `J${id}`]);
      c.line(`if (!${v.n} && ${v.t} === true) W${id}.push(L${id});`);
    }, (id) => `${s.t} = W${id};`);
    return s;
  },
  // Three-valued, stopping at the first element that decides: true if one is true, else null if one is null.
  exists: (call, c) => decide(call, c, true),
  forall: (call, c) => decide(call, c, false),
  aggregate: (call, c) => fold(call, c),
  reduce: (call, c) => fold(call, c),
  zip_with: (call, c) => {
    const [left, right] = [c.emit(call.args[0]!), c.emit(call.args[1]!)];
    const s = c.fresh();
    const id = c.unique();
    c.line(`${s.n} = ${left.n} || ${right.n}; ${s.t} = null; if (!${s.n}) { const A${id} = ${left.t}, B${id} = ${right.t};`);
    c.line(`const W${id} = new Array(Math.max(A${id}.length, B${id}.length));`);
    c.line(`for (let J${id} = 0; J${id} < W${id}.length; J${id}++) { const L${id} = J${id} < A${id}.length ? A${id}[J${id}] : null, M${id} = J${id} < B${id}.length ? B${id}[J${id}] : null;`);
    const v = body(c, lambdaOf(call, 2), [`L${id}`, `M${id}`]);
    c.line(`W${id}[J${id}] = ${boxed(v)}; } ${s.t} = W${id}; }`);
    return s;
  },
  map_filter: (call, c) => overEntries(call, c, "keep"),
  transform_keys: (call, c) => overEntries(call, c, "keys"),
  transform_values: (call, c) => overEntries(call, c, "values"),
  array_sort: (call, c) => {
    const array = c.emit(call.args[0]!);
    const s = c.fresh();
    const id = c.unique();
    if (call.args.length === 1) {
      // Ascending, nulls last (Spark's array_sort; sort_array puts them first).
      const k = c.kernel(((a: readonly Value[]) => [...a].sort((x, y) => compareForSort(x, y, true, false))) as AnyKernel);
      c.line(`${s.n} = ${array.n}; ${s.t} = ${s.n} ? null : K[${k}](${array.t});`);
      return s;
    }
    // The comparator as a closure over the row's slots; a null result fails, as Spark's.
    c.line(`${s.n} = ${array.n}; ${s.t} = null; if (!${s.n}) { const C${id} = (L${id}, M${id}) => {`);
    const v = body(c, lambdaOf(call, 1), [`L${id}`, `M${id}`]);
    c.line(`if (${v.n}) $.comparatorNull(L${id}, M${id}); return ${v.t}; }; ${s.t} = [...${array.t}].sort(C${id}); }`);
    return s;
  },
};

function decide(call: Call, c: LambdaEmitter, exists: boolean): Slot {
  const array = c.emit(call.args[0]!);
  const s = c.fresh();
  const [hit, miss] = exists ? ["true", "false"] : ["false", "true"];
  overElements(c, array, s, (id) => `let U${id} = false; ${s.t} = ${miss};`, (id) => {
    const v = body(c, lambdaOf(call, 1), [`L${id}`]);
    c.line(`if (${v.n}) U${id} = true; else if (${v.t} === ${hit}) { ${s.t} = ${hit}; break; }`);
  }, (id) => `if (${s.t} === ${miss} && U${id}) ${s.n} = true;`);
  return s;
}

/** aggregate / reduce: the zero (evaluated only for a non-null array), the merge per element, then the finish. */
function fold(call: Call, c: LambdaEmitter): Slot {
  const array = c.emit(call.args[0]!);
  const s = c.fresh();
  const id = c.unique();
  c.line(`${s.n} = ${array.n}; ${s.t} = null; if (!${s.n}) { const A${id} = ${array.t};`);
  const zero = c.emit(call.args[1]!);
  c.line(`let P${id} = ${boxed(zero)};`);
  c.line(`for (let J${id} = 0; J${id} < A${id}.length; J${id}++) { const L${id} = A${id}[J${id}];`);
  const merged = body(c, lambdaOf(call, 2), [`P${id}`, `L${id}`]);
  c.line(`P${id} = ${boxed(merged)}; }`);
  const finished = body(c, lambdaOf(call, 3), [`P${id}`]);
  c.line(`${s.n} = ${finished.n}; ${s.t} = ${finished.t}; }`);
  return s;
}

/** map_filter, transform_keys, transform_values: the lambda over each (key, value) entry of a map ([keys, values]). */
function overEntries(call: Call, c: LambdaEmitter, what: "keep" | "keys" | "values"): Slot {
  const map = c.emit(call.args[0]!);
  const s = c.fresh();
  const id = c.unique();
  c.line(`${s.n} = ${map.n}; ${s.t} = null; if (!${s.n}) { const A${id} = ${map.t}[0], B${id} = ${map.t}[1], X${id} = [], Y${id} = [];`);
  c.line(`for (let J${id} = 0; J${id} < A${id}.length; J${id}++) { const L${id} = A${id}[J${id}], M${id} = B${id}[J${id}];`);
  const v = body(c, lambdaOf(call, 1), [`L${id}`, `M${id}`]);
  if (what === "keep") c.line(`if (!${v.n} && ${v.t} === true) { X${id}.push(L${id}); Y${id}.push(M${id}); } }`);
  else if (what === "values") c.line(`X${id}.push(L${id}); Y${id}.push(${boxed(v)}); }`);
  else c.line(`X${id}.push(${boxed(v)}); Y${id}.push(M${id}); }`);
  // New keys must be non-null and distinct (buildMap fails as Spark 4 does).
  const lastWin = call.mapKeyLastWin === true;
  const k = what === "keys" ? c.kernel(((keys: Value[], values: Value[]) => buildMap(keys, values, lastWin)) as AnyKernel) : -1;
  c.line(what === "keys" ? `${s.t} = K[${k}](X${id}, Y${id}); }` : `${s.t} = [X${id}, Y${id}]; }`);
  return s;
}

/** Emits a higher-order call. */
export function emitHigherOrder(call: Call, c: LambdaEmitter): Slot {
  return EMIT[call.fn as HigherOrderFn](call, c);
}
