/** The optimized logical plan's text of a SQL query, as explain() prints it, without printing it. */
import type { SparkSession } from "sparkfn";

export async function optimizedPlan(spark: SparkSession, sql: string): Promise<string> {
  const print = console.log;
  console.log = () => undefined;
  try {
    const text = await spark.sql(sql).explain();
    return text.slice(text.indexOf("== Optimized Logical Plan =="), text.indexOf("== Physical Plan =="));
  } finally {
    console.log = print;
  }
}
