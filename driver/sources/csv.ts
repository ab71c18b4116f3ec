/**
 * CSV schemas on the driver, settled before any task runs.
 *
 * inferSchema reads the first 1 MiB of the first file and picks, per column, the narrowest
 * type every non-empty sampled value fits: int, long, double, boolean, date (yyyy-mm-dd),
 * timestamp (Spark's cast syntax, as Spark 4 infers it: "2024-03-07 12:34:56", "2024-03-07T12:34Z",
 * and dates among timestamps), else string. Without inferSchema every column is a string, as in Spark.
 */
import { DEFAULT_TIME_ZONE, timeZone } from "../../shared/plan/functions/time-zone.ts";
import { parseTimestamp } from "../../shared/plan/functions/timestamps.ts";
import { parseCsv } from "../../shared/codecs/csv.ts";
import { castLoose } from "../../shared/plan/semantics.ts";
import type { DataType, Schema } from "../../shared/plan/types.ts";

const INFERENCE_ORDER: DataType[] = ["int", "long", "double", "boolean", "date", "timestamp"];
const UTC = timeZone(DEFAULT_TIME_ZONE);

/** Whether Spark's cast reads the text as a timestamp (the zone does not matter for whether it fits). */
function isTimestampText(raw: string): boolean {
  try {
    parseTimestamp(raw, UTC);
    return true;
  } catch {
    return false;
  }
}

function fits(type: DataType, raw: string): boolean {
  if (type === "int" || type === "long") return /^\s*[+-]?\d+\s*$/.test(raw) && castLoose(type)(raw) !== null;
  if (type === "double") return castLoose("double")(raw) !== null;
  if (type === "boolean") return /^\s*(true|false)\s*$/i.test(raw);
  if (type === "date") return /^\d{4}-\d{2}-\d{2}$/.test(raw.trim()) && castLoose("date")(raw) !== null;
  if (type === "timestamp") return isTimestampText(raw);
  return true;
}

export function inferCsvSchema(sample: string, header: boolean, infer: boolean): Schema {
  let names: string[] | undefined;
  const columns: string[][] = [];
  try {
    parseCsv(sample, (fields) => {
      if (!names) {
        names = header ? fields : fields.map((_, i) => `_c${i}`);
        if (header) return;
      }
      fields.forEach((v, i) => (columns[i] ??= []).push(v));
    });
  } catch {
    // The sample may end inside a quoted field; the records read so far are enough.
  }
  if (!names) return { fields: [] };
  return {
    fields: names.map((name, i) => {
      const values = (columns[i] ?? []).filter((v) => v !== "");
      const type = !infer || values.length === 0 ? "string" : (INFERENCE_ORDER.find((t) => values.every((v) => fits(t, v))) ?? "string");
      return { name, type, nullable: true };
    }),
  };
}
