/** `spark.read`: options, schema and format, then csv()/load() give a lazy DataFrame. */
import { absoluteLocation } from "../../shared/storage/local-store.ts";
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";
import { parseDdlSchema, type Schema } from "../../shared/plan/types.ts";
import type { DataFrame } from "./dataframe.ts";
import { FileFormat } from "../../shared/plan/file-source.ts";

export class DataFrameReader {
  private readonly opts: Record<string, string> = {};
  private declared: Schema | null = null;
  private fmt = "csv";

  constructor(private readonly make: (plan: UnresolvedPlan) => DataFrame) {}

  option(key: string, value: string | number | boolean): this {
    this.opts[key] = String(value);
    return this;
  }

  options(options: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  /** A DDL string ("id INT, amount DOUBLE") or a Schema. */
  schema(schema: Schema | string): this {
    this.declared = typeof schema === "string" ? parseDdlSchema(schema) : schema;
    return this;
  }

  format(format: string): this {
    this.fmt = format.toLowerCase();
    return this;
  }

  /** Reads with the format set by format() (csv by default). */
  load(path: string | string[]): DataFrame {
    const format = FileFormat.safeParse(this.fmt);
    if (!format.success) throw new Error(`Unknown format "${this.fmt}": sparkfn reads ${FileFormat.options.join(", ")}.`);
    return this.scan(format.data, path);
  }

  /** CSV files; options header, inferSchema, mode, columnNameOfCorruptRecord, multiLine. */
  csv(path: string | string[]): DataFrame {
    return this.scan("csv", path);
  }

  /** JSON lines (one object per line); options mode, columnNameOfCorruptRecord. */
  json(path: string | string[]): DataFrame {
    return this.scan("json", path);
  }

  /** Text files: one row per line, in a string column `value`. */
  text(path: string | string[]): DataFrame {
    return this.scan("text", path);
  }

  parquet(path: string | string[]): DataFrame {
    return this.scan("parquet", path);
  }

  private scan(format: FileFormat, path: string | string[]): DataFrame {
    const paths = (Array.isArray(path) ? path : [path]).map(absoluteLocation);
    if (paths.length === 0) throw new Error(`spark.read.${format}() needs at least one path.`);
    const plan: UnresolvedPlan = { kind: "unresolvedScan", format, paths, options: { ...this.opts }, schema: this.declared };
    return this.make(plan);
  }
}
