/**
 * Nested types as text (shared/plan/types.ts, type-syntax.ts): DDL read into canonical
 * spellings, quoting of field names, the names printSchema and messages use, which values fit,
 * and casts of arrays and structs (casts.ts), with expected values written out here from
 * Spark's documented formats (the differential test test/spark/functions/nested.test.ts
 * checks the same casts against Spark itself).
 */
import { describe, expect, it } from "vitest";
import { castValue, sqlTypeName } from "../../../shared/plan/casts.ts";
import { arrayType, elementOf, fieldsOf, fitsType, mapOf, mapType, parseDdlSchema, parseTypeName, schemaTreeLines, simpleTypeName, structType, typeKind, typeName, DataType } from "../../../shared/plan/types.ts";

describe("nested types as text", () => {
  it("reads Spark's DDL (any case, spaces, colons optional) into one canonical spelling", () => {
    expect(parseTypeName("ARRAY<INT>")).toBe("array<int>");
    expect(parseTypeName(" array < bigint > ")).toBe("array<long>");
    expect(parseTypeName("STRUCT<a: INT, b STRING>")).toBe("struct<a:int,b:string>");
    expect(parseTypeName("struct<Name:string,tags:array<string>,amount:decimal(10,2)>")).toBe("struct<Name:string,tags:array<string>,amount:decimal(10,2)>");
    expect(parseTypeName("array<array<struct<x:double>>>")).toBe("array<array<struct<x:double>>>");
    expect(parseTypeName("struct<>")).toBe("struct<>");
    expect(parseTypeName("MAP<STRING, ARRAY<INT>>")).toBe("map<string,array<int>>");
    expect(mapOf("map<string,array<int>>")).toEqual({ kind: "map", key: "string", value: "array<int>" });
  });

  it("quotes field names that are not identifiers, and reads them back", () => {
    const t = structType([{ name: "a b", type: "int" }, { name: "x`y", type: "string" }, { name: "ok_1", type: "long" }]);
    expect(t).toBe("struct<`a b`:int,`x``y`:string,ok_1:long>");
    expect(fieldsOf(parseTypeName(t))).toEqual([{ name: "a b", type: "int" }, { name: "x`y", type: "string" }, { name: "ok_1", type: "long" }]);
    expect(DataType.safeParse(t).success).toBe(true);
  });

  it("refuses text that is not a type, naming the spot", () => {
    expect(() => parseTypeName("array<int")).toThrow(/expected ">" at character 10/);
    expect(() => parseTypeName("array<integr>")).toThrow(/Unknown data type "integr"/);
    expect(() => parseTypeName("map<string>")).toThrow(/expected ","/);
    expect(DataType.safeParse("array<nope>").success).toBe(false);
    expect(DataType.safeParse("struct<a:int").success).toBe(false);
  });

  it("reads DDL schemas whose types hold commas", () => {
    expect(parseDdlSchema("id INT, point STRUCT<x: DOUBLE, y: DOUBLE> NOT NULL, tags ARRAY<STRING>, m DECIMAL(10, 2)")).toEqual({
      fields: [
        { name: "id", type: "int", nullable: true },
        { name: "point", type: "struct<x:double,y:double>", nullable: false },
        { name: "tags", type: "array<string>", nullable: true },
        { name: "m", type: "decimal(10,2)", nullable: true },
      ],
    });
  });

  it("names types as printSchema, simpleString and SQL messages do", () => {
    const t = parseTypeName("struct<a:bigint,b:array<struct<c:int>>>");
    expect([typeKind(t), typeName(t), simpleTypeName(t), sqlTypeName(t)]).toEqual(["struct", "struct", "struct<a:bigint,b:array<struct<c:int>>>", "STRUCT<a: BIGINT, b: ARRAY<STRUCT<c: INT>>>"]);
    expect(schemaTreeLines(t, " |    ")).toEqual([
      " |    |-- a: long (nullable = true)",
      " |    |-- b: array (nullable = true)",
      " |    |    |-- element: struct (containsNull = true)",
      " |    |    |    |-- c: integer (nullable = true)",
    ]);
    expect(elementOf(arrayType("date"))).toBe("date");
    const m = mapType("string", "struct<x:int>");
    expect([typeName(m), simpleTypeName(m), sqlTypeName(m)]).toEqual(["map", "map<string,struct<x:int>>", "MAP<STRING, STRUCT<x: INT>>"]);
    expect(schemaTreeLines(m, " |    ")).toEqual([" |    |-- key: string", " |    |-- value: struct (valueContainsNull = true)", " |    |    |-- x: integer (nullable = true)"]);
    expect(elementOf("string")).toBeNull();
  });

  it("says which values fit: arrays of the element type, structs of as many fields", () => {
    expect(fitsType("array<int>", [1, null, 3])).toBe(true);
    expect(fitsType("array<int>", [1, "2"])).toBe(false);
    expect(fitsType("struct<a:int,b:string>", [1, null])).toBe(true);
    expect(fitsType("struct<a:int,b:string>", [1])).toBe(false);
    expect(fitsType("array<struct<a:int>>", [[1], null, [2]])).toBe(true);
    expect(fitsType("map<string,int>", [["a", "b"], [1, null]])).toBe(true);
    expect(fitsType("map<string,int>", [["a", null], [1, 2]])).toBe(false);
    expect(fitsType("map<string,int>", [["a"], [1, 2]])).toBe(false);
  });
});

describe("casts of arrays and structs", () => {
  it("to strings as Spark writes them: [1, null], {1, a}, nested values as their own casts", () => {
    expect(castValue([1, null, 3], "array<int>", "string")).toBe("[1, null, 3]");
    expect(castValue([1.5, 2, NaN], "array<double>", "string")).toBe("[1.5, 2.0, NaN]");
    expect(castValue([1, "a", null], "struct<a:int,b:string,c:string>", "string")).toBe("{1, a, null}");
    expect(castValue([[1], null, []], "array<array<int>>", "string")).toBe("[[1], null, []]");
    expect(castValue([150n, -5n], "array<decimal(5,2)>", "string")).toBe("[1.50, -0.05]");
    expect(castValue([["a", "b"], [1, null]], "map<string,int>", "string")).toBe("{a -> 1, b -> null}");
  });

  it("element by element and field by field, failing (ANSI), nulling (legacy) or nulling the part (try)", () => {
    expect(castValue(["1", " 2 ", null], "array<string>", "array<int>")).toEqual([1, 2, null]);
    expect(() => castValue(["1", "x"], "array<string>", "array<int>")).toThrow(/CAST_INVALID_INPUT.*'x'/);
    expect(castValue(["1", "x"], "array<string>", "array<int>", "legacy")).toEqual([1, null]);
    expect(castValue(["1", "x"], "array<string>", "array<int>", "try")).toEqual([1, null]);
    expect(castValue([7, "8"], "struct<a:int,b:string>", "struct<a:string,b:long>")).toEqual(["7", 8]);
    expect(castValue([1, 2], "array<int>", "array<int>")).toEqual([1, 2]);
    expect(castValue([["1", "2"], ["x", "3"]], "map<string,string>", "map<int,int>", "try")).toEqual([[1, 2], [null, 3]]);
  });
});
