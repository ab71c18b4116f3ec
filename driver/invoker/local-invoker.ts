/**
 * The `local[N]` master's invoker: N worker threads in the driver process, each running the
 * executor's own code (executor-fn/local-worker.ts) on the tasks posted to it. Tasks queue
 * for a free worker, so at most N run at once.
 */
import { Worker } from "node:worker_threads";
import type { StageTask, TaskResult } from "../../shared/task.ts";
import { TASK_PROTOCOL_VERSION } from "../../shared/task.ts";
import type { TaskInvoker } from "./task-invoker.ts";

// The executor's worker entry, found at run time: the driver never imports executor code.
/** Resolved when a worker starts (not at load: the driver function's bundle never runs local workers). */
/**
 * The worker's entry: compiled JavaScript next to this file in the package (dist/), loaded as
 * it is; in the repository the TypeScript source, through a bootstrap that registers tsx.
 */
const workerEntry = () =>
  import.meta.url.endsWith(".js") ? new URL("../../executor-fn/local-worker.js", import.meta.url) : new URL("../../executor-fn/local-worker.mjs", import.meta.url);

interface Slot {
  worker: Worker;
  busy: boolean;
  /** The task this worker runs now. */
  current?: number;
}

export class LocalTaskInvoker implements TaskInvoker {
  private readonly slots: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private readonly pending = new Map<number, (result: TaskResult) => void>();
  private nextId = 0;
  /** Tasks in flight: while there are any, the workers keep the process alive. */
  private inFlight = 0;

  constructor(readonly threads: number) {
    if (!(threads >= 1)) throw new RangeError("local[N] needs N of at least 1");
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry());
    const slot: Slot = { worker, busy: false };
    worker.on("message", ({ id, result }: { id: number; result: TaskResult }) => {
      this.pending.get(id)?.(result);
      this.pending.delete(id);
    });
    worker.on("error", (error) => this.lose(slot, `local worker crashed: ${error.message}`));
    worker.on("exit", (code) => this.lose(slot, `local worker exited with code ${code}`));
    worker.unref();
    return slot;
  }

  /** A dead worker loses its task (the scheduler retries it) and leaves the pool. */
  private lose(slot: Slot, message: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (slot.current === undefined) return;
    this.pending.get(slot.current)?.({ status: "error", version: TASK_PROTOCOL_VERSION, error: { type: "Internal", message, retryable: true, category: "transient" } });
    this.pending.delete(slot.current);
  }

  /**
   * A worker for one task, marked busy before this returns (synchronously), so two
   * concurrent invokes can never be handed the same idle worker.
   */
  private acquire(): Promise<Slot> {
    let slot = this.slots.find((s) => !s.busy);
    if (!slot && this.slots.length < this.threads) {
      slot = this.spawn();
      this.slots.push(slot);
    }
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    // release() hands a slot over already marked busy.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    slot.busy = false;
    const next = this.waiting.shift();
    if (!next) return;
    if (this.slots.includes(slot)) {
      slot.busy = true;
      next(slot);
      return;
    }
    // The worker died: hand the waiting task a fresh one.
    const fresh = this.spawn();
    this.slots.push(fresh);
    fresh.busy = true;
    next(fresh);
  }

  async invoke(task: StageTask, signal?: AbortSignal): Promise<TaskResult> {
    // Keep the process alive while any task runs; an idle pool must not hold it open.
    if (this.inFlight++ === 0) this.slots.forEach((s) => s.worker.ref());
    const slot = await this.acquire();
    slot.worker.ref();
    const id = this.nextId++;
    try {
      return await new Promise<TaskResult>((resolve) => {
        this.pending.set(id, resolve);
        slot.current = id;
        // An abandoned attempt takes its worker with it: a hung task must not hold a thread.
        signal?.addEventListener("abort", () => void slot.worker.terminate(), { once: true });
        slot.worker.postMessage({ id, task });
      });
    } finally {
      slot.current = undefined;
      this.release(slot);
      if (--this.inFlight === 0) this.slots.forEach((s) => s.worker.unref());
    }
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
