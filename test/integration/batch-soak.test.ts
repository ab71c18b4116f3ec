/**
 * A soak test of batch jobs on the emulator: 200 messages on the deployed job queue, sent in
 * bursts of SendMessageBatch calls (several at once): valid runs of both example jobs, exact
 * duplicates of some of them, bodies that are not JSON or fail the schema, unknown job names
 * (inherited object members among them), jobs that fail with a user error (an output the
 * write guard refuses, an input that does not exist) and run ids reused by the other job.
 *
 * Once the queue is drained: every valid run succeeded exactly once, with exactly the output
 * its job computes (computed here independently); every bad message is in the dead-letter
 * queue once, with the driver's reason (message attribute `sparkfnError`); and the bucket
 * gained nothing but the inputs, the committed outputs and the run markers.
 */
import { randomUUID } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverDeployment } from "sparkfn";
import { RunStatusStore, type RunStatus } from "../../driver/batch/run-status.ts";
import { awsClientConfig } from "../../shared/aws/client-config.ts";
import { manifestUri, readManifest } from "../../shared/storage/manifest.ts";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";
import { prng } from "../support/prng.ts";

// Clients are made in beforeAll, once the emulator's environment is set.
let store: S3ObjectStore;
let s3: S3Client;
let sqs: SQSClient;
const nonce = randomUUID().slice(0, 8);
const random = prng(20);
const shuffle = <T>(items: T[]): T[] => items.map((item) => ({ item, key: random() })).sort((a, b) => a.key - b.key).map(({ item }) => item);

// Tiny inputs: a few CSV files of (category, amount), read by every valid run.
const CATEGORIES = ["Books", "Toys", "Home", "Garden", "Music"];
const inputs = Array.from({ length: 4 }, (_, k) =>
  Array.from({ length: 24 + 8 * k }, () => ({ category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!, amount: Math.floor(random() * 2000) })),
);
type Row = (typeof inputs)[number][number];

/** What each example job (examples/jobs/index.ts) writes, as `category,...` rows, sorted. */
const EXPECTED = {
  "daily-sales": (rows: Row[], minAmount: number) => {
    const groups = new Map<string, [number, number]>();
    for (const r of rows.filter((r) => r.amount > minAmount)) {
      const [total, orders] = groups.get(r.category) ?? [0, 0];
      groups.set(r.category, [total + r.amount, orders + 1]);
    }
    return [...groups].map(([category, [total, orders]]) => [category, total, orders]).sort();
  },
  "category-orders": (rows: Row[]) => {
    const groups = new Map<string, number>();
    for (const r of rows) groups.set(r.category, (groups.get(r.category) ?? 0) + 1);
    return [...groups].map(([category, orders]) => [category, orders]).sort();
  },
};
type JobName = keyof typeof EXPECTED;
const otherJob = (job: JobName): JobName => (job === "daily-sales" ? "category-orders" : "daily-sales");

interface ValidRun {
  readonly runId: string;
  readonly job: JobName;
  readonly input: number;
  readonly minAmount: number;
  readonly output: string;
  readonly body: string;
}
/** A message that must land in the dead-letter queue, with a reason matching `reason`. */
interface BadMessage {
  readonly kind: string;
  readonly body: string;
  readonly reason: RegExp;
  /** The run id it names, and the marker that id must have at the end (none: no marker). */
  readonly runId?: string;
  readonly marker?: { job: string; status: "failed" | "succeeded"; error?: RegExp };
}

