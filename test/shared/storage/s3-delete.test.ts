/**
 * S3ObjectStore.delete reads DeleteObjects' `Errors`: a local node:http server speaks the S3
 * XML (path-style `POST /<bucket>?delete`) and answers with <Error> entries as each test scripts.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { DELETE_BATCH, DeleteObjectsError } from "../../../shared/storage/s3-delete.ts";
import { S3ObjectStore } from "../../../shared/storage/s3-store.ts";
import { FAKE_CREDENTIALS, fakeAws, xml } from "../../support/fake-aws.ts";

interface DeleteCall {
  bucket: string;
  keys: string[];
}

const closers: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(closers.splice(0).map((close) => close())));

/** `errorsFor(call, index)` lists the keys to report as not deleted, with their codes. */
async function fakeS3(errorsFor: (call: DeleteCall, index: number) => { key: string; code: string }[] = () => []) {
  const calls: DeleteCall[] = [];
  const server = await fakeAws((req, res) => {
    const match = /^\/([^/?]+)\/?\?delete/.exec(req.url);
    if (req.method !== "POST" || !match) {
      res.writeHead(400).end();
      return;
    }
    const call = { bucket: match[1]!, keys: [...req.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!) };
    calls.push(call);
    const errors = errorsFor(call, calls.length - 1)
      .map((e) => `<Error><Key>${e.key}</Key><Code>${e.code}</Code><Message>${e.code} happened</Message></Error>`)
      .join("");
    res.writeHead(200, { "content-type": "application/xml" }).end(xml(`<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors}</DeleteResult>`));
  });
  closers.push(server.close);
  const client = new S3Client({
    endpoint: server.url,
    forcePathStyle: true,
    region: FAKE_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  closers.push(async () => client.destroy());
  return { store: new S3ObjectStore(client), calls };
}

const failureOf = (error: unknown) => (error instanceof DeleteObjectsError ? error.failures : undefined);

describe("S3ObjectStore.delete", () => {
  it("throws a DeleteObjectsError naming each object S3 did not delete and its code", async () => {
    const { store, calls } = await fakeS3(() => [
      { key: "out/a.parquet", code: "AccessDenied" },
      { key: "out/c.parquet", code: "AccessDenied" },
    ]);
    const error = await store.delete(["s3://bkt/out/a.parquet", "s3://bkt/out/b.parquet", "s3://bkt/out/c.parquet"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeleteObjectsError);
    expect(failureOf(error)).toEqual([
      { uri: "s3://bkt/out/a.parquet", code: "AccessDenied", message: "AccessDenied happened" },
      { uri: "s3://bkt/out/c.parquet", code: "AccessDenied", message: "AccessDenied happened" },
    ]);
    expect((error as DeleteObjectsError).category).toBe("user");
    expect((error as DeleteObjectsError).retryable).toBe(false);
    expect((error as Error).message).toMatch(
      /^S3 did not delete 2 object\(s\): s3:\/\/bkt\/out\/a\.parquet \(AccessDenied: AccessDenied happened\), s3:\/\/bkt\/out\/c\.parquet \(AccessDenied: AccessDenied happened\)\. .*s3:DeleteObject/,
    );
    // AccessDenied is not transient: no second request.
    expect(calls).toEqual([{ bucket: "bkt", keys: ["out/a.parquet", "out/b.parquet", "out/c.parquet"] }]);
  });

  it("tries keys that failed with a transient code once more, and only those", async () => {
    const { store, calls } = await fakeS3((_call, index) => (index === 0 ? [{ key: "k2", code: "SlowDown" }, { key: "k3", code: "InternalError" }] : []));
    await store.delete(["s3://bkt/k1", "s3://bkt/k2", "s3://bkt/k3"]);
    expect(calls).toEqual([
      { bucket: "bkt", keys: ["k1", "k2", "k3"] },
      { bucket: "bkt", keys: ["k2", "k3"] },
    ]);
  });

  it("reports a transient failure that outlasts the retry, as retryable", async () => {
    const { store, calls } = await fakeS3((call) => call.keys.filter((k) => k === "k2").map((key) => ({ key, code: "SlowDown" })));
    const error = await store.delete(["s3://bkt/k1", "s3://bkt/k2"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failureOf(error)).toEqual([{ uri: "s3://bkt/k2", code: "SlowDown", message: "SlowDown happened" }]);
    expect((error as DeleteObjectsError).category).toBe("transient");
    expect((error as DeleteObjectsError).retryable).toBe(true);
    expect(calls.length).toBe(2);
  });

  it("sends at most 1,000 keys a request, per bucket, each key once, in order", async () => {
    const { store, calls } = await fakeS3();
    const a = Array.from({ length: 2500 }, (_, i) => `s3://one/k${i}`);
    const b = ["s3://two/x", "s3://two/y"];
    // Interleaved buckets still go out as one run of batches per bucket.
    await store.delete([...a.slice(0, 1200), ...b, ...a.slice(1200)]);
    expect(calls.map((c) => [c.bucket, c.keys.length])).toEqual([
      ["one", DELETE_BATCH],
      ["one", DELETE_BATCH],
      ["one", 500],
      ["two", 2],
    ]);
    expect(calls.filter((c) => c.bucket === "one").flatMap((c) => c.keys)).toEqual(a.map((u) => u.slice("s3://one/".length)));
  });

  it("groups 100,000 keys in linear time (an injected client that answers at once)", async () => {
    const sent: number[] = [];
    const client = { send: async (command: { input: { Delete: { Objects: unknown[] } } }) => (sent.push(command.input.Delete.Objects.length), {}) } as unknown as S3Client;
    const uris = Array.from({ length: 100_000 }, (_, i) => `s3://bkt/apps/app-1/shuffle/${i}.bin`);
    const began = performance.now();
    await new S3ObjectStore(client).delete(uris);
    // Copying the growing key list for every key (the old way) takes ~5e9 element copies here.
    expect(performance.now() - began).toBeLessThan(2000);
    expect(sent).toEqual(Array.from({ length: 100 }, () => DELETE_BATCH));
  });
});
