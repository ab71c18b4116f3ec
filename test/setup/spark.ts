/**
 * Global setup of the `spark` test project (the differential tests in test/spark/): checks
 * Java, installs PySpark (pinned, from PyPI) into the ignored virtualenv test/.spark/venv
 * when it is missing or another version, and starts ONE oracle process
 * (test/support/spark-oracle.py: a local SparkSession answering JSON lines on a TCP port of
 * 127.0.0.1) for the whole run. Tests reach it through `inject("sparkOracle")`
 * (test/support/spark-oracle.ts); the teardown closes its standard input, which ends it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { ROOT } from "./local-env.ts";

/** Pinned: the oracle's answers are Spark's of this version (4.x: ANSI mode on by default, Java 17+). */
export const PYSPARK_VERSION = "4.0.1";
const MIN_JAVA = 17;
const STATE = path.join(ROOT, "test", ".spark");
const VENV = path.join(STATE, "venv");
const PYTHON = path.join(VENV, "bin", "python");
const LOG = path.join(STATE, "oracle.log");
const SCRIPT = path.join(ROOT, "test", "support", "spark-oracle.py");
const STARTUP_TIMEOUT_MS = 240_000;

const run = promisify(execFile);

export interface SparkOracleAddress {
  readonly port: number;
  readonly sparkVersion: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    sparkOracle: SparkOracleAddress;
  }
}

/** The setup cannot run here: the message says what is missing and how to get it. */
class SparkOracleSetupError extends Error {
  override readonly name = "SparkOracleSetupError";
}

async function checkJava(): Promise<void> {
  let text: string;
  try {
    // `java -version` writes to stderr.
    const { stdout, stderr } = await run("java", ["-version"]);
    text = `${stderr}${stdout}`;
  } catch (error) {
    throw new SparkOracleSetupError(
      `The Spark oracle needs Java ${MIN_JAVA} or newer (PySpark ${PYSPARK_VERSION} runs Spark on the JVM), but \`java -version\` failed: ${(error as Error).message}. ` +
        `Install it (Debian/Ubuntu: apt-get install -y openjdk-${MIN_JAVA}-jre-headless) or put a JDK's bin/ on PATH.`,
    );
  }
  const major = Number(/version "(?:1\.)?(\d+)/.exec(text)?.[1]);
  if (!(major >= MIN_JAVA)) {
    throw new SparkOracleSetupError(`The Spark oracle needs Java ${MIN_JAVA} or newer; \`java -version\` says: ${text.split("\n")[0]}. Install openjdk-${MIN_JAVA} and put it first on PATH.`);
  }
}

async function installedPyspark(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return undefined;
  try {
    const { stdout } = await run(PYTHON, ["-c", "import importlib.metadata as m; print(m.version('pyspark'))"]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** pyspark==PYSPARK_VERSION in test/.spark/venv (python3 -m venv, then pip from PyPI), as bench/tpch installs tpchgen-cli. */
async function ensurePyspark(log: (m: string) => void): Promise<void> {
  if ((await installedPyspark()) === PYSPARK_VERSION) return;
  log(`spark oracle: installing pyspark ${PYSPARK_VERSION} into ${path.relative(ROOT, VENV)} (about 450 MB, once)`);
  const manual = `python3 -m venv ${path.relative(ROOT, VENV)} && ${path.relative(ROOT, VENV)}/bin/pip install pyspark==${PYSPARK_VERSION}`;
  try {
    await run("python3", ["-m", "venv", VENV]);
  } catch (error) {
    throw new SparkOracleSetupError(
      `The Spark oracle needs Python 3 with venv and pip to install PySpark, and \`python3 -m venv\` failed: ${(error as Error).message}. ` +
        `Install them (Debian/Ubuntu: apt-get install -y python3 python3-venv python3-pip), then run the tests again.`,
    );
  }
  try {
    await run(path.join(VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `pyspark==${PYSPARK_VERSION}`], { maxBuffer: 16 << 20 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new SparkOracleSetupError(
      `pip could not install pyspark==${PYSPARK_VERSION} from PyPI: ${(e.stderr ?? e.message).trim().split("\n").slice(-5).join("\n")}\n` +
        `Check that PyPI is reachable (or a pip mirror is configured), or install it by hand: ${manual}`,
    );
  }
  const version = await installedPyspark();
  if (version !== PYSPARK_VERSION) throw new SparkOracleSetupError(`pip installed pyspark ${version ?? "nothing"} into ${VENV}, expected ${PYSPARK_VERSION}. Remove test/.spark/venv and run again.`);
}

/** Starts the oracle and waits for its "READY <port>" line; its stderr goes to test/.spark/oracle.log. */
async function startOracle(): Promise<{ child: ChildProcess; port: number }> {
  const logFd = openSync(LOG, "w");
  const child = spawn(PYTHON, [SCRIPT], { cwd: ROOT, stdio: ["pipe", "pipe", logFd], env: { ...process.env, PYSPARK_PYTHON: PYTHON } });
  const failed = (why: string) => {
    const tail = existsSync(LOG) ? readFileSync(LOG, "utf8").trim().split("\n").slice(-15).join("\n") : "";
    return new SparkOracleSetupError(`The Spark oracle (${path.relative(ROOT, SCRIPT)}) ${why}. Its log (${path.relative(ROOT, LOG)}) ends:\n${tail}`);
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(failed(`did not start within ${STARTUP_TIMEOUT_MS / 1000} s`));
    }, STARTUP_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /^READY (\d+)$/.exec(line.trim());
      if (!match) return;
      clearTimeout(timer);
      // The reader stays: it drains anything else written to stdout (the JVM inherits it).
      resolve(Number(match[1]));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(failed(`could not start: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(failed(`exited during startup (${signal ?? `code ${code}`})`));
    });
  });
  child.removeAllListeners("exit");
  return { child, port };
}

async function stopOracle(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // End of input is the oracle's signal to stop its SparkSession and exit.
  child.stdin!.end();
  const timer = setTimeout(() => child.kill("SIGTERM"), 20_000);
  await exited;
  clearTimeout(timer);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (m: string) => console.info(m);
  mkdirSync(STATE, { recursive: true });
  await checkJava();
  await ensurePyspark(log);
  const started = performance.now();
  const { child, port } = await startOracle();
  log(`spark oracle: Spark ${PYSPARK_VERSION} ready on 127.0.0.1:${port} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide("sparkOracle", { port, sparkVersion: PYSPARK_VERSION });
  return () => stopOracle(child);
}
