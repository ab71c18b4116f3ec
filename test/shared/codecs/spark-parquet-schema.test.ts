/**
 * Spark's schema in Parquet metadata (shared/codecs/spark-parquet-schema.ts): the JSON Spark's
 * DataType.json writes (written out here from Spark's format), and the interval columns read
 * back from it, an unreadable entry naming none.
 */
import { describe, expect, it } from "vitest";
import { SPARK_ROW_METADATA, sparkIntervalColumns, sparkRowMetadata } from "../../../shared/codecs/spark-parquet-schema.ts";
import { parseDdlSchema } from "../../../shared/plan/types.ts";

describe("Spark's schema in Parquet metadata", () => {
  it("is DataType.json of every column, nested types included", () => {
    const schema = parseDdlSchema("i INT, l BIGINT, s STRING, m DECIMAL(10,2), a ARRAY<INT>, k MAP<STRING, BIGINT>, r STRUCT<x: DOUBLE, t: TIMESTAMP_NTZ>, d INTERVAL DAY TO SECOND, y INTERVAL YEAR TO MONTH, h INTERVAL HOUR");
    const { key, value } = sparkRowMetadata(schema);
    expect(key).toBe("org.apache.spark.sql.parquet.row.metadata");
    const field = (name: string, type: unknown) => ({ name, type, nullable: true, metadata: {} });
    expect(JSON.parse(value)).toEqual({
      type: "struct",
      fields: [
        field("i", "integer"),
        field("l", "long"),
        field("s", "string"),
        field("m", "decimal(10,2)"),
        field("a", { type: "array", elementType: "integer", containsNull: true }),
        field("k", { type: "map", keyType: "string", valueType: "long", valueContainsNull: true }),
        field("r", { type: "struct", fields: [field("x", "double"), field("t", "timestamp_ntz")] }),
        field("d", "interval day to second"),
        field("y", "interval year to month"),
        field("h", "interval hour"),
      ],
    });
  });

  it("names the top-level interval columns; a missing, unreadable or odd entry names none", () => {
    const { value } = sparkRowMetadata(parseDdlSchema("d INTERVAL DAY, n INT, y INTERVAL MONTH, a ARRAY<INT>"));
    expect([...sparkIntervalColumns([{ key: "other", value: "{}" }, { key: SPARK_ROW_METADATA, value }])]).toEqual([
      ["d", "interval day"],
      ["y", "interval month"],
    ]);
    for (const metadata of [undefined, [], [{ key: SPARK_ROW_METADATA }], [{ key: SPARK_ROW_METADATA, value: "{not json" }], [{ key: SPARK_ROW_METADATA, value: '{"fields": 3}' }], [{ key: SPARK_ROW_METADATA, value: '{"fields":[{"name":"x","type":"interval second to day"}]}' }]]) {
      expect(sparkIntervalColumns(metadata).size, JSON.stringify(metadata)).toBe(0);
    }
  });
});
