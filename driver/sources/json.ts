/**
 * JSON lines schemas on the driver: one JSON object per line. Inference reads the sample's
 * records and takes every key in first-seen order; a column's type is the narrowest that
 * holds all its non-null values: int, long, double, boolean, string; a JSON array is array<T>
 * of its elements' merged type and a JSON object a struct of its keys sorted by name, as
 * Spark's JsonInferSchema (which an empty array leaves array<string>). Values no one type
 * holds (a number beside an object) make the column a string of their JSON text.
 */
import { arrayType, elementOf, fieldsOf, integralType, structType, type DataType, type Schema, type StructField } from "../../shared/plan/types.ts";

/** Struct fields in Spark's JSON order: by name. */
const byName = (x: StructField, y: StructField) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

/** null: only nulls seen so far (a JSON null or an empty array's elements). */
function typeOf(value: unknown): DataType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? integralType(value) : "double";
  if (typeof value === "string") return "string";
  if (Array.isArray(value)) return arrayType(value.reduce<DataType | null>((t, v) => widen(t, typeOf(v)), null) ?? "null");
  if (typeof value === "object") {
    const fields = Object.entries(value as object).map(([name, v]): StructField => ({ name, type: typeOf(v) ?? "null" }));
    return structType(fields.sort(byName));
  }
  return "string";
}

/** The type that holds values of both types (Spark's compatibleType for JSON): numbers widen, arrays and structs merge, anything else is a string. */
function widen(a: DataType | null, b: DataType | null): DataType | null {
  if (a === null || a === "null") return b ?? a;
  if (b === null || b === "null" || a === b) return a;
  const numeric = ["int", "long", "double"];
  if (numeric.includes(a) && numeric.includes(b)) return numeric[Math.max(numeric.indexOf(a), numeric.indexOf(b))] as DataType;
  const [ea, eb] = [elementOf(a), elementOf(b)];
  if (ea !== null && eb !== null) return arrayType(widen(ea, eb) ?? "null");
  const [fa, fb] = [fieldsOf(a), fieldsOf(b)];
  if (fa !== null && fb !== null) {
    const merged = new Map<string, DataType>(fa.map((f) => [f.name, f.type]));
    for (const f of fb) merged.set(f.name, widen(merged.get(f.name) ?? null, f.type) ?? "null");
    return structType([...merged].map(([name, type]) => ({ name, type })).sort(byName));
  }
  return "string";
}

/** A type with its unknown parts (only nulls seen) made strings, as Spark's canonicalizeType. */
function settled(t: DataType | null): DataType {
  if (t === null || t === "null") return "string";
  const element = elementOf(t);
  if (element !== null) return arrayType(settled(element));
  const fields = fieldsOf(t);
  return fields !== null ? structType(fields.map((f) => ({ name: f.name, type: settled(f.type) }))) : t;
}

export function inferJsonSchema(sample: string): Schema {
  const types = new Map<string, DataType | null>();
  for (const line of sample.split("\n")) {
    const text = line.trim();
    if (text === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      continue; // a malformed line is the reader's business (mode), not the schema's
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) continue;
    for (const [key, value] of Object.entries(record)) {
      const t = typeOf(value);
      types.set(key, widen(types.get(key) ?? null, t));
    }
  }
  return { fields: [...types].map(([name, type]) => ({ name, type: settled(type), nullable: true })) };
}
