/**
 * File sources and sinks: the formats sparkfn reads and writes, how a scan treats bad rows
 * (Spark's parse modes), and the options a task needs to read one split of a file. Shared
 * by the driver (planning, schemas) and the executor (reading, writing).
 */
import { z } from "zod";

export const FileFormat = z.enum(["csv", "json", "text", "parquet"]);
export type FileFormat = z.infer<typeof FileFormat>;

/**
 * What a scan does with a record it cannot parse (Spark's `mode` option):
 * PERMISSIVE keeps it (bad fields become null; the raw record goes to the corrupt-record
 * column when the schema has one), DROPMALFORMED drops it, FAILFAST fails the job naming
 * the file, line and reason.
 */
export const ParseMode = z.enum(["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]);
export type ParseMode = z.infer<typeof ParseMode>;

export const ScanOptions = z
  .object({
    /** CSV: the first line of each file is a header. */
    header: z.boolean(),
    mode: ParseMode,
    /** A string column of the schema that receives malformed records (PERMISSIVE), if any. */
    corruptColumn: z.string().nullable(),
    /** Text: each file is one row [path, whole content] (Spark's `wholetext`, sc.wholeTextFiles). */
    wholeText: z.boolean().optional(),
    /** CSV, JSON: the zone timestamp text without one is read in (the `timeZone` option, else the session's; absent: UTC). */
    timeZone: z.string().min(1).max(100).optional(),
    /** CSV, JSON: Spark's `timestampFormat` (a datetime pattern); absent: Spark's cast syntax. */
    timestampFormat: z.string().min(1).max(200).optional(),
    /** CSV, JSON: Spark's `timestampNTZFormat` for timestamp_ntz columns; absent: Spark's cast syntax without a zone. */
    timestampNTZFormat: z.string().min(1).max(200).optional(),
  })
  .strict();
export type ScanOptions = z.infer<typeof ScanOptions>;

/** Line-based formats can be split at byte offsets; a compressed file or Parquet cannot be split that way. */
export function splittable(format: FileFormat, uri: string, multiLine: boolean): boolean {
  return (format === "csv" || format === "json" || format === "text") && !multiLine && !isGzip(uri);
}

export const isGzip = (uri: string) => uri.toLowerCase().endsWith(".gz");

/** File extension of written part files. */
export const FORMAT_EXTENSION: Record<FileFormat, string> = { csv: "csv", json: "json", text: "txt", parquet: "parquet" };

/** A null partition value's folder name (Hive's). */
export const NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

/** Characters Spark escapes in a partition folder's key and value (ExternalCatalogUtils.charToEscape, outside Windows): U+0001-U+001F and these ('}' is not among them). */
const ESCAPED = new Set(['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\u007f", "{", "[", "]", "^"]);

/** A partition folder's key or value as Spark writes it (escapePathName): those characters as %XX, the rest as they are (spaces, non-ASCII). */
export function escapePathName(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += (code >= 0x01 && code < 0x20) || ESCAPED.has(ch) ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return out;
}

/**
 * A partition folder's key or value as written: %XX sequences decoded (Spark's, and the UTF-8
 * sequences of folders sparkfn wrote before it escaped as Spark does); a `%` that starts none
 * stays itself, as Spark's unescapePathName leaves it.
 */
export function unescapePathName(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** Spark's default name of the corrupt-record column. */
export const DEFAULT_CORRUPT_COLUMN = "_corrupt_record";

export function parseMode(value: string | undefined): ParseMode {
  const mode = (value ?? "PERMISSIVE").toUpperCase();
  const parsed = ParseMode.safeParse(mode);
  if (!parsed.success) throw new Error(`Unknown mode "${value}": use PERMISSIVE, DROPMALFORMED or FAILFAST.`);
  return parsed.data;
}
