import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { log, logLevel, setLogLevel } from "../../../driver/monitoring/log.ts";

const sink = (tty: boolean) => {
  const lines: string[] = [];
  const stream = Object.assign(new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }), { isTTY: tty });
  return { stream, lines };
};

describe("the driver's log", () => {
  afterEach(() => setLogLevel("WARN"));

  it("writes JSON lines off a terminal and text on one, at or above the level", () => {
    const json = sink(false);
    log("INFO", "hidden at WARN", {}, json.stream);
    log("WARN", "stage retried", { stageId: 3 }, json.stream);
    expect(json.lines.length).toBe(1);
    expect(JSON.parse(json.lines[0]!)).toMatchObject({ level: "WARN", message: "stage retried", stageId: 3 });
    const tty = sink(true);
    setLogLevel("DEBUG");
    log("DEBUG", "planning", { stages: 2 }, tty.stream);
    expect(tty.lines[0]).toMatch(/^\S+Z DEBUG planning \(stages=2\)\n$/);
  });

  it("takes Spark's level names and refuses others", () => {
    setLogLevel("ERROR");
    expect(logLevel()).toBe("ERROR");
    expect(() => setLogLevel("LOUD" as never)).toThrow(/Unknown log level "LOUD": use ALL, DEBUG, INFO, WARN, ERROR, FATAL, OFF/);
  });
});
