/**
 * Partitioned datasets (Hive layout): `<dir>/year=2024/month=1/part-0.csv`. Each `key=value`
 * folder between the dataset directory and a file gives the file a value for column `key`;
 * the columns follow the data columns in the schema. Types are inferred as Spark does by
 * default: int (or long) when every value is an integer, double when every value is a
 * number, else string. `__HIVE_DEFAULT_PARTITION__` stands for null.
 */
import { isIntValue, type DataType, type Field, type Scalar } from "../../shared/plan/types.ts";
import { NULL_PARTITION, unescapePathName } from "../../shared/plan/file-source.ts";


export interface DiscoveredPartitions {
  readonly fields: readonly Field[];
  /** Values per file, in `fields` order (same order as the files given). */
  readonly values: readonly (readonly Scalar[])[];
}

function inferType(values: readonly (string | null)[]): DataType {
  const present = values.filter((v): v is string => v !== null);
  if (present.length > 0 && present.every((v) => /^-?\d+$/.test(v))) {
    return present.every((v) => isIntValue(Number(v))) ? "int" : "long";
  }
  if (present.length > 0 && present.every((v) => v.trim() !== "" && Number.isFinite(Number(v)))) return "double";
  return "string";
}

/** Partition columns of the files under `dir`, or none when the files are not in `key=value` folders. */
export function discoverPartitions(dir: string, uris: readonly string[]): DiscoveredPartitions {
  const parsed = uris.map((uri) => {
    const folders = uri.slice(dir.length).split("/").slice(0, -1);
    return folders.map((folder) => {
      const eq = folder.indexOf("=");
      return eq > 0 ? { key: unescapePathName(folder.slice(0, eq)), value: unescapePathName(folder.slice(eq + 1)) } : undefined;
    });
  });
  if (parsed.length === 0 || parsed.every((p) => p.length === 0 || p.some((kv) => kv === undefined))) return { fields: [], values: uris.map(() => []) };
  const keys = parsed[0]!.map((kv) => kv?.key);
  parsed.forEach((p, i) => {
    const these = p.map((kv) => kv?.key);
    if (these.length !== keys.length || these.some((k, j) => k === undefined || k !== keys[j])) {
      throw new Error(
        `Conflicting partition folders: ${uris[i]} is under ${these.join("/") || "no key=value folders"}, ${uris[0]} under ${keys.join("/")}. ` +
          "Every file of a partitioned dataset must sit under the same key=value folders.",
      );
    }
  });
  const raw = parsed.map((p) => p.map((kv) => (kv!.value === NULL_PARTITION ? null : kv!.value)));
  const types = keys.map((_, c) => inferType(raw.map((r) => r[c]!)));
  const fields = keys.map((key, c) => ({ name: key!, type: types[c]!, nullable: true }));
  const values = raw.map((r) => r.map((v, c): Scalar => (v === null ? null : types[c] === "string" ? v : Number(v))));
  return { fields, values };
}
