/**
 * Entry point of a `local[N]` worker thread: runs the tasks the driver posts, with the same
 * executor code as the Lambda function and local files (or S3, for s3:// URIs) as storage.
 */
import { parentPort } from "node:worker_threads";
import type { ObjectStore } from "../shared/storage/object-store.ts";
import { RoutingObjectStore } from "../shared/storage/routing-store.ts";
import { execute } from "./execute.ts";

interface Request {
  readonly id: number;
  readonly task: { readonly scratch?: unknown };
}

if (!parentPort) throw new Error("executor-fn/local-worker.ts must run in a worker thread");
const port = parentPort;

port.on("message", async ({ id, task }: Request) => {
  // Local files and S3 alike, each URI to its own store.
  const store = (): ObjectStore => new RoutingObjectStore();
  // Local mode is for tests and debugging: faults may always be injected here.
  const result = await execute(task, { store, allowFaults: true });
  port.postMessage({ id, result });
});
// Loaded: the driver posts tasks from now on (a task's deadline does not count start-up).
port.postMessage({ ready: true });
