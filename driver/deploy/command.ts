/** `sparkfn deploy`: the CLI side of deploy.ts. */
import { Command } from "commander";
import { deploy } from "./deploy.ts";

export function deployCommand(): Command {
  return new Command("deploy")
    .description("deploy the CDK app of this folder (cdk.json) with cdk, or with --local with cdklocal to the local emulator; other arguments go to `cdk deploy`")
    .option("--local", "deploy to the emulator at $AWS_ENDPOINT_URL (default http://127.0.0.1:4566); start it with `sparkfn local up`")
    .argument("[cdk-args...]", "arguments for `cdk deploy` (put them after -- when they start with -, e.g. sparkfn deploy --local -- -c key=value)")
    .allowUnknownOption()
    .action((args: string[], opts: { local?: boolean }) => deploy({ local: opts.local === true, args, cwd: process.cwd(), env: process.env }));
}
