/**
 * The output guard at the path level (no store needed): bucket roots, reserved prefixes,
 * the local root, home and scratch folders, and a write's own inputs.
 */
import { describe, expect, it } from "vitest";
import { checkOutputLocation, inputLocations, UnsafeOutputError } from "../../../driver/sinks/output-guard.ts";
import { UserError } from "../../../shared/errors.ts";
import type { UnresolvedPlan } from "../../../shared/plan/logical.ts";

const env = { home: "/home/alice", tmp: "/var/tmp-test" };
const refusal = (output: string, inputs: string[] = []) => {
  try {
    checkOutputLocation(output, inputs, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeOutputError);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UnsafeOutputError).path).toBe(output);
    return (error as Error).message;
  }
  return undefined;
};

describe("S3 outputs", () => {
  it.each(["s3://engine/", "s3://engine"])("refuse the bucket root %s", (output) => {
    expect(refusal(output)).toBe(
      `Refusing to write to ${output}: it is the root of bucket "engine", where an overwrite would delete everything in the bucket (its data, run markers and other applications' scratch data). Write to a folder of the bucket instead, e.g. s3://engine/output/<name>/.`,
    );
  });

  it.each([
    ["s3://engine/apps/", "is", "apps/"],
    ["s3://engine/apps", "is", "apps/"],
    ["s3://engine/apps/app-1/out/", "is inside", "apps/"],
    ["s3://engine/runs/", "is", "runs/"],
    ["s3://engine/runs/daily/", "is inside", "runs/"],
  ])("refuse %s, which the engine reserves", (output, how, prefix) => {
    expect(refusal(output)).toMatch(new RegExp(`^Refusing to write to ${output}: it ${how} s3://engine/${prefix}, which sparkfn reserves for `));
    expect(refusal(output)).toMatch(/Write outside apps\/ and runs\//);
  });

  it.each(["s3://engine/apps2/", "s3://engine/data/runs/", "s3://engine/reports/daily/", "s3://other/out/"])("accept %s", (output) => {
    expect(refusal(output)).toBeUndefined();
  });
});

describe("local outputs", () => {
  it("refuse the filesystem root", () => {
    expect(refusal("/")).toBe("Refusing to write to /: it is the root of the filesystem. Write to a folder of its own, e.g. ./output/<name>/.");
  });

  it.each([
    ["/home/alice/", "is"],
    ["/home/alice", "is"],
    ["/home/", "contains"],
    ["file:///home/alice/", "is"],
  ])("refuse %s, which %s the home directory", (output, how) => {
    expect(refusal(output)).toBe(
      `Refusing to write to ${output}: it ${how} your home directory /home/alice, where an overwrite would delete your files. Write to a folder of its own, e.g. /home/alice/output/<name>/.`,
    );
  });

  it.each([
    ["/var/tmp-test/", "contains"],
    ["/var/tmp-test/sparkfn-app-20260101-1a2b3c4d-XyZ123/", "is"],
    ["/var/tmp-test/sparkfn-app-20260101-1a2b3c4d-XyZ123/out/", "is inside"],
  ])("refuse %s, which %s local scratch", (output, how) => {
    expect(refusal(output)).toBe(
      `Refusing to write to ${output}: it ${how} the local scratch folders of sparkfn applications (/var/tmp-test/sparkfn-app-*), which are deleted when their session stops. Write somewhere else.`,
    );
  });

  it.each(["/home/alice/out/", "/var/tmp-test/sparkfn-engine-1/out/", "/var/tmp-test/out/", "/data/reports/"])("accept %s", (output) => {
    expect(refusal(output)).toBeUndefined();
  });
});

describe("outputs that overlap an input", () => {
  it.each([
    ["s3://engine/data/tx/", "s3://engine/data/tx/", "is"],
    ["s3://engine/data/tx/", "s3://engine/data/tx", "is"],
    ["s3://engine/data/", "s3://engine/data/tx/", "contains"],
    ["s3://engine/data/", "s3://engine/data/tx/part-0.csv", "contains"],
    ["s3://engine/data/tx/out/", "s3://engine/data/tx/", "is inside"],
    ["s3://engine/data/2024-summary/", "s3://engine/data/2024-*/", "is"],
    ["s3://engine/data/2024-01/out/", "s3://engine/data/2024-*/", "is inside"],
    ["s3://engine/data/", "s3://engine/data/*/x.csv", "contains"],
    ["/srv/in/", "/srv/in/", "is"],
    ["/srv/", "/srv/in/a.csv", "contains"],
  ])("refuse %s over input %s", (output, input, how) => {
    const harm = {
      is: "an overwrite would delete the data while it is read, and any other write would change that input",
      contains: "an overwrite would delete that input's data while it is read",
      "is inside": "its files would be read back as part of that input",
    }[how]!;
    expect(refusal(output, ["s3://elsewhere/x/", input])).toBe(
      `Refusing to write to ${output}: it ${how} ${input}, an input of this write: ${harm}. Write to a separate location (then replace the input, if that is the aim).`,
    );
  });

  it.each([
    ["s3://engine/data/tx-out/", "s3://engine/data/tx/"],
    ["s3://engine/data/summary/", "s3://engine/data/2024-*/"],
    ["s3://engine/out/", "s3://other/out/"],
    ["/srv/out/", "/srv/in/"],
    ["/srv/in/", "s3://srv/in/"],
  ])("accept %s beside input %s", (output, input) => {
    expect(refusal(output, [input])).toBeUndefined();
  });
});

describe("a plan's input locations", () => {
  const scan = (...paths: string[]) => ({ kind: "unresolvedScan", format: "csv", paths, options: {}, schema: null }) as const;
  it("are every scan's paths, through joins, unions, caches and unary nodes", () => {
    const plan = {
      kind: "unresolvedJoin",
      how: "inner",
      on: ["k"],
      left: { kind: "filter", condition: { kind: "literal", value: true }, input: scan("s3://b/a/") },
      right: {
        kind: "unresolvedUnion",
        byName: false,
        inputs: [{ kind: "cacheMarker", cacheId: 1, input: scan("s3://b/c/", "s3://b/d/*.csv") }, { kind: "range", start: 0, end: 1, step: 1, numPartitions: 1 }],
      },
    } as unknown as UnresolvedPlan;
    expect(inputLocations(plan)).toEqual(["s3://b/a/", "s3://b/c/", "s3://b/d/*.csv"]);
  });
});
