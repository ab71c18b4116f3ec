/**
 * Writes an application's events as JSON lines to `spark.eventLog.dir`: a local folder (the
 * default, /tmp/spark-events as in Spark) or an s3:// prefix. One file per application,
 * `<appId>.jsonl`. Lines are buffered and written when a stage or job ends and at stop(), so a
 * 10,000-task stage costs one write, not 20,000; on S3 each write replaces the object with the
 * whole log so far (S3 has no append).
 */
import { appendFile, mkdir } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { isS3Uri, type ObjectStore } from "../../shared/storage/object-store.ts";
import type { EventListener, SparkfnEvent } from "./events.ts";

export class EventLog implements EventListener {
  /** Where the log is: a file path or an s3:// URI. */
  readonly uri: string;
  private pending: string[] = [];
  /** On S3: every line so far (the object is rewritten whole). */
  private readonly all: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    dir: string,
    appId: string,
    private readonly s3: () => ObjectStore,
  ) {
    const base = dir.startsWith("file://") ? fileURLToPath(dir) : dir;
    this.uri = isS3Uri(base) ? `${base.endsWith("/") ? base : `${base}/`}${appId}.jsonl` : path.join(path.resolve(base), `${appId}.jsonl`);
  }

  onEvent(event: SparkfnEvent): void {
    this.pending.push(JSON.stringify(event));
    if (event.event === "StageCompleted" || event.event === "JobEnd" || event.event === "ApplicationStart") void this.flush();
  }

  /** Writes what is buffered; writes happen one after another, in order. */
  flush(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      try {
        if (isS3Uri(this.uri)) {
          this.all.push(...lines);
          await this.s3().put(this.uri, this.all.join("\n") + "\n");
        } else {
          await mkdir(path.dirname(this.uri), { recursive: true });
          await appendFile(this.uri, lines.join("\n") + "\n");
        }
      } catch (error) {
        // A log that cannot be written must not fail the job; say so once, at close().
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.failure) console.error(`sparkfn: could not write the event log ${this.uri}: ${this.failure.message}`);
  }
}
