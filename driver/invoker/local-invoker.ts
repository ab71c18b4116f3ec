/**
 * The `local[N]` master's invoker: N worker threads in the driver process, each running the
 * executor's own code (executor-fn/local-worker.ts) on the tasks posted to it. Tasks queue
 * for a free worker, so at most N run at once.
 */
import { Worker } from "node:worker_threads";
import type { StageTask, TaskResult } from "../../shared/task.ts";
import { TASK_PROTOCOL_VERSION } from "../../shared/task.ts";
import type { TaskInvoker } from "./task-invoker.ts";
import { taskFailureError, TransientError } from "../../shared/errors.ts";

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
  /** Settles once the worker has loaded the executor code (or has died). */
  ready: Promise<void>;
  /** Being terminated (its attempt was abandoned): it takes no other task. */
  dying?: boolean;
}

/** What a worker posts: `ready` once, when loaded, then one answer per task. */
type WorkerMessage = { ready: true } | { id: number; result: TaskResult };

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
    let loaded!: () => void;
    const slot: Slot = { worker, busy: false, ready: new Promise((resolve) => (loaded = resolve)) };
    worker.on("message", (message: WorkerMessage) => {
      if ("ready" in message) return loaded();
      this.pending.get(message.id)?.(message.result);
      this.pending.delete(message.id);
    });
    worker.on("error", (error) => {
      this.lose(slot, `local worker crashed: ${error.message}`);
      loaded();
    });
    worker.on("exit", (code) => {
      this.lose(slot, `local worker exited with code ${code}`);
      loaded();
    });
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
    let slot = this.slots.find((s) => !s.busy && !s.dying);
    if (!slot && this.slots.filter((s) => !s.dying).length < this.threads) {
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
    if (this.slots.includes(slot) && !slot.dying) {
      slot.busy = true;
      next(slot);
      return;
    }
    // The worker died or is being terminated: hand the waiting task a fresh one.
    const fresh = this.spawn();
    this.slots.push(fresh);
    fresh.busy = true;
    next(fresh);
  }

  async invoke(task: StageTask, signal?: AbortSignal, onStart?: () => void): Promise<TaskResult> {
    // Keep the process alive while any task runs; an idle pool must not hold it open.
    if (this.inFlight++ === 0) this.slots.forEach((s) => s.worker.ref());
    const slot = await this.acquire();
    slot.worker.ref();
    const id = this.nextId++;
    // An abandoned attempt takes its worker with it: a hung task must not hold a thread. The
    // worker takes no other task meanwhile, even if this one's answer is already on its way.
    const abandon = () => {
      slot.dying = true;
      void slot.worker.terminate();
    };
    try {
      return await new Promise<TaskResult>((resolve) => {
        this.pending.set(id, resolve);
        slot.current = id;
        signal?.addEventListener("abort", abandon, { once: true });
        // The attempt starts once the worker is loaded: start-up is not the task's time.
        void slot.ready.then(() => {
          if (!this.pending.has(id)) return; // the worker died while starting
          if (signal?.aborted) {
            this.pending.delete(id);
            return resolve({ status: "error", version: TASK_PROTOCOL_VERSION, error: taskFailureError(new TransientError(`task attempt abandoned before it started: ${String(signal.reason)}`)) });
          }
          onStart?.();
          slot.worker.postMessage({ id, task });
        });
      });
    } finally {
      // A late abort (after the answer) must not kill the worker the next task gets.
      signal?.removeEventListener("abort", abandon);
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
