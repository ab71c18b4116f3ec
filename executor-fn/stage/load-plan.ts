/**
 * Fetches a task's stage plan by reference, checks it against its SHA-256 and validates it.
 * Plans are cached by hash for the life of a warm container: the tasks of one stage share
 * one plan, so each container downloads it once.
 */
import { createHash } from "node:crypto";
import { PartitionInput, StagePlanSchema, type StagePlan } from "../../shared/plan/physical.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { describeIssues, type StageTask } from "../../shared/task.ts";
import { TaskError } from "../task-error.ts";

const MAX_CACHED = 64;
const cache = new Map<string, StagePlan>();

/** An object the driver stored for a task, fetched and checked against its SHA-256. */
export async function fetchVerified(ref: { readonly uri: string; readonly sha256: string }, what: string, store: ObjectStore): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(ref.uri);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InvalidTask", `${what} ${ref.uri} does not exist`);
    throw error;
  }
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== ref.sha256) throw new TaskError("InvalidTask", `${what} ${ref.uri} does not match its hash (${sha} != ${ref.sha256})`);
  return bytes;
}

export async function loadStagePlan(ref: StageTask["stage"], store: ObjectStore): Promise<StagePlan> {
  const cached = cache.get(ref.sha256);
  if (cached) return cached;
  const bytes = await fetchVerified(ref, "stage plan", store);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new TaskError("InvalidTask", `stage plan ${ref.uri} is not JSON: ${(error as Error).message}`);
  }
  const parsed = StagePlanSchema.safeParse(json);
  if (!parsed.success) throw new TaskError("InvalidTask", `stage plan ${ref.uri} is invalid: ${describeIssues(parsed.error)}`);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(ref.sha256, parsed.data);
  return parsed.data;
}

/** A task input the driver stored because it was too large for the payload (PartitionInput "stored"). */
export async function loadStoredInput(ref: Extract<PartitionInput, { kind: "stored" }>, store: ObjectStore): Promise<PartitionInput> {
  const bytes = await fetchVerified(ref, "task input", store);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new TaskError("InvalidTask", `task input ${ref.uri} is not JSON: ${(error as Error).message}`);
  }
  const parsed = PartitionInput.safeParse(json);
  if (!parsed.success || parsed.data.kind === "stored") {
    throw new TaskError("InvalidTask", `task input ${ref.uri} is invalid: ${parsed.success ? "it refers to another stored input" : describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
