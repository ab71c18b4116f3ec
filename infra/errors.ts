/** Errors of the CDK constructs (SparkfnEngine, SparkfnStack), raised at synth. */
import { UserError } from "../shared/errors.ts";

/** A construct setting, a context value, or the project the construct synthesizes in is wrong; the message says how to fix it. */
export class SparkfnConstructError extends UserError {
  override readonly name: string = "SparkfnConstructError";
}
