/** A failure the executor understands and reports as a structured task error (its home is shared/errors.ts). */
export { TaskError } from "../shared/errors.ts";
