/**
 * What a user function returns, as plain data: the values every master can carry the same
 * way (Lambda responses and S3 objects hold JSON-like data; a worker thread could carry more,
 * which would make local runs differ from Lambda ones). `undefined` becomes null, as in a
 * JSON array; a Date its ISO text; other objects their own enumerable properties. A Promise,
 * Map, Set, function, symbol or bigint is refused with a message that names the operation
 * and the partition. NaN and ±Infinity are kept (the shuffle and result encodings carry them).
 */
import { UserFunctionError } from "../../shared/functions/compile.ts";

const MAX_DEPTH = 100;

function refuse(what: string, op: string, where: string, hint: string): never {
  throw new UserFunctionError(`${op}: the function returned ${what} in ${where}; ${hint}`);
}

export function plainValue(value: unknown, op: string, where: string, depth = 0): unknown {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "undefined":
      return null;
    case "bigint":
      return refuse("a bigint", op, where, "return a number or a string.");
    case "symbol":
    case "function":
      return refuse(`a ${typeof value}`, op, where, "return data: objects, arrays, strings, numbers, booleans or null.");
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) refuse(`a value nested deeper than ${MAX_DEPTH} levels`, op, where, "is it cyclic?");
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const p = plainValue(v, op, where, depth + 1);
      if (p !== v && !out) out = value.slice(0, i);
      if (out) out.push(p);
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.then === "function") {
    return refuse("a Promise", op, where, "functions run synchronously on the executors; async functions and promises are not supported.");
  }
  if (typeof obj.next === "function" && typeof (obj as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
    return refuse("an iterator", op, where, "return an array here (flatMap and mapPartitions take iterables).");
  }
  const tag = Object.prototype.toString.call(obj);
  if (tag === "[object Map]" || tag === "[object Set]") {
    return refuse(`a ${tag.slice(8, -1)}`, op, where, "return plain objects and arrays (Object.fromEntries(map), [...set]).");
  }
  if (typeof obj.toJSON === "function") return plainValue(obj.toJSON(), op, where, depth + 1);
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const p = plainValue(v, op, where, depth + 1);
    if (p !== v || v === undefined) {
      out ??= { ...obj };
      if (v === undefined) delete out[key];
      else out[key] = p;
    }
  }
  return out ?? obj;
}
