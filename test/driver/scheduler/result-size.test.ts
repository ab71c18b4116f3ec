import { describe, expect, it } from "vitest";
import { bytesToString, ResultSizeExceededError, ResultSizeGuard } from "../../../driver/scheduler/result-size.ts";

describe("spark.driver.maxResultSize", () => {
  it.each([
    [1023, "1023.0 B"], [2047, "2047.0 B"], [2048, "2.0 KiB"], [512_000, "500.0 KiB"], [64 * 1024 ** 2, "64.0 MiB"],
    [Math.round(70.1 * 1024 ** 2), "70.1 MiB"], [3 * 1024 ** 3, "3.0 GiB"],
  ])("formats %i bytes as Spark does: %s", (bytes, text) => {
    expect(bytesToString(bytes)).toBe(text);
  });

  it("aborts with Spark's message once the total passes the cap, and never with no cap", () => {
    const guard = new ResultSizeGuard(64 * 1024 ** 2);
    const each = Math.round(5.8 * 1024 ** 2);
    for (let i = 0; i < 11; i++) guard.add(each); // 63.8 MiB: still under the cap
    expect(() => guard.add(Math.round(70.1 * 1024 ** 2) - 11 * each)).toThrow(
      new ResultSizeExceededError(12, Math.round(70.1 * 1024 ** 2), 64 * 1024 ** 2),
    );
    expect(new ResultSizeExceededError(12, Math.round(70.1 * 1024 ** 2), 64 * 1024 ** 2).message).toBe(
      "Total size of serialized results of 12 tasks (70.1 MiB) is bigger than spark.driver.maxResultSize (64.0 MiB)",
    );
    const unlimited = new ResultSizeGuard(0);
    expect(() => unlimited.add(10 * 1024 ** 4)).not.toThrow();
  });
});
