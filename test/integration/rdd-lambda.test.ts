import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { discoverDeployment } from "sparkfn";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";
import { defineRddSuite } from "../support/rdd-suite.ts";

const store = new S3ObjectStore();
let prefix: string | undefined;

defineRddSuite({
  master: "lambda",
  dataRoot: async () => {
    const { bucket } = await discoverDeployment();
    prefix = `s3://${bucket}/data/it-rdd-${randomUUID().slice(0, 8)}/`;
    return { root: prefix, put: (name, body) => store.put(`${prefix}${name}`, body), remove: (name) => store.delete([`${prefix}${name}`]) };
  },
});

afterAll(async () => {
  if (prefix) await store.delete((await store.list(prefix)).map((o) => o.uri));
});
