/**
 * spark.driver.maxResultSize: the driver adds up the serialized size of every result task
 * reports, as results arrive, and aborts the job as soon as the total passes the cap,
 * before it downloads any stored result. Messages use Spark's wording and units.
 */
import { UserError } from "../../shared/errors.ts";

/** Spark's Utils.bytesToString: the largest unit the size is at least twice of, one decimal. */
export function bytesToString(bytes: number): string {
  const units: [string, number][] = [
    ["TiB", 1024 ** 4],
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ];
  for (const [unit, size] of units) if (bytes >= 2 * size) return `${(bytes / size).toFixed(1)} ${unit}`;
  return `${bytes.toFixed(1)} B`;
}

export class ResultSizeExceededError extends UserError {
  override readonly name = "ResultSizeExceededError";
  constructor(
    readonly tasks: number,
    readonly totalBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `Total size of serialized results of ${tasks} tasks (${bytesToString(totalBytes)}) is bigger than ` +
        `spark.driver.maxResultSize (${bytesToString(maxBytes)})`,
    );
  }
}

/** Counts result sizes as they arrive; `add` throws once the total passes the cap (0 = no cap). */
export class ResultSizeGuard {
  private tasks = 0;
  private total = 0;
  constructor(readonly maxBytes: number) {}

  add(bytes: number): void {
    this.tasks++;
    this.total += bytes;
    if (this.maxBytes > 0 && this.total > this.maxBytes) throw new ResultSizeExceededError(this.tasks, this.total, this.maxBytes);
  }
}
