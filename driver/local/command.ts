/** `sparkfn local up|down|status|env`: the CLI side of the local emulator (commands.ts). */
import { Command } from "commander";
import { localDown, localStatus, localUp, type LocalOptions } from "./commands.ts";
import { emulatorEnv, shellExports } from "./env.ts";

const options = (): LocalOptions => ({ env: process.env, cwd: process.cwd(), log: (line) => console.log(line) });

export function localCommand(): Command {
  const local = new Command("local").description(
    "the local AWS emulator: an endpoint already answering at $AWS_ENDPOINT_URL (default http://127.0.0.1:4566) is used as it is; " +
      "else LocalStack with Docker and $LOCALSTACK_AUTH_TOKEN; else MiniStack (Python 3). State in .sparkfn/local/ ($SPARKFN_LOCAL_STATE)",
  );
  local
    .command("up")
    .description("make sure an emulator answers at $AWS_ENDPOINT_URL, starting one when none does")
    .action(() => localUp(options()));
  local
    .command("down")
    .description("stop the emulator `sparkfn local up` started from this project (never one it found running)")
    .action(() => localDown(options()));
  local
    .command("status")
    .description("say whether an emulator answers and who started it (exit status 1 when none answers)")
    .action(() => localStatus(options()));
  local
    .command("env")
    .description('print the emulator\'s environment as shell exports: eval "$(sparkfn local env)"')
    .action(() => console.log(shellExports(emulatorEnv(process.env))));
  return local;
}
