/**
 * A one-bucket S3 stand-in on a local node:http server (test/support/fake-aws.ts), for the
 * real S3Client: GET and PUT of objects with ETags and S3's conditional writes (If-None-Match: *
 * refuses an existing key, If-Match refuses another ETag; both answer 412 PreconditionFailed).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { fakeAws, xml, type FakeAws } from "./fake-aws.ts";

export interface FakeBucket {
  readonly server: FakeAws;
  readonly s3: S3Client;
  /** Objects by key: body and ETag (quoted, as S3 sends it). */
  readonly objects: Map<string, { body: string; etag: string }>;
  /** Conditional PUTs refused so far. */
  readonly refused: () => number;
  /** Writes an object as another client would (a new ETag). */
  put(key: string, body: string): void;
  close(): Promise<void>;
}

export async function fakeBucket(bucket: string): Promise<FakeBucket> {
  const objects = new Map<string, { body: string; etag: string }>();
  let version = 0;
  let refused = 0;
  const put = (key: string, body: string) => {
    const etag = `"etag-${++version}"`;
    objects.set(key, { body, etag });
    return etag;
  };
  const error = (code: string) => xml(`<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
  const server = await fakeAws((req, res, raw) => {
    const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    const key = path.slice(`/${bucket}/`.length);
    const existing = objects.get(key);
    if (!path.startsWith(`/${bucket}/`)) {
      res.writeHead(404, { "content-type": "application/xml" }).end(error("NoSuchBucket"));
    } else if (req.method === "GET") {
      if (!existing) res.writeHead(404, { "content-type": "application/xml" }).end(error("NoSuchKey"));
      else res.writeHead(200, { etag: existing.etag, "content-type": "application/json", "content-length": Buffer.byteLength(existing.body) }).end(existing.body);
    } else if (req.method === "PUT") {
      const ifNoneMatch = raw.headers["if-none-match"];
      const ifMatch = raw.headers["if-match"];
      if ((ifNoneMatch === "*" && existing) || (ifMatch !== undefined && existing?.etag !== ifMatch)) {
        refused++;
        res.writeHead(412, { "content-type": "application/xml" }).end(error("PreconditionFailed"));
      } else {
        res.writeHead(200, { etag: put(key, req.body) }).end();
      }
    } else {
      res.writeHead(405).end();
    }
  });
  const s3 = new S3Client({ endpoint: server.url, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  return {
    server,
    s3,
    objects,
    refused: () => refused,
    put: (key, body) => void put(key, body),
    close: async () => {
      s3.destroy();
      await server.close();
    },
  };
}
