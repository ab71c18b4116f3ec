/**
 * What the tpch benchmark and its test share: the sparkfn session and DuckDB connection over
 * one generated data directory, and running one query on each side.
 *
 * sparkfn runs on `local[2]` with spark.sql.shuffle.partitions = 4 (2 × cores, the local
 * default, stated here so a changed default does not move the benchmark); DuckDB runs with
 * `SET threads = 2`, with one view per table over the same Parquet files (read again by
 * every query, as sparkfn reads them).
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { SparkSession, type DataFrame } from "../../driver/index.ts";
import { sparkAnswer, duckAnswer, type Answer, type ExpectedAnswer } from "./compare.mts";
import { tableDir, TPCH_TABLES, type TpchTable } from "./generate.mts";
import { TPCH_QUERIES, type TableLoader } from "./queries.mts";
import { TPCH_SQL } from "./sql.mts";

export const SPARK_MASTER = "local[2]";
export const SHUFFLE_PARTITIONS = 4;
export const DUCKDB_THREADS = 2;

export const QUERY_NAMES = Object.keys(TPCH_QUERIES);

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export interface TpchEngines {
  readonly spark: SparkSession;
  readonly duck: DuckDBConnection;
  readonly table: TableLoader;
  close(): Promise<void>;
}

export async function openEngines(dataDir: string, appName = "tpch"): Promise<TpchEngines> {
  const spark = await SparkSession.builder()
    .appName(appName)
    .master(SPARK_MASTER)
    .config("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS)
    .getOrCreate();
  const instance = await DuckDBInstance.create(":memory:");
  const duck = await instance.connect();
  await duck.run(`SET threads = ${DUCKDB_THREADS}`);
  for (const t of TPCH_TABLES) {
    await duck.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet(${sqlString(`${tableDir(dataDir, t)}/*.parquet`)})`);
  }
  const table = (name: TpchTable): DataFrame => spark.read.parquet(tableDir(dataDir, name));
  // spark.sql reads the same files through one temporary view per table.
  for (const t of TPCH_TABLES) table(t).createOrReplaceTempView(t);
  return {
    spark,
    duck,
    table,
    async close() {
      duck.closeSync();
      instance.closeSync();
      await spark.stop();
    },
  };
}

/** The query's DataFrame and its column names (resolved once, outside any timing). */
export async function sparkQuery(engines: TpchEngines, query: string): Promise<{ df: DataFrame; columns: string[] }> {
  const build = TPCH_QUERIES[query];
  if (!build) throw new Error(`unknown TPC-H query ${query}; known: ${QUERY_NAMES.join(", ")}`);
  const df = build(engines.spark, engines.table);
  return { df, columns: await df.columns() };
}

/** The query's official SQL text through spark.sql, and its column names. */
export async function sparkSqlQuery(engines: TpchEngines, query: string): Promise<{ df: DataFrame; columns: string[] }> {
  const sql = TPCH_SQL[query];
  if (!sql) throw new Error(`no SQL text for TPC-H query ${query}`);
  const df = engines.spark.sql(sql);
  return { df, columns: await df.columns() };
}

export async function runSpark(df: DataFrame, columns: readonly string[]): Promise<Answer> {
  return sparkAnswer(columns, await df.collect());
}

export async function runDuck(engines: TpchEngines, query: string): Promise<ExpectedAnswer> {
  const sql = TPCH_SQL[query];
  if (!sql) throw new Error(`no SQL text for TPC-H query ${query}`);
  return duckAnswer(engines.duck, sql);
}
