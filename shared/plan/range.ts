/**
 * The rule for `range(start, end, step)`, checked where the range is made (the driver's
 * `spark.range`, as Spark's Range does) and again where ids are produced (the executor,
 * which never trusts its input): ids are whole numbers that a double holds exactly (Spark's
 * are longs), and the step is not 0 (a 0 step would count forever).
 */

/** What is wrong with a range, naming the argument; undefined when it is fine. */
export function rangeProblem(start: number, end: number, step: number): string | undefined {
  const args: [string, number][] = [["start", start], ["end", end], ["step", step]];
  for (const [name, value] of args) {
    if (!Number.isSafeInteger(value)) return `${name} must be a whole number between -(2^53 - 1) and 2^53 - 1, got ${value}`;
  }
  if (step === 0) return "step cannot be 0; use a positive step to count up or a negative one to count down";
  return undefined;
}
