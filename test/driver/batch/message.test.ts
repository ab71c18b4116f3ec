import { describe, expect, it } from "vitest";
import { parseJobMessage } from "../../../driver/batch/message.ts";

describe("job messages", () => {
  it("accept a job name, arguments and an optional run id", () => {
    expect(parseJobMessage('{"job": "daily-sales", "args": {"day": "2026-11-24"}, "runId": "r-1"}')).toEqual({
      ok: true,
      message: { job: "daily-sales", args: { day: "2026-11-24" }, runId: "r-1" },
    });
    expect(parseJobMessage('{"job": "daily-sales"}')).toEqual({ ok: true, message: { job: "daily-sales", args: {} } });
  });

  it.each([
    ["not JSON", "{job", /^the message body is not JSON/],
    ["no job", "{}", /^job: /],
    ["a job name that could escape a key", '{"job": "../x"}', /^job: must be 1-128 characters/],
    ["arguments that are not an object", '{"job": "a", "args": [1]}', /^args: /],
    ["an unknown field (code never travels in a message)", '{"job": "a", "code": "process.exit()"}', /Unrecognized key.*code/],
  ])("refuse %s, saying which field is wrong", (_, body, error) => {
    const parsed = parseJobMessage(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toMatch(error);
  });
});
