import { describe, expect, it } from "vitest";
import { parseMaster, parseSize, RuntimeConfig } from "../../driver/config.ts";

describe("configuration", () => {
  it.each([
    ["1024", 1024], ["64k", 64 * 1024], ["64m", 64 * 1024 ** 2], ["1g", 1024 ** 3], ["1G", 1024 ** 3], ["2t", 2 * 1024 ** 4],
    ["512mb", 512 * 1024 ** 2], ["1.5g", 1.5 * 1024 ** 3], ["0", 0],
  ] as const)("parses the size %s as Spark does", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it("explains a size it cannot read", () => {
    expect(() => parseSize("lots")).toThrow(/Cannot read the size "lots": use a number of bytes or a suffix k, m, g or t/);
  });

  it.each([
    ["local", { kind: "local", threads: 1 }], ["local[3]", { kind: "local", threads: 3 }], ["local[*]", { kind: "local", threads: 6 }], ["lambda", { kind: "lambda" }],
  ] as const)("reads the master %s", (master, expected) => {
    expect(parseMaster(master, 6)).toEqual(expected);
  });

  it("rejects an unknown master, naming the ones it knows", () => {
    expect(() => parseMaster("yarn", 2)).toThrow('Unknown master "yarn": use local, local[N], local[*] or lambda.');
    expect(() => parseMaster("local[0]", 2)).toThrow(/at least one thread/);
  });

  it("keeps unknown keys and warns about each once", () => {
    const warnings: string[] = [];
    const conf = new RuntimeConfig([["spark.executor.memory", "8g"]], (m) => warnings.push(m));
    conf.set("spark.executor.memory", "16g");
    conf.set("spark.sql.shuffle.partitions", 8);
    expect(conf.get("spark.executor.memory")).toBe("16g");
    expect(conf.getInt("spark.sql.shuffle.partitions", 200)).toBe(8);
    expect(conf.getInt("spark.task.maxFailures", 4)).toBe(4);
    expect(warnings).toEqual(['sparkfn: config "spark.executor.memory" is not used by sparkfn; it is kept, but has no effect.']);
  });
});

describe("known configuration keys", () => {
  it("lists every key the driver reads, so none is reported as unused", async () => {
    const { readFile } = await import("node:fs/promises");
    const { KNOWN_CONFIG } = await import("../../driver/config.ts");
    const source = await readFile(new URL("../../driver/session.ts", import.meta.url), "utf8");
    const read = [...source.matchAll(/conf\.(?:get|getInt)\("([^"]+)"/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(15);
    expect(read.filter((key) => !(key in KNOWN_CONFIG))).toEqual([]);
  });
});

