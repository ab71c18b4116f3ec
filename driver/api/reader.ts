/** `spark.read`: options, schema and format, then csv()/load() give a lazy DataFrame. */
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";
import { parseDdlSchema, type Schema } from "../../shared/plan/types.ts";
import type { DataFrame } from "./dataframe.ts";

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

  load(path: string | string[]): DataFrame {
    if (this.fmt !== "csv") throw new Error(`Format "${this.fmt}" is not supported yet; sparkfn reads csv.`);
    return this.csv(path);
  }

  csv(path: string | string[]): DataFrame {
    const paths = Array.isArray(path) ? path : [path];
    const plan: UnresolvedPlan = { kind: "unresolvedScan", format: "csv", paths, options: { ...this.opts }, schema: this.declared };
    return this.make(plan);
  }
}
