import { UserError } from "../../shared/errors.ts";

/** `sparkfn local up|down|status` cannot do what was asked; the message says what to do instead. */
export class LocalEmulatorError extends UserError {
  override readonly name: string = "LocalEmulatorError";
}
