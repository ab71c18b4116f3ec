/**
 * The event log on S3: every line is uploaded once (numbered segments, one per flush), not the
 * whole log again at each stage end; the reader (sparkfn report) puts the segments back
 * together in order. An in-memory store keyed by s3:// URIs counts the bytes written.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EventLog, eventLogSegmentUri } from "../../../driver/monitoring/event-log.ts";
import { EVENT_LOG_VERSION, type SparkfnEvent } from "../../../driver/monitoring/events.ts";
import { loadEventLog } from "../../../driver/monitoring/report/load.ts";
import { emptyCounts, ObjectNotFoundError, type ObjectInfo, type ObjectStore } from "../../../shared/storage/object-store.ts";

class MemoryStore implements ObjectStore {
  readonly counts = emptyCounts();
  readonly objects = new Map<string, Uint8Array>();
  /** Puts to fail (their URIs), once each. */
  readonly failOnce = new Set<string>();
  async get(uri: string): Promise<Uint8Array> {
    const bytes = this.objects.get(uri);
    if (!bytes) throw new ObjectNotFoundError(uri);
    return bytes;
  }
  async put(uri: string, body: Uint8Array | string): Promise<void> {
    if (this.failOnce.delete(uri)) throw new Error(`SlowDown: ${uri}`);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    this.counts.put++;
    this.counts.bytesWritten += bytes.byteLength;
    this.objects.set(uri, bytes);
  }
  async copy(): Promise<void> {
    throw new Error("not used");
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects].filter(([uri]) => uri.startsWith(prefix)).map(([uri, b]) => ({ uri, size: b.byteLength })).sort((a, b) => (a.uri < b.uri ? -1 : 1));
  }
  async head(uri: string): Promise<ObjectInfo | undefined> {
    const b = this.objects.get(uri);
    return b && { uri, size: b.byteLength };
  }
  async delete(uris: readonly string[]): Promise<void> {
    for (const u of uris) this.objects.delete(u);
  }
}

const APP = "app-20260101000000-abcdef12";

/** An application's events: `stages` stages of `tasks` tasks each, in one job. */
function application(stages: number, tasks: number): SparkfnEvent[] {
  let time = 1_700_000_000_000;
  const at = () => ({ v: EVENT_LOG_VERSION, time: time++ }) as const;
  const events: SparkfnEvent[] = [{ ...at(), event: "ApplicationStart", appId: APP, appName: "t", master: "lambda", sparkfnVersion: "0" }];
  events.push({ ...at(), event: "JobStart", jobId: 0, stageIds: Array.from({ length: stages }, (_, i) => i), description: "collect" });
  for (let stageId = 0; stageId < stages; stageId++) {
    events.push({ ...at(), event: "StageSubmitted", jobId: 0, stageId, pass: "run", numTasks: tasks, parentStageIds: stageId ? [stageId - 1] : [], plan: `stage ${stageId}` });
    for (let partition = 0; partition < tasks; partition++) {
      events.push({ ...at(), event: "TaskStart", jobId: 0, stageId, partition, attempt: 0, speculative: false });
      events.push({ ...at(), event: "TaskEnd", jobId: 0, stageId, partition, attempt: 0, speculative: false, status: "success", durationMs: 5, willRetry: false });
    }
    events.push({ ...at(), event: "StageCompleted", jobId: 0, stageId, pass: "run", result: "succeeded" });
  }
  events.push({ ...at(), event: "JobEnd", jobId: 0, result: "succeeded" });
  events.push({ ...at(), event: "ApplicationEnd", appId: APP });
  return events;
}

const lineBytes = (events: readonly SparkfnEvent[]) => events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0);

async function writeLog(store: MemoryStore, events: readonly SparkfnEvent[]): Promise<EventLog> {
  const log = new EventLog("s3://bucket/spark-events", APP, () => store);
  for (const e of events) log.onEvent(e);
  await log.close();
  return log;
}

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("the event log on S3", () => {
  it("uploads each line once: bytes written grow linearly with the stage ends", async () => {
    for (const stages of [10, 40]) {
      const store = new MemoryStore();
      const events = application(stages, 20);
      const log = await writeLog(store, events);
      expect(log.uri).toBe(`s3://bucket/spark-events/${APP}/`);
      expect(store.counts.bytesWritten).toBe(lineBytes(events));
      // One segment per flush: application start, each stage end, the job end, and stop().
      expect(store.counts.put).toBe(stages + 3);
      expect([...store.objects.keys()][0]).toBe(eventLogSegmentUri(log.uri, 1));
      expect(eventLogSegmentUri(log.uri, 1)).toBe(`s3://bucket/spark-events/${APP}/part-00001.jsonl`);
    }
  });

  it("is read back whole and in order from its segments, with or without the prefix's slash", async () => {
    const store = new MemoryStore();
    const events = application(12, 3);
    const log = await writeLog(store, events);
    expect((await loadEventLog(log.uri, store)).events).toEqual(events);
    expect((await loadEventLog(log.uri.slice(0, -1), store)).events).toEqual(events);
  });

  it("orders segments by number past part-99999, and ignores other objects under the prefix", async () => {
    const store = new MemoryStore();
    const [first, second, third] = application(1, 1).slice(0, 3).map((e) => JSON.stringify(e) + "\n");
    const prefix = `s3://bucket/spark-events/${APP}/`;
    await store.put(`${prefix}part-100000.jsonl`, third!);
    await store.put(`${prefix}part-99999.jsonl`, second!);
    await store.put(`${prefix}part-00001.jsonl`, first!);
    await store.put(`${prefix}notes.txt`, "not an event\n");
    expect((await loadEventLog(prefix, store)).events.map((e) => e.event)).toEqual(["ApplicationStart", "JobStart", "StageSubmitted"]);
  });

  it("loses no line when a segment cannot be written: its lines lead the next one", async () => {
    const store = new MemoryStore();
    const events = application(5, 2);
    const uri = `s3://bucket/spark-events/${APP}/`;
    store.failOnce.add(eventLogSegmentUri(uri, 2));
    await writeLog(store, events);
    expect((await loadEventLog(uri, store)).events).toEqual(events);
    expect(store.counts.bytesWritten).toBe(lineBytes(events));
  });

  it("still reads a log kept as one object or one local file, and says when there is none", async () => {
    const store = new MemoryStore();
    const events = application(2, 2);
    const text = events.map((e) => JSON.stringify(e)).join("\n") + "\n";
    await store.put(`s3://bucket/old/${APP}.jsonl`, text);
    expect((await loadEventLog(`s3://bucket/old/${APP}.jsonl`, store)).events).toEqual(events);
    await expect(loadEventLog("s3://bucket/nothing/", store)).rejects.toThrowError("No event log at s3://bucket/nothing/.");
    const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-events-"));
    dirs.push(dir);
    await writeFile(path.join(dir, `${APP}.jsonl`), text);
    expect((await loadEventLog(path.join(dir, `${APP}.jsonl`))).events).toEqual(events);
  });
});
