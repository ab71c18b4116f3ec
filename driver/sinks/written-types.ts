/**
 * Column types a file format cannot hold in sparkfn, refused before a write runs. An interval
 * column is written to CSV and JSON as Spark's text (`INTERVAL '1 02:03:04' DAY TO SECOND`,
 * shared/codecs/text-output.ts); Spark writes it to Parquet as a long or an int with its own
 * schema in the file's metadata, which sparkfn does not write yet, so Parquet is refused.
 */
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { displayName } from "../../shared/plan/names.ts";
import { isInterval, simpleTypeName, type Schema } from "../../shared/plan/types.ts";

export function refuseUnwritableTypes(schema: Schema, format: string): void {
  if (format !== "parquet") return;
  const interval = schema.fields.find((f) => isInterval(f.type) || /\binterval /.test(f.type));
  if (interval !== undefined) {
    throw new AnalysisError(
      `[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Parquet datasource in sparkfn doesn't support the column \`${displayName(interval.name)}\` of the type "${simpleTypeName(interval.type)}" yet. Cast it to a string (Spark's interval text) or a number (CAST(i AS BIGINT) counts its last field), or write CSV or JSON.`,
    );
  }
}
