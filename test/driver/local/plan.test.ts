import { describe, expect, it } from "vitest";
import { LocalEmulatorError } from "../../../driver/local/errors.ts";
import { planStart, planStop } from "../../../driver/local/plan.ts";

describe("planStart", () => {
  const never = () => {
    throw new Error("docker must not be asked");
  };

  it("reuses an endpoint that answers, wherever it is, without asking Docker", () => {
    expect(planStart({ endpoint: "http://10.1.2.3:4566", healthy: true, authToken: "t", dockerWorks: never })).toEqual({ kind: "reuse" });
  });

  it("starts LocalStack with compose only with an auth token and a working Docker", () => {
    expect(planStart({ endpoint: "http://127.0.0.1:4566", healthy: false, authToken: "t", dockerWorks: () => true })).toEqual({ kind: "compose" });
    expect(planStart({ endpoint: "http://127.0.0.1:4566", healthy: false, authToken: "t", dockerWorks: () => false })).toEqual({ kind: "ministack", port: 4566 });
    expect(planStart({ endpoint: "http://localhost:4600", healthy: false, authToken: undefined, dockerWorks: never })).toEqual({ kind: "ministack", port: 4600 });
    expect(planStart({ endpoint: "http://localhost:4600", healthy: false, authToken: "", dockerWorks: never })).toEqual({ kind: "ministack", port: 4600 });
  });

  it("starts nothing for an endpoint elsewhere that does not answer", () => {
    expect(() => planStart({ endpoint: "http://10.1.2.3:4566", healthy: false, authToken: "t", dockerWorks: () => true })).toThrow(LocalEmulatorError);
  });
});

describe("planStop", () => {
  it("stops only what up recorded", () => {
    const asked: number[] = [];
    const isMinistack = (pid: number) => (asked.push(pid), pid === 42);
    expect(planStop({}, isMinistack)).toEqual({ kind: "nothing" });
    expect(planStop({ startedBy: "compose" }, isMinistack)).toEqual({ kind: "compose" });
    expect(planStop({ startedBy: "ministack", pid: 42 }, isMinistack)).toEqual({ kind: "ministack", pid: 42 });
    expect(asked).toEqual([42]);
  });

  it("leaves alone a recorded pid that is no longer MiniStack", () => {
    expect(planStop({ startedBy: "ministack", pid: 7 }, () => false)).toEqual({ kind: "gone", pid: 7 });
    expect(planStop({ startedBy: "ministack" }, () => true)).toEqual({ kind: "gone" });
  });
});
