// Bootstrap of a local[N] worker thread: registers the TypeScript loader inside the worker
// (Node 20 does not apply the parent's --import hooks to workers), then loads the worker.
import { register } from "tsx/esm/api";

register();
await import("./local-worker.ts");
