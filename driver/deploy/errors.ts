import { UserError } from "../../shared/errors.ts";

/** `sparkfn deploy` cannot run: no CDK app here, the CDK CLI is missing, no emulator answers, or cdk failed. */
export class DeployError extends UserError {
  override readonly name: string = "DeployError";
}
