import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { discoverDeployment } from "sparkfn";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";
import { defineEngineSuite } from "../support/engine-suite.ts";

const store = new S3ObjectStore();
let prefix: string | undefined;

defineEngineSuite({
  master: "lambda",
  dataRoot: async () => {
    const { bucket } = await discoverDeployment();
    prefix = `s3://${bucket}/data/it-${randomUUID().slice(0, 8)}/`;
    return { root: prefix, put: (name, text) => store.put(`${prefix}${name}`, text), remove: (name) => store.delete([`${prefix}${name}`]) };
  },
});

afterAll(async () => {
  if (prefix) await store.delete((await store.list(prefix)).map((o) => o.uri));
});
