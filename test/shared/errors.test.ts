import { describe, expect, it } from "vitest";
import {
  BadInputError,
  categoryOf,
  failureCategory,
  IllegalArgumentError,
  InternalError,
  mayRetry,
  SparkConditionError,
  TaskError,
  taskFailureError,
  TransientError,
  UserError,
} from "../../shared/errors.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { UserFunctionError } from "../../shared/functions/compile.ts";
import { CsvSyntaxError } from "../../shared/codecs/csv.ts";
import { ObjectNotFoundError } from "../../shared/storage/object-store.ts";
import { CorruptBlockError } from "../../executor-fn/io/block-codec.ts";
import { ClosureError } from "../../driver/api/closures.ts";
import { ResultSizeExceededError } from "../../driver/scheduler/result-size.ts";
import { TaskFailedError } from "../../driver/errors.ts";
import { CastError } from "../../shared/plan/casts.ts";
import { DecimalArithmeticError } from "../../shared/plan/decimal.ts";
import { ArrayIndexError } from "../../shared/plan/functions/arrays.ts";
import { DateTimePatternError, SparkDateTimeError } from "../../shared/plan/functions/calendar.ts";
import { IntervalArithmeticError } from "../../shared/plan/functions/interval-functions.ts";
import { SparkArithmeticError } from "../../shared/plan/functions/math.ts";
import { SparkRegexError } from "../../shared/plan/functions/regex.ts";
import { RaisedError } from "../../shared/plan/semantics.ts";

