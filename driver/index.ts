/**
 * sparkfn's public API (`import { ... } from "sparkfn"`).
 *
 * Walking-skeleton surface: connect to the deployed engine and run the grouped-sum job.
 * The PySpark-like SparkSession/DataFrame API arrives with the engine issue.
 */
export { connectLambda, type ConnectOptions, type LambdaConnection } from "./connect.ts";
export { discoverDeployment, type Deployment, type DiscoverOptions } from "./deployment.ts";
export { DeploymentNotFoundError, TaskFailedError } from "./errors.ts";
export { formatTable } from "./format/table.ts";
export { LambdaTaskInvoker } from "./invoker/lambda-invoker.ts";
export type { TaskInvoker } from "./invoker/task-invoker.ts";
export {
  runGroupedSum,
  listInputObjects,
  type GroupedSumOptions,
  type GroupedSumResult,
  type GroupedSumRow,
} from "./jobs/grouped-sum.ts";
export { parsePredicate } from "./jobs/parse-predicate.ts";
export { runTasks, type RunTasksOptions } from "./scheduler/run-tasks.ts";
export type { ColumnPredicate, TaskPayload, TaskResult, TaskSuccess, TaskMetrics } from "../shared/task.ts";
export type { ObjectStore, ObjectInfo } from "../shared/storage/object-store.ts";
