import { execFileSync } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The environment `localstack/env.sh` defines for local tools (endpoint, region, dummy
 * credentials), read from the script itself so tests and scripts share one definition.
 */
export function localEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out = execFileSync("bash", ["-c", `source "${ROOT}/localstack/env.sh" && env -0`], {
    env: { ...process.env, ...overrides },
  });
  const env: NodeJS.ProcessEnv = {};
  for (const entry of out.toString("utf8").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Whether a LocalStack-compatible endpoint answers its health check. */
export async function endpointHealthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export function runScript(script: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync("bash", [path.join(ROOT, "localstack", script)], { env, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`localstack/${script} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}
