import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";
import { ObjectNotFoundError } from "../../../shared/storage/object-store.ts";

describe("LocalObjectStore", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sparkfn-store-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("puts, gets whole and ranged, heads, lists by prefix and deletes", async () => {
    const store = new LocalObjectStore();
    await store.put(path.join(dir, "d/part-1.csv"), "hello world");
    await store.put(`file://${dir}/d/part-2.csv`, new TextEncoder().encode("abc"));
    await store.put(path.join(dir, "other.csv"), "x");

    expect(new TextDecoder().decode(await store.get(path.join(dir, "d/part-1.csv")))).toBe("hello world");
    expect(new TextDecoder().decode(await store.get(path.join(dir, "d/part-1.csv"), { offset: 6, length: 5 }))).toBe("world");
    expect(await store.head(path.join(dir, "d/part-2.csv"))).toEqual({ uri: path.join(dir, "d/part-2.csv"), size: 3 });
    expect(await store.head(path.join(dir, "missing"))).toBeUndefined();
    expect((await store.list(`${dir}/d/`)).map((o) => path.basename(o.uri))).toEqual(["part-1.csv", "part-2.csv"]);
    expect((await store.list(`${dir}/d/part-2`)).map((o) => path.basename(o.uri))).toEqual(["part-2.csv"]);

    await store.delete([path.join(dir, "d/part-1.csv")]);
    await expect(store.get(path.join(dir, "d/part-1.csv"))).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(store.counts.put).toBe(3);
    expect(store.counts.bytesWritten).toBe(15);
  });
});
