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
export { connectLambda, type ConnectOptions, type LambdaConnection } from "./connect.ts";
export { discoverDeployment, type Deployment, type DiscoverOptions } from "./deployment.ts";
export { DeploymentNotFoundError, JobCancelledError, TaskFailedError } from "./errors.ts";
export { AnalysisError } from "../shared/plan/resolve.ts";
export { SparkfnError, UserError, BadInputError, TransientError, InternalError, IllegalArgumentError, type ErrorCategory } from "../shared/errors.ts";
export { PayloadTooLargeError } from "../shared/payload-limits.ts";
export { formatTable } from "./format/table.ts";
export type { TaskInvoker } from "./invoker/task-invoker.ts";
export type { Schema, Field, DataType, Value } from "../shared/plan/types.ts";
