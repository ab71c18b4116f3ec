/**
 * JSON lines schemas on the driver: one JSON object per line. Inference reads the sample's
 * records and takes every key in first-seen order; a column's type is the narrowest that
 * holds all its non-null values: int, long, double, boolean, string, or array<string> for
 * arrays of strings. Nested objects and other arrays are read as their JSON text (string).
 */
import { integralType, type DataType, type Schema } from "../../shared/plan/types.ts";

function typeOf(value: unknown): DataType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? integralType(value) : "double";
  if (typeof value === "string") return "string";
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return "array";
  return "string";
}

function widen(a: DataType | undefined, b: DataType): DataType {
  if (a === undefined || a === b) return b;
  const numeric = ["int", "long", "double"];
  if (numeric.includes(a) && numeric.includes(b)) return numeric[Math.max(numeric.indexOf(a), numeric.indexOf(b))] as DataType;
  return "string";
}

export function inferJsonSchema(sample: string): Schema {
  const types = new Map<string, DataType | undefined>();
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
      types.set(key, t === undefined ? types.get(key) : widen(types.get(key), t));
    }
  }
  return { fields: [...types].map(([name, type]) => ({ name, type: type ?? "string", nullable: true })) };
}
