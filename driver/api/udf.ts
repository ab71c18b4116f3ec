/**
 * User-defined functions for DataFrames: `udf(fn, returnType)` makes a function of columns;
 * its function travels like an RDD function (closures.ts), so it may use only its arguments
 * and the optional captures object, which it receives after the column values:
 *
 *   const toUpper = udf((s) => (s === null ? null : s.toUpperCase()), "string");
 *   const scaled = udf((x, env) => x * env.rate, "double", { rate });
 *   df.withColumn("NAME", toUpper(col("name")))
 *
 * The result is cast to `returnType` as cast() would (a value that does not convert gives
 * null). Nulls reach the function as null: handle them.
 */
import type { ShippedFunction } from "../../shared/plan/function.ts";
import { parseTypeName, type DataType } from "../../shared/plan/types.ts";
import { Column } from "./column.ts";
import { asColumn, type ColumnOrName } from "./functions.ts";
import { callSite, shipFunction, type Captures } from "./closures.ts";

export type UserDefinedFunction = ((...cols: ColumnOrName[]) => Column) & {
  readonly udfName: string;
  readonly returnType: DataType;
  readonly fn: ShippedFunction;
};

function returnTypeOf(type: DataType | string): DataType {
  return type === "any" ? "any" : parseTypeName(type);
}

function make(name: string, fn: ShippedFunction, returnType: DataType): UserDefinedFunction {
  const call = (...cols: ColumnOrName[]) => new Column({ kind: "udf", name, fn, returnType, args: cols.map((c) => asColumn(c).expr) });
  return Object.assign(call, { udfName: name, returnType, fn });
}

/** A UDF of `fn`, whose results are of `returnType` (a type name such as "string", "int", "double"; default string). */
export function udf(fn: (...args: never[]) => unknown, returnType: DataType | string = "string", captures?: Captures): UserDefinedFunction {
  const type = returnTypeOf(returnType);
  return make(fn.name || "udf", shipFunction("udf", fn, captures, callSite()), type);
}

/** `spark.udf`: UDFs by name, used through the function register() returns, get(name), or by name in spark.sql text. */
export class UDFRegistration {
  private readonly byName = new Map<string, UserDefinedFunction>();

  register(name: string, fn: (...args: never[]) => unknown, returnType: DataType | string = "string", captures?: Captures): UserDefinedFunction {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`spark.udf.register: "${name}" is not a valid function name (letters, digits and _).`);
    const f = make(name, shipFunction(`udf ${name}`, fn, captures, callSite()), returnTypeOf(returnType));
    this.byName.set(name, f);
    return f;
  }

  /** The UDF registered under `name` (any case, as SQL names functions), if any. */
  lookup(name: string): UserDefinedFunction | undefined {
    return this.byName.get(name) ?? [...this.byName].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  }

  get(name: string): UserDefinedFunction {
    const f = this.byName.get(name);
    if (!f) throw new Error(`No UDF named "${name}" is registered; known: ${[...this.byName.keys()].join(", ") || "(none)"}.`);
    return f;
  }
}
