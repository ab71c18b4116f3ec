/**
 * Test-only fault injection (`sparkfn.test.faults`): which fault, if any, the driver puts into
 * a task attempt's payload (executor-fn/execute.ts acts it out, where fault injection is
 * allowed). Two forms:
 *
 *   [{ "stage": 0, "partition": 1, "attempt": 0, "kind": "throw" }, ...]   exact attempts
 *     (with "combiner": true, of the stage's combiner `partition` instead of its task)
 *   { "seed": 7, "rate": 0.08, "kinds": ["throw", "hang"] }               a seeded schedule
 *
 * A seeded schedule faults about `rate` of the attempts, each decided by a hash of (seed,
 * stage, partition, attempt): the same seed always faults the same attempts, so a failing
 * chaos run can be replayed. It never faults an attempt numbered `maxFailures - 1` or later,
 * so injected faults alone cannot use up a task's attempts and fail the job.
 */
import { z } from "zod";
import { TaskFault, type StageTask } from "../../shared/task.ts";
import { UserError } from "../../shared/errors.ts";

const Index = z.number().int().nonnegative();

export const FaultList = z.array(z.object({ stage: Index, partition: Index, attempt: Index, kind: TaskFault, combiner: z.boolean().optional() }).strict());
export type FaultList = z.infer<typeof FaultList>;

export const FaultSchedule = z
  .object({
    seed: z.number().int(),
    /** Share of attempts to fault, above 0 and at most 1. */
    rate: z.number().gt(0).lte(1),
    /** The kinds to choose from (evenly); default: every kind. */
    kinds: z.array(TaskFault).min(1).optional(),
  })
  .strict();
export type FaultSchedule = z.infer<typeof FaultSchedule>;

const KEY = "sparkfn.test.faults";

/** A 32-bit integer hash finalizer (murmur3's fmix32). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The fault a seeded schedule puts into one attempt, or undefined. Pure: the same arguments
 * always give the same answer (tests replay a schedule with it). `maxFailures`: see the header.
 */
export function scheduledFault(schedule: FaultSchedule, stage: number, partition: number, attempt: number, maxFailures: number): TaskFault | undefined {
  if (attempt >= maxFailures - 1) return undefined;
  let h = fmix(schedule.seed ^ 0x5bd1e995);
  for (const part of [stage, partition, attempt]) h = fmix(Math.imul(h ^ part, 0x9e3779b1) + 0x632be5ab);
  if (fmix(h ^ 0x1b873593) / 2 ** 32 >= schedule.rate) return undefined;
  const kinds = schedule.kinds ?? TaskFault.options;
  return kinds[fmix(h ^ 0x68e31da4) % kinds.length];
}

export type FaultFor = (task: StageTask, attempt: number) => StageTask["fault"];

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ");

/**
 * Reads `sparkfn.test.faults`: undefined when unset or empty (no faults), else the function
 * that picks each attempt's fault. Throws UserError naming what is wrong.
 */
export function faultInjector(json: string | undefined, maxFailures: number): FaultFor | undefined {
  if (!json?.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UserError(`${KEY} is not JSON (${error instanceof Error ? error.message : String(error)}): give a list of {stage, partition, attempt, kind} or a schedule {seed, rate, kinds}.`);
  }
  if (Array.isArray(value)) {
    const parsed = FaultList.safeParse(value);
    if (!parsed.success) throw new UserError(`${KEY} is not a list of {stage, partition, attempt, kind}: ${issues(parsed.error)}`);
    const faults = parsed.data;
    if (faults.length === 0) return undefined;
    return (task, attempt) =>
      faults.find((f) => f.stage === task.stageId && f.partition === task.partition && f.attempt === attempt && (f.combiner ?? false) === (task.input.kind === "combine"))?.kind;
  }
  const parsed = FaultSchedule.safeParse(value);
  if (!parsed.success) {
    throw new UserError(`${KEY} is not a schedule {seed, rate, kinds} (kinds from ${TaskFault.options.join(", ")}): ${issues(parsed.error)}`);
  }
  const schedule = parsed.data;
  return (task, attempt) => scheduledFault(schedule, task.stageId, task.partition, attempt, maxFailures);
}
