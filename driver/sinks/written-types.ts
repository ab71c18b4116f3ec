/**
 * Column types a file format cannot hold in sparkfn, refused before a write runs. An interval
 * column is written to CSV and JSON as Spark's text (`INTERVAL '1 02:03:04' DAY TO SECOND`,
 * shared/codecs/text-output.ts), and to Parquet as Spark writes it: a long or an int, with
 * Spark's schema in the file's metadata (shared/codecs/spark-parquet-schema.ts). sparkfn reads
 * such columns back at the top level only, so an interval inside an array, a map or a struct is
 * refused for Parquet.
 */
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { displayName } from "../../shared/plan/names.ts";
import { elementOf, fieldsOf, isInterval, mapOf, simpleTypeName, type DataType, type Schema } from "../../shared/plan/types.ts";

/** Whether an interval is inside this array, map or struct type, at any depth. */
function holdsInterval(type: DataType): boolean {
  const element = elementOf(type);
  if (element !== null) return isInterval(element) || holdsInterval(element);
  const map = mapOf(type);
  if (map !== null) return [map.key, map.value].some((t) => isInterval(t) || holdsInterval(t));
  return fieldsOf(type)?.some((f) => isInterval(f.type) || holdsInterval(f.type)) ?? false;
}

export function refuseUnwritableTypes(schema: Schema, format: string): void {
  if (format !== "parquet") return;
  const nested = schema.fields.find((f) => holdsInterval(f.type));
  if (nested !== undefined) {
    throw new AnalysisError(
      `[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Parquet datasource in sparkfn doesn't support the column \`${displayName(nested.name)}\` of the type "${simpleTypeName(nested.type)}" yet: an interval inside an array, a map or a struct. Write the interval as a column of its own, cast it to a string (Spark's interval text), or write CSV or JSON.`,
    );
  }
}