let bucket: string;
let base: string;
let queueUrl: string;
let deadLetterUrl: string;
let before: Set<string>;
/** The soak's start, as app ids spell time (UTC, YYYYMMDDHHMMSS). */
let soakStartedAt: string;
const runsPrefix = () => `s3://${bucket}/runs/soak-${nonce}-`;
const inputUri = (k: number) => `${base}in/${k}/part-0.csv`;
const inputDir = (k: number) => `${base}in/${k}/`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function buildMessages(): { valid: ValidRun[]; duplicates: string[]; bad: BadMessage[]; reused: BadMessage[] } {
  const id = (tag: string) => `soak-${nonce}-${tag}`;
  const valid: ValidRun[] = Array.from({ length: 120 }, (_, i) => {
    const job: JobName = i % 5 === 4 ? "category-orders" : "daily-sales";
    const run = { runId: id(`v${i}`), job, input: i % inputs.length, minAmount: [0, 300, 900, 1500][i % 4]!, output: `${base}out/v${i}/` };
    const args = job === "daily-sales" ? { input: inputDir(run.input), output: run.output, minAmount: run.minAmount } : { input: inputDir(run.input), output: run.output };
    return { ...run, body: JSON.stringify({ job, runId: run.runId, args }) };
  });
  // Exact copies of 20 valid messages (the same body, so the same run id): each must run once.
  const duplicates = valid.filter((_, i) => i % 6 === 1).map((v) => v.body);
  const registered = 'the registered jobs are: daily-sales, category-orders';
  const bad: BadMessage[] = [
    ...Array.from({ length: 4 }, (_, i) => ({ kind: "not JSON", body: `{"job": "daily-sales", "runId": "${id(`m${i}`)}"`, reason: /^the message body is not JSON/ })),
    ...Array.from({ length: 4 }, (_, i) => ({ kind: "not JSON", body: `soak ${nonce} message ${i}`, reason: /^the message body is not JSON/ })),
    ...[0, 1, 2].flatMap((i) => [
      { kind: "schema", body: JSON.stringify({ job: "daily-sales", runId: id(`s${i}a`), args: [i] }), reason: /^args: / },
      { kind: "schema", body: JSON.stringify({ runId: id(`s${i}b`) }), reason: /^job: / },
      { kind: "schema", body: JSON.stringify({ job: "daily-sales", runId: `../${id(`s${i}c`)}` }), reason: /^runId: must be 1-128 characters/ },
      { kind: "schema", body: JSON.stringify({ job: "daily-sales", runId: id(`s${i}d`), code: "process.exit()" }), reason: /Unrecognized key.*code/ },
      // Not an identifier the schema allows, whatever the registry holds.
      { kind: "schema", body: JSON.stringify({ job: "__proto__", runId: id(`s${i}e`) }), reason: /^job: must be 1-128 characters/ },
    ]),
    ...["constructor", "toString", "valueOf", "hasOwnProperty", "no-such-job", "Daily-Sales"].flatMap((job, i) =>
      [0, 1].map((j) => ({ kind: "unknown job", body: JSON.stringify({ job, runId: id(`u${i}-${j}`) }), runId: id(`u${i}-${j}`), reason: new RegExp(`^${escape(`unknown job "${job}"; ${registered}`)}$`) })),
    ),
    // Jobs that fail as user errors: an output the write guard refuses (the job's own input), an input that is not there.
    ...[0, 1, 2].map((i) => {
      const runId = id(`g${i}`);
      const reason = new RegExp(`^Refusing to write to ${escape(`${base}guarded/`)}: .*an overwrite would delete the data while it is read`);
      return { kind: "refused output", body: JSON.stringify({ job: "daily-sales", runId, args: { input: `${base}guarded/`, output: `${base}guarded/` } }), runId, reason, marker: { job: "daily-sales", status: "failed" as const, error: reason } };
    }),
    ...[0, 1].map((i) => {
      const runId = id(`n${i}`);
      const reason = new RegExp(`^Path does not exist: ${escape(`${base}missing-${i}/`)}`);
      return { kind: "missing input", body: JSON.stringify({ job: "category-orders", runId, args: { input: `${base}missing-${i}/`, output: `${base}out/n${i}/` } }), runId, reason, marker: { job: "category-orders", status: "failed" as const, error: reason } };
    }),
  ];
  // Run ids of valid runs reused by the other job, sent once those runs are claimed.
  const reused = Array.from({ length: 20 }, (_, i) => {
    const owner = valid[i * 6]!;
    const job = otherJob(owner.job);
    const reason = new RegExp(`^${escape(`run id "${owner.runId}" belongs to job "${owner.job}" (its run is `)}(running|succeeded)${escape(`), not to "${job}"; send the message with a new run id`)}$`);
    const body = JSON.stringify({ job, runId: owner.runId, args: { input: inputDir(owner.input), output: `${base}out/r${i}/` } });
    return { kind: "reused run id", body, runId: owner.runId, reason, marker: { job: owner.job, status: "succeeded" as const } };
  });
  return { valid, duplicates, bad, reused };
}

const chunks = (bodies: readonly string[]): string[][] => Array.from({ length: Math.ceil(bodies.length / 10) }, (_, i) => bodies.slice(i * 10, i * 10 + 10));

/** SendMessageBatch calls of 10 messages, `parallel` at a time. */
async function sendInBursts(batches: readonly string[][], parallel: number): Promise<void> {
  for (let i = 0; i < batches.length; i += parallel) {
    await Promise.all(
      batches.slice(i, i + parallel).map(async (batch) => {
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((MessageBody, j) => ({ Id: `m${j}`, MessageBody })) }));
        expect(out.Failed ?? []).toEqual([]);
      }),
    );
  }
}

async function queueCounts(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) + Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
}