describe("one error taxonomy", () => {
  it("derives retryable from the category alone", () => {
    expect([new UserError("u"), new BadInputError("b"), new TransientError("t"), new InternalError("i")].map((e) => [e.category, e.retryable])).toEqual([
      ["user", false],
      ["badInput", false],
      ["transient", true],
      ["internal", true],
    ]);
  });

  it("classifies the existing error classes by type, keeping their wire types", () => {
    const cases: [Error, string, string][] = [
      [new AnalysisError("unknown column x"), "user", "InvalidTask"],
      [new UserFunctionError("map: the function threw"), "user", "BadInput"],
      [new ClosureError("captures must be plain data"), "user", "BadInput"],
      [new ResultSizeExceededError(3, 10, 5), "user", "BadInput"],
      [new IllegalArgumentError("step cannot be 0"), "user", "BadInput"],
      [new CsvSyntaxError("unterminated quoted field", 3), "badInput", "BadInput"],
      [new ObjectNotFoundError("s3://b/k"), "badInput", "InputNotFound"],
      [new CorruptBlockError("s3://b/shuffle", "checksum mismatch"), "transient", "Internal"],
    ];
    for (const [error, category, type] of cases) {
      expect(categoryOf(error), error.name).toBe(category);
      expect(taskFailureError(error), error.name).toEqual({ type, category, message: error.message, retryable: category === "transient" });
    }
  });

  it("words every Spark error condition as Spark prints it, `[CONDITION] words`, as bad input (a pattern: a user error)", () => {
    const conditions: [(condition: string, words: string) => SparkConditionError, string, string][] = [
      [(c, w) => new CastError(c as "CAST_INVALID_INPUT", w), "CAST_INVALID_INPUT", "CastError"],
      [(c, w) => new DecimalArithmeticError(c as "DIVIDE_BY_ZERO", w), "DIVIDE_BY_ZERO", "DecimalArithmeticError"],
      [(c, w) => new ArrayIndexError(c as "INVALID_ARRAY_INDEX", w), "INVALID_ARRAY_INDEX", "ArrayIndexError"],
      [(c, w) => new SparkDateTimeError(c as "DATETIME_OVERFLOW", w), "DATETIME_OVERFLOW", "SparkDateTimeError"],
      [(c, w) => new IntervalArithmeticError(c as "INTERVAL_DIVIDED_BY_ZERO", w), "INTERVAL_DIVIDED_BY_ZERO", "IntervalArithmeticError"],
      [(c, w) => new SparkArithmeticError(c as "ARITHMETIC_OVERFLOW", w), "ARITHMETIC_OVERFLOW", "SparkArithmeticError"],
      [(c, w) => new SparkRegexError(c as "INVALID_REGEXP_REPLACE", w), "INVALID_REGEXP_REPLACE", "SparkRegexError"],
      [(c, w) => new RaisedError(c, w), "USER_RAISED_EXCEPTION", "SparkRuntimeException"],
    ];
    for (const [make, condition, name] of conditions) {
      const error = make(condition, "what went wrong.");
      expect([error.name, error.errorClass, error.message, categoryOf(error)]).toEqual([name, condition, `[${condition}] what went wrong.`, "badInput"]);
    }
    const pattern = new DateTimePatternError("INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER", "Illegal pattern character 'q'.");
    expect([pattern.message, categoryOf(pattern)]).toEqual(["[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER] Illegal pattern character 'q'.", "user"]);
  });

  it("gives a TaskError the category of its wire type, and carries the missing objects", () => {
    expect(taskFailureError(new TaskError("FetchFailed", "shuffle output missing", ["s3://b/x"]))).toEqual({
      type: "FetchFailed",
      category: "transient",
      message: "shuffle output missing",
      retryable: true,
      missing: ["s3://b/x"],
    });
    expect(taskFailureError(new TaskError("InvalidTask", "bad plan"))).toMatchObject({ category: "badInput", retryable: false });
    expect(taskFailureError(new TaskError("InputNotFound", "gone"))).toMatchObject({ category: "badInput", retryable: false });
    expect(taskFailureError(new TaskError("Throttled", "429"))).toMatchObject({ category: "transient", retryable: true });
  });

  it("does not classify by message or name: an unknown error is internal whatever it says", () => {
    const looksInternal = new Error("internal: stage 3 wrote no shuffle output");
    const namedLikeUser = Object.assign(new Error("x"), { name: "UserFunctionError" });
    expect(categoryOf(looksInternal)).toBe("internal");
    expect(categoryOf(namedLikeUser)).toBe("internal");
    expect(taskFailureError(new TypeError("x is undefined"))).toEqual({ type: "Internal", category: "internal", message: "TypeError: x is undefined", retryable: true });
    expect(taskFailureError("a thrown string")).toMatchObject({ type: "Internal", category: "internal", message: "a thrown string" });
  });

  it("takes an unclassified error with the shape of a passing failure for transient", () => {
    expect(categoryOf(Object.assign(new Error("SlowDown"), { $metadata: { httpStatusCode: 503 } }))).toBe("transient");
    expect(categoryOf(Object.assign(new Error("Rate exceeded"), { $metadata: { httpStatusCode: 429 } }))).toBe("transient");
    expect(categoryOf(Object.assign(new Error("retry me"), { $retryable: {} }))).toBe("transient");
    expect(categoryOf(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe("transient");
    expect(categoryOf(Object.assign(new Error("AccessDenied"), { $metadata: { httpStatusCode: 403 } }))).toBe("internal");
  });

  it("says an internal error is a bug to report", () => {
    expect(new InternalError("stage 3 wrote no shuffle output").message).toBe("stage 3 wrote no shuffle output (an internal error in sparkfn: please report it)");
  });

  it("decides a driver-side retry by the failure's category, falling back to `retryable` for older executors", () => {
    expect(mayRetry({ type: "Internal", category: "user", message: "m", retryable: true })).toBe(false);
    expect(mayRetry({ type: "BadInput", category: "transient", message: "m", retryable: false })).toBe(true);
    expect(mayRetry({ type: "Internal", message: "m", retryable: false })).toBe(false);
    expect(mayRetry({ type: "Internal", message: "m", retryable: true })).toBe(true);
    expect(failureCategory({ type: "InputNotFound", message: "m", retryable: false })).toBe("badInput");
  });

  it("gives a TaskFailedError the category of the task's last error", () => {
    const error = new TaskFailedError(1, 2, 1, "BadInput", "bad row", undefined, "badInput");
    expect([error.category, error.retryable, error.taskErrorType]).toEqual(["badInput", false, "BadInput"]);
  });
});
