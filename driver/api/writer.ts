/**
 * `df.write`: mode, format and options, then csv()/json()/text()/parquet()/save(path)
 * write the DataFrame as one file per task and commit it (see driver/sinks/commit.ts):
 * readers never see a partial write, and `overwrite` replaces the old files only at commit.
 */
import { absoluteLocation } from "../../shared/storage/local-store.ts";
import { FileFormat } from "../../shared/plan/file-source.ts";
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";

export const SaveMode = ["overwrite", "append", "errorifexists", "ignore"] as const;
export type SaveMode = (typeof SaveMode)[number];

export interface WriteSpec {
  readonly format: FileFormat;
  readonly path: string;
  readonly mode: SaveMode;
  readonly header: boolean;
  /** Columns whose values become `key=value/` folders. */
  readonly partitionBy: readonly string[];
}

export interface WriteExecution {
  write(plan: UnresolvedPlan, spec: WriteSpec): Promise<void>;
}

/** A write's output folder as the driver keeps it: absolute (local paths), with a trailing "/". */
export function outputLocation(path: string): string {
  return absoluteLocation(path.endsWith("/") ? path : `${path}/`);
}

const MODE_ALIASES: Record<string, SaveMode> = { overwrite: "overwrite", append: "append", errorifexists: "errorifexists", error: "errorifexists", default: "errorifexists", ignore: "ignore" };

export class DataFrameWriter {
  private saveMode: SaveMode = "errorifexists";
  private fmt: string = "parquet";
  private readonly opts: Record<string, string> = {};
  private partitioning: string[] = [];

  constructor(
    private readonly plan: UnresolvedPlan,
    private readonly session: WriteExecution,
  ) {}

  /** overwrite, append, errorifexists (default; also "error") or ignore, as in Spark. */
  mode(mode: string): this {
    const m = MODE_ALIASES[mode.toLowerCase()];
    if (!m) throw new Error(`Unknown save mode "${mode}": use ${SaveMode.join(", ")}.`);
    this.saveMode = m;
    return this;
  }

  format(format: string): this {
    this.fmt = format.toLowerCase();
    return this;
  }

  /** Writes one folder per value of these columns (`year=2024/`), as Spark's partitionBy. */
  partitionBy(...columns: string[]): this {
    this.partitioning = columns.flat();
    return this;
  }

  option(key: string, value: string | number | boolean): this {
    this.opts[key] = String(value);
    return this;
  }

  /** Writes with the format set by format() (parquet by default, as Spark's default source). */
  save(path: string): Promise<void> {
    const format = FileFormat.safeParse(this.fmt);
    if (!format.success) throw new Error(`Unknown format "${this.fmt}": sparkfn writes ${FileFormat.options.join(", ")}.`);
    return this.run(format.data, path);
  }

  csv(path: string): Promise<void> {
    return this.run("csv", path);
  }

  json(path: string): Promise<void> {
    return this.run("json", path);
  }

  text(path: string): Promise<void> {
    return this.run("text", path);
  }

  parquet(path: string): Promise<void> {
    return this.run("parquet", path);
  }

  private run(format: FileFormat, path: string): Promise<void> {
    return this.session.write(this.plan, { format, path: outputLocation(path), mode: this.saveMode, header: (this.opts.header ?? "false").toLowerCase() === "true", partitionBy: this.partitioning });
  }
}