/** Every marker of this test's runs, read once each poll (terminal ones are kept). */
async function readMarkers(markers: Map<string, RunStatus>): Promise<void> {
  const runs = new RunStatusStore(s3, bucket, 0);
  const listed = await store.list(runsPrefix());
  const pending = listed.map((o) => o.uri.slice(`s3://${bucket}/runs/`.length, -".json".length)).filter((runId) => markers.get(runId)?.status !== "succeeded" && markers.get(runId)?.status !== "failed");
  for (let i = 0; i < pending.length; i += 16) {
    await Promise.all(pending.slice(i, i + 16).map(async (runId) => markers.set(runId, (await runs.read(runId))!.status)));
  }
}

/** Every message of this test in the dead-letter queue, deleted as received. */
async function drainDeadLetters(expected: number, deadline: number): Promise<Message[]> {
  const ours: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], VisibilityTimeout: 120, WaitTimeSeconds: 1 }));
    const mine = (out.Messages ?? []).filter((m) => m.Body?.includes(nonce));
    ours.push(...mine);
    if (mine.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: deadLetterUrl, Entries: mine.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
    // Stop once every other message has been seen (received ones stay hidden) and ours are all in.
    if (!out.Messages?.length && ours.length >= expected) return ours;
    if (Date.now() > deadline) return ours;
  }
}

beforeAll(async () => {
  store = new S3ObjectStore();
  s3 = new S3Client(awsClientConfig("S3"));
  sqs = new SQSClient(awsClientConfig("SQS"));
  const deployment = await discoverDeployment();
  bucket = deployment.bucket;
  queueUrl = deployment.jobQueueUrl!;
  deadLetterUrl = deployment.deadLetterQueueUrl!;
  base = `s3://${bucket}/data/soak-${nonce}/`;
  expect(await queueCounts(queueUrl), "the job queue must be empty before the soak test (purge it, or restart the emulator)").toBe(0);
  soakStartedAt = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  before = new Set((await store.list(`s3://${bucket}/`)).map((o) => o.uri));
  for (const [k, rows] of inputs.entries()) await store.put(inputUri(k), ["category,amount", ...rows.map((r) => `${r.category},${r.amount}`)].join("\n") + "\n");
  await store.put(`${base}guarded/part-0.csv`, "category,amount\nBooks,1\n");
});

afterAll(async () => {
  const objects = [...(await store.list(base)), ...(await store.list(runsPrefix()))];
  if (objects.length) await store.delete(objects.map((o) => o.uri));
  sqs.destroy();
  s3.destroy();
});

