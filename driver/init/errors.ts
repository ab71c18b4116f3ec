import { UserError } from "../../shared/errors.ts";

/** `sparkfn init` refused: the target folder is not empty, or the project name is not a valid npm package name. */
export class ScaffoldError extends UserError {
  override readonly name: string = "ScaffoldError";
}
