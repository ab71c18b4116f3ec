/**
 * Broadcast variables (`sc.broadcast(v)`): the value is stored once, as JSON, in the app's
 * scratch space (S3 on the lambda master, local files on local[N]); a function that
 * captures the variable reads `.value` on the executors, which fetch it once per warm
 * container. unpersist() and destroy() delete the stored copy; stop() deletes the app's
 * scratch space, broadcasts included.
 */
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import type { BroadcastHandle } from "../../shared/plan/function.ts";
import type { CaptureTarget } from "./closures.ts";

export class Broadcast<T = unknown> implements CaptureTarget {
  private destroyed = false;

  /** @internal made by SparkContext.broadcast() once the value is stored. */
  constructor(
    readonly id: number,
    private readonly uri: string,
    private readonly local: T,
    private readonly store: ObjectStore,
  ) {}

  /** The value (on the driver: the object given to broadcast(); on executors: the stored copy). */
  get value(): T {
    if (this.destroyed) throw new Error(`Broadcast ${this.id} was destroyed; it cannot be used any more.`);
    return this.local;
  }

  toHandle(): BroadcastHandle {
    if (this.destroyed) throw new Error(`Broadcast ${this.id} was destroyed; create a new one with sc.broadcast().`);
    return { $sparkfn: "broadcast", id: this.id, uri: this.uri };
  }

  /** Deletes the stored copy (executors that cached it keep theirs until their container goes). */
  async unpersist(): Promise<void> {
    await this.store.delete([this.uri]);
  }

  /** Deletes the stored copy; the variable cannot be used in a new job after this. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.store.delete([this.uri]);
  }

  toString(): string {
    return `Broadcast(${this.id})`;
  }
}
