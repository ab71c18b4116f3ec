/**
 * sparkfn's public API (`import { ... } from "sparkfn"`): a PySpark-like SparkSession,
 * DataFrame and Column API, with `local[N]` and `lambda` masters.
 */
export { SparkSession, Builder } from "./session.ts";
export { DataFrame, type RowObject } from "./api/dataframe.ts";
export { GroupedData } from "./api/grouped-data.ts";
export { RDD } from "./api/rdd.ts";
export { SparkContext } from "./api/spark-context.ts";
export { Broadcast } from "./api/broadcast.ts";
export { Accumulator } from "./api/accumulator.ts";
export { ShippedModule } from "./api/modules.ts";
export { udf, UDFRegistration, type UserDefinedFunction } from "./api/udf.ts";
export { ClosureError, type Captures } from "./api/closures.ts";
export { UserFunctionError } from "../shared/functions/compile.ts";
export { Column, SortOrderColumn } from "./api/column.ts";
export { DataFrameReader } from "./api/reader.ts";
export { DataFrameWriter, type SaveMode } from "./api/writer.ts";
export type { JobContext, JobRegistry } from "./batch/message.ts";
export type { SparkfnEvent, EventListener } from "./monitoring/events.ts";
export * from "./api/functions.ts";
export { RuntimeConfig, parseSize } from "./config.ts";
export type { ConnectOptions, LambdaConnection } from "./connect.ts";
export type { Deployment, DiscoverOptions } from "./deployment.ts";
// These two load the AWS SDK, so only when called: importing sparkfn for local jobs keeps it out of memory.
export async function connectLambda(options?: import("./connect.ts").ConnectOptions): Promise<import("./connect.ts").LambdaConnection> {
  return (await import("./connect.ts")).connectLambda(options);
}
export async function discoverDeployment(options?: import("./deployment.ts").DiscoverOptions): Promise<import("./deployment.ts").Deployment> {
  return (await import("./deployment.ts")).discoverDeployment(options);
}
export { DeploymentNotFoundError, JobCancelledError, TaskFailedError } from "./errors.ts";
export { AnalysisError } from "../shared/plan/resolve.ts";
export { SparkfnError, UserError, BadInputError, TransientError, InternalError, IllegalArgumentError, type ErrorCategory } from "../shared/errors.ts";
export { PayloadTooLargeError } from "../shared/payload-limits.ts";
export { formatTable } from "./format/table.ts";
export type { TaskInvoker } from "./invoker/task-invoker.ts";
export type { Schema, Field, DataType, Value } from "../shared/plan/types.ts";