describe("batch jobs under a burst of 200 messages", () => {
  it("run every valid message exactly once, dead-letter every bad one with its reason, and leave nothing else in the bucket", async () => {
    const { valid, duplicates, bad, reused } = buildMessages();
    expect(valid.length + duplicates.length + bad.length + reused.length).toBe(200);
    const started = Date.now();
    // The copies go out in the first burst, each batch of 10 next to a batch of their originals
    // in the same order: the queue hands both to driver invocations running side by side, so
    // copies meet their run in progress as well as finished.
    const copied = new Set(duplicates);
    const rest = shuffle([...valid.map((v) => v.body).filter((body) => !copied.has(body)), ...bad.map((b) => b.body)]);
    await sendInBursts([...chunks(duplicates).flatMap((batch) => [batch, [...batch]]), ...chunks(rest)], 6);

    // The reused run ids go out once their owners hold them, so the owner's message always claims first.
    const markers = new Map<string, RunStatus>();
    const deadline = started + 270_000;
    const owners = new Set(reused.map((r) => r.runId!));
    while ([...owners].some((runId) => !markers.has(runId))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the runs ${[...owners].filter((r) => !markers.has(r)).join(", ")} to be claimed`);
      await readMarkers(markers);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await sendInBursts(chunks(shuffle(reused.map((r) => r.body))), 2);

    // Drained: no message left in the queue (in flight or waiting), every run finished.
    const finishing = [...valid.map((v) => v.runId), ...bad.filter((b) => b.marker).map((b) => b.runId!)];
    for (;;) {
      await readMarkers(markers);
      const open = finishing.filter((runId) => !["succeeded", "failed"].includes(markers.get(runId)?.status ?? ""));
      const left = await queueCounts(queueUrl);
      if (open.length === 0 && left === 0) break;
      if (Date.now() > deadline) {
        throw new Error(`the soak did not drain within ${Math.round((deadline - started) / 1000)} s: ${left} message(s) still in the job queue; ${open.length} run(s) not finished, e.g. ${open.slice(0, 5).map((r) => `${r} (${markers.get(r)?.status ?? "no marker"})`).join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    console.log(`soak: ${valid.length} runs and ${200 - valid.length} other messages handled in ${Math.round((Date.now() - started) / 1000)} s`);

    // Every valid run succeeded once: one claim, committed within its run, exactly the job's output.
    for (const run of valid) {
      const marker = markers.get(run.runId);
      expect(marker, run.runId).toMatchObject({ job: run.job, status: "succeeded", attempts: 1, result: { output: run.output } });
      const manifest = (await readManifest(store, run.output))!;
      expect(manifest, `${run.output}_SUCCESS`).toBeDefined();
      expect(Date.parse(manifest.committedAt)).toBeGreaterThanOrEqual(Date.parse(marker!.startedAt));
      expect(Date.parse(manifest.committedAt)).toBeLessThanOrEqual(Date.parse(marker!.endedAt!));
      // No duplicated, leftover or temporary file next to the committed ones.
      const listed = (await store.list(run.output)).map((o) => o.uri);
      expect(listed, run.output).toEqual([...manifest.files.map((f) => `${run.output}${f.name}`), manifestUri(run.output)].sort());
      const rows: (string | number)[][] = [];
      for (const file of manifest.files) {
        const [header, ...lines] = new TextDecoder().decode(await store.get(`${run.output}${file.name}`)).trim().split("\n");
        expect(header).toBe(run.job === "daily-sales" ? "category,total,orders" : "category,orders");
        rows.push(...lines.map((line) => line.split(",").map((v, i) => (i === 0 ? v : Number(v)))));
      }
      const rowsOf = inputs[run.input]!;
      expect(rows.sort(), run.runId).toEqual(run.job === "daily-sales" ? EXPECTED["daily-sales"](rowsOf, run.minAmount) : EXPECTED["category-orders"](rowsOf));
    }

    // Every bad message is in the dead-letter queue exactly once, with the driver's reason; nothing else of ours is.
    const deadLetters = await drainDeadLetters(bad.length + reused.length, Date.now() + 60_000);
    const byBody = new Map<string, Message[]>();
    for (const m of deadLetters) byBody.set(m.Body!, [...(byBody.get(m.Body!) ?? []), m]);
    for (const message of [...bad, ...reused]) {
      const found = byBody.get(message.body) ?? [];
      expect(found.length, `${message.kind}: ${message.body}`).toBe(1);
      expect(found[0]!.MessageAttributes?.sparkfnError?.StringValue, `${message.kind}: ${message.body}`).toMatch(message.reason);
      byBody.delete(message.body);
    }
    expect([...byBody.keys()], "messages of this test in the dead-letter queue that were not sent as bad ones").toEqual([]);
    // A bad message leaves no marker, but a failed one for a job that failed, and never touches its owner's.
    for (const { runId, marker, body } of [...bad, ...reused]) {
      if (runId === undefined) continue;
      if (!marker) expect(markers.get(runId), body).toBeUndefined();
      else expect(markers.get(runId), body).toMatchObject({ job: marker.job, status: marker.status, ...(marker.error ? { error: expect.stringMatching(marker.error) } : {}) });
    }

    // The bucket gained exactly the inputs, the committed outputs and the run markers: no scratch, no attempt files.
    const after = (await store.list(`s3://${bucket}/`)).map((o) => o.uri);
    const gained = after.filter((uri) => !before.has(uri));
    // Scratch of the apps this test's runs started (app ids begin with their UTC start time).
    // Apps of earlier test files are left out: an invocation they abandoned (a timeout, a
    // cancelled job) can still write into its app's scratch after cleanup, which the bucket's
    // lifecycle rule for apps/ removes; that is not the batch driver's doing.
    const soakApp = (uri: string) => {
      const id = /\/apps\/app-(\d{14})-/.exec(uri)?.[1];
      return id !== undefined && id >= soakStartedAt;
    };
    expect(gained.filter((uri) => soakApp(uri) || uri.includes("/_temporary/")), "scratch or attempt files left behind").toEqual([]);
    const outputs = await Promise.all(valid.map(async (v) => (await store.list(v.output)).map((o) => o.uri)));
    const expected = [
      ...inputs.map((_, k) => inputUri(k)),
      `${base}guarded/part-0.csv`,
      ...outputs.flat(),
      ...[...new Set(finishing)].map((runId) => `s3://${bucket}/runs/${runId}.json`),
    ].sort();
    expect(gained.sort()).toEqual(expected);
    // Nothing that was there before, outside applications' scratch, is gone.
    expect([...before].filter((uri) => !uri.startsWith(`s3://${bucket}/apps/`) && !after.includes(uri))).toEqual([]);
  }, 420_000);
});
