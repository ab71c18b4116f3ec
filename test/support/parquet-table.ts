/** A Parquet scan for optimizer tests: `rows` rows (as its footers would say) in one file of `bytes`, its integer columns' distinct values bounded by `ranges`. */
import type { LogicalPlan } from "../../shared/plan/logical.ts";

export function parquetTable(name: string, columns: readonly string[], rows: number, bytes = rows * 10, ranges: Readonly<Record<string, number>> = {}): LogicalPlan {
  return {
    kind: "scan",
    source: {
      format: "parquet",
      files: [{ uri: `s3://b/${name}/part-0.parquet`, size: bytes }],
      schema: { fields: columns.map((c) => ({ name: c, type: "long" as const, nullable: true })) },
      options: { header: false, mode: "PERMISSIVE", corruptColumn: null },
      multiLine: false,
      partitionColumns: [],
      rowCount: rows,
      distinctAtMost: ranges,
    },
    columns: null,
    pushedFilters: [],
  };
}
