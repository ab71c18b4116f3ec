/** LocalStack through docker compose, for users with Docker and a LocalStack auth token. */
import { spawnSync } from "node:child_process";
import { packagedFile } from "../package-files.ts";
import { LocalEmulatorError } from "./errors.ts";

/** The compose file sparkfn ships (localstack/docker-compose.yml). */
export const COMPOSE_FILE = packagedFile("localstack/docker-compose.yml");

/** Whether a Docker daemon answers (`docker info`). */
export function dockerWorks(): boolean {
  return spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
}

/** `docker compose -f <file> up -d` or `down`, its output on this terminal's stderr. */
export function compose(action: "up" | "down", env: NodeJS.ProcessEnv, file = COMPOSE_FILE): void {
  const args = ["compose", "-f", file, action, ...(action === "up" ? ["-d"] : [])];
  const result = spawnSync("docker", args, { env, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) {
    const reason = result.error ? result.error.message : `exit status ${result.status ?? result.signal}`;
    throw new LocalEmulatorError(`docker ${args.join(" ")} failed (${reason}); see docker's output above.`);
  }
}
