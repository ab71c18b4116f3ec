/**
 * Writes an application's events as JSON lines to `spark.eventLog.dir`: a local folder (the
 * default, /tmp/spark-events as in Spark) or an s3:// prefix. One file per application,
 * `<appId>.jsonl` in a folder. Lines are buffered and written when a stage or job ends and at
 * stop(), so a 10,000-task stage costs one write, not 20,000. S3 has no append, so on S3 the log
 * is a prefix `<appId>/` and each write is its next numbered segment (`part-00001.jsonl`, ...)
 * holding only the lines since the previous one: every line is uploaded once, and the driver
 * keeps only what it has not written yet. Readers concatenate the segments in number order
 * (./report/load.ts).
 */
import { appendFile, mkdir } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { isS3Uri, type ObjectStore } from "../../shared/storage/object-store.ts";
import type { EventListener, SparkfnEvent } from "./events.ts";

export class EventLog implements EventListener {
  /** Where the log is: a file path, or on S3 the prefix of its segments (ending in `/`). */
  readonly uri: string;
  private pending: string[] = [];
  /** On S3: segments written so far. */
  private segments = 0;
  /** On S3: lines whose segment could not be written; they lead the next one. */
  private unwritten: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    dir: string,
    appId: string,
    private readonly s3: () => ObjectStore,
  ) {
    const base = dir.startsWith("file://") ? fileURLToPath(dir) : dir;
    this.uri = isS3Uri(base) ? `${base.endsWith("/") ? base : `${base}/`}${appId}/` : path.join(path.resolve(base), `${appId}.jsonl`);
  }

  onEvent(event: SparkfnEvent): void {
    this.pending.push(JSON.stringify(event));
    if (event.event === "StageCompleted" || event.event === "JobEnd" || event.event === "ApplicationStart") void this.flush();
  }

  /** Writes what is buffered; writes happen one after another, in order. */
  flush(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    // Nothing new, and no segment waiting to be written again after a failed attempt.
    if (lines.length === 0 && this.unwritten.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      try {
        if (isS3Uri(this.uri)) {
          const segment = this.unwritten.length ? [...this.unwritten, ...lines] : lines;
          this.unwritten = [];
          if (segment.length === 0) return;
          try {
            await this.s3().put(eventLogSegmentUri(this.uri, this.segments + 1), segment.join("\n") + "\n");
            this.segments++;
            this.failure = undefined;
          } catch (error) {
            this.unwritten = segment;
            throw error;
          }
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

/** Segment `n` (from 1) of an event log kept on S3 under the prefix `logUri` (ending in `/`). */
export function eventLogSegmentUri(logUri: string, n: number): string {
  return `${logUri}part-${String(n).padStart(5, "0")}.jsonl`;
}

/** The segment number of an object directly under `logUri`, or undefined when it is not a segment. */
export function eventLogSegmentNumber(logUri: string, uri: string): number | undefined {
  if (!uri.startsWith(logUri)) return undefined;
  const match = /^part-(\d+)\.jsonl$/.exec(uri.slice(logUri.length));
  return match ? Number(match[1]) : undefined;
}
