import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MINISTACK_VERSION } from "../../../driver/local/env.ts";
import { localPaths, projectRoot } from "../../../driver/local/paths.ts";
import { clearState, readState, recordStart } from "../../../driver/local/state.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-local-state-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("localPaths", () => {
  it("keeps the state in .sparkfn/local of the nearest folder with a package.json, the virtualenv in the user's cache", async () => {
    await writeFile(path.join(dir, "package.json"), "{}");
    const sub = path.join(dir, "jobs", "deep");
    await import("node:fs/promises").then((fs) => fs.mkdir(sub, { recursive: true }));
    expect(projectRoot(sub)).toBe(dir);
    const paths = localPaths({ HOME: "/home/u" }, sub);
    expect(paths.state).toBe(path.join(dir, ".sparkfn", "local"));
    expect(paths.pidFile).toBe(path.join(dir, ".sparkfn", "local", "ministack.pid"));
    expect(paths.logFile).toBe(path.join(dir, ".sparkfn", "local", "ministack.log"));
    expect(paths.venv).toBe(`/home/u/.cache/sparkfn/ministack-${MINISTACK_VERSION}`);
    expect(localPaths({ HOME: "/home/u", XDG_CACHE_HOME: "/c" }, sub).venv).toBe(`/c/sparkfn/ministack-${MINISTACK_VERSION}`);
  });

  it("uses the working directory without a package.json above it, and the environment's folders when set", () => {
    expect(projectRoot(dir)).toBe(dir);
    const paths = localPaths({ SPARKFN_LOCAL_STATE: "st", SPARKFN_MINISTACK_VENV: "/v" }, dir);
    expect(paths.state).toBe(path.join(dir, "st"));
    expect(paths.startedBy).toBe(path.join(dir, "st", "started-by"));
    expect(paths.venv).toBe("/v");
  });
});

describe("the state files", () => {
  it("record what up started, and are read back and cleared", async () => {
    const paths = localPaths({ SPARKFN_LOCAL_STATE: path.join(dir, "state") }, dir);
    expect(await readState(paths)).toEqual({});
    await recordStart(paths, "ministack", 1234);
    expect((await readFile(paths.pidFile, "utf8")).trim()).toBe("1234");
    expect(await readState(paths)).toEqual({ startedBy: "ministack", pid: 1234 });
    await clearState(paths);
    expect(await readState(paths)).toEqual({});
    await recordStart(paths, "compose");
    expect(await readState(paths)).toEqual({ startedBy: "compose" });
  });

  it("trust no unknown starter and no malformed pid", async () => {
    const paths = localPaths({ SPARKFN_LOCAL_STATE: dir }, dir);
    await writeFile(paths.startedBy, "someone-else\n");
    await writeFile(paths.pidFile, "1234\n");
    expect(await readState(paths)).toEqual({});
    await writeFile(paths.startedBy, "ministack\n");
    await writeFile(paths.pidFile, "-1\n");
    expect(await readState(paths)).toEqual({ startedBy: "ministack" });
  });
});
