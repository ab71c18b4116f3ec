import { describe, expect, it } from "vitest";
import { discoverPartitions } from "../../../driver/sources/partitions.ts";
import { mayMatch } from "../../../driver/planner/partition-pruning.ts";
import { binary, column, literal } from "../../../shared/plan/expr.ts";
import { escapePathName, unescapePathName } from "../../../shared/plan/file-source.ts";

describe("partition folders", () => {
  it("become typed columns, with Hive's null marker and URL-encoded values", () => {
    const found = discoverPartitions("s3://b/t/", [
      "s3://b/t/y=2024/r=a%2Fb/part-0.csv",
      "s3://b/t/y=2023/r=__HIVE_DEFAULT_PARTITION__/part-1.csv",
    ]);
    expect(found.fields).toEqual([{ name: "y", type: "int", nullable: true }, { name: "r", type: "string", nullable: true }]);
    expect(found.values).toEqual([[2024, "a/b"], [2023, null]]);
    expect(discoverPartitions("s3://b/t/", ["s3://b/t/x=1.5/a", "s3://b/t/x=2/b"]).fields[0]!.type).toBe("double");
    expect(discoverPartitions("s3://b/t/", ["s3://b/t/a.csv", "s3://b/t/b.csv"]).fields).toEqual([]);
  });

  it("are escaped as Spark's escapePathName escapes them, and read back from Spark's and from older sparkfn folders", () => {
    // Spark escapes U+0001-U+001F, "#%'*/:=?\\{[]^ and DEL as %XX; spaces, '}' and non-ASCII stay.
    expect(escapePathName("New York/NY: 50% 'off' #1 = [a]^{b}?*\\é\u0001\u007f")).toBe("New York%2FNY%3A 50%25 %27off%27 %231 %3D %5Ba%5D%5E%7Bb}%3F%2A%5Cé%01%7F");
    for (const text of ["New York/NY: 50% 'off'", "é=ü", "", "%", "a%2"]) expect(unescapePathName(escapePathName(text)), text).toBe(text);
    // Folders sparkfn wrote before (encodeURIComponent: UTF-8 sequences, spaces as %20), and a lone % another tool left.
    expect(unescapePathName("caf%C3%A9%20bar")).toBe("café bar");
    expect(unescapePathName("100%")).toBe("100%");
    expect(unescapePathName("50%25 %ZZ")).toBe("50% %ZZ");
  });

  it("must be the same for every file, or the error names both", () => {
    expect(() => discoverPartitions("/d/", ["/d/y=1/a.csv", "/d/m=2/b.csv"])).toThrow(/Conflicting partition folders: \/d\/m=2\/b\.csv is under m, \/d\/y=1\/a\.csv under y/);
  });

  it("prune files by filters on partition columns only, keeping what they cannot decide", () => {
    const y = (v: number) => new Map([["y", v]]);
    const isRecent = binary("ge", column("y"), literal(2024));
    expect(mayMatch([isRecent], y(2024))).toBe(true);
    expect(mayMatch([isRecent], y(2023))).toBe(false);
    expect(mayMatch([binary("or", isRecent, binary("eq", column("y"), literal(2020)))], y(2020))).toBe(true);
    // A filter on a data column cannot be decided from folders: the file is kept.
    expect(mayMatch([binary("gt", column("amount"), literal(1))], y(2000))).toBe(true);
    expect(mayMatch([binary("and", isRecent, binary("gt", column("amount"), literal(1)))], y(2000))).toBe(false);
    // A null partition value never satisfies a comparison (SQL's unknown).
    expect(mayMatch([isRecent], new Map([["y", null]]))).toBe(false);
  });
});
