/**
 * Object tags on S3: a put sends its tags (write attempt files carry `sparkfn:temporary=true`,
 * which the bucket's lifecycle rule expires), and a copy (the write commit's) carries none. A
 * local node:http server stands in for S3 and records the headers of each PUT.
 */
import type { IncomingHttpHeaders } from "node:http";
import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../../shared/storage/s3-store.ts";
import { FAKE_CREDENTIALS, fakeAws, xml } from "../../support/fake-aws.ts";

interface Put {
  readonly key: string;
  readonly headers: IncomingHttpHeaders;
}

const closers: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(closers.splice(0).map((close) => close())));

/** Answers PutObject and CopyObject (a PUT with x-amz-copy-source) of bucket `bkt`, recording each. */
async function fakeS3() {
  const puts: Put[] = [];
  const server = await fakeAws((req, res, raw) => {
    const key = decodeURIComponent(new URL(req.url, "http://localhost").pathname).slice("/bkt/".length);
    if (req.method !== "PUT") {
      res.writeHead(405).end();
      return;
    }
    puts.push({ key, headers: raw.headers });
    if (raw.headers["x-amz-copy-source"]) {
      res.writeHead(200, { "content-type": "application/xml" }).end(xml(`<CopyObjectResult><ETag>"copy"</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></CopyObjectResult>`));
    } else {
      res.writeHead(200, { etag: '"put"' }).end();
    }
  });
  closers.push(server.close);
  const client = new S3Client({
    endpoint: server.url,
    forcePathStyle: true,
    region: FAKE_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
  closers.push(async () => client.destroy());
  return { store: new S3ObjectStore(client), puts };
}

describe("S3ObjectStore object tags", () => {
  it("sends the tags of a put in the x-amz-tagging header, URL-encoded", async () => {
    const { store, puts } = await fakeS3();
    await store.put("s3://bkt/out/a.csv", "x", { tags: { "sparkfn:temporary": "true", "owner": "a b" } });
    expect(puts).toHaveLength(1);
    expect(puts[0]!.headers["x-amz-tagging"]).toBe("sparkfn%3Atemporary=true&owner=a+b");
  });

  it("sends no tagging header for a put without tags", async () => {
    const { store, puts } = await fakeS3();
    await store.put("s3://bkt/apps/app-1/results/r.json", "[]");
    expect(puts[0]!.headers["x-amz-tagging"]).toBeUndefined();
  });

  it("copies with a replaced, empty tag set, so a committed copy does not keep the attempt file's tag", async () => {
    const { store, puts } = await fakeS3();
    await store.copy("s3://bkt/out/_temporary/job-1/part-00000-attempt-0.csv", "s3://bkt/out/part-00000-job-1.csv");
    expect(puts).toHaveLength(1);
    expect(puts[0]!.key).toBe("out/part-00000-job-1.csv");
    expect(puts[0]!.headers["x-amz-copy-source"]).toBe("bkt/out/_temporary/job-1/part-00000-attempt-0.csv");
    expect(puts[0]!.headers["x-amz-tagging-directive"]).toBe("REPLACE");
    expect(puts[0]!.headers["x-amz-tagging"] ?? "").toBe("");
  });
});
