/**
 * The `sparkfn` command line:
 *   sparkfn submit job.ts [--master M] [--conf k=v ...]   run a job script, as spark-submit does
 *   sparkfn stack                                         show the deployed engine the driver finds
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { discoverDeployment } from "./deployment.ts";
import { setLaunchDefaults, stopActiveSession } from "./session.ts";

/** Exit status after Ctrl-C, as shells report a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** Set once Ctrl-C was pressed during `submit`: resolves when the session has stopped and cleaned up. */
let interrupted: Promise<void> | undefined;

/**
 * Ctrl-C: stop launching tasks, let running ones finish, delete the app's scratch data, exit
 * 130. A second Ctrl-C exits at once (the bucket's lifecycle rule catches what is left).
 */
function onInterrupt(): void {
  console.error("sparkfn: interrupted; stopping the session (running tasks finish, scratch data is deleted). Press Ctrl-C again to exit at once.");
  process.once("SIGINT", () => process.exit(EXIT_INTERRUPTED));
  interrupted = stopActiveSession();
}

function confPair(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

export function buildCli(): Command {
  const program = new Command("sparkfn").description("Spark-style jobs on AWS Lambda").showHelpAfterError();

  program
    .command("submit")
    .description("run a job script; its SparkSession.builder().getOrCreate() picks up --master and --conf")
    .argument("<script>", "the job, a .ts or .js module that builds its own session")
    .option("--master <master>", "local[N], local[*] or lambda")
    .option("--conf <key=value>", "a configuration setting (repeatable)", confPair, [])
    .action(async (script: string, opts: { master?: string; conf: [string, string][] }) => {
      // As spark-submit with a history server in mind: keep an event log unless told otherwise.
      setLaunchDefaults([["spark.eventLog.enabled", "true"], ...(opts.master ? [["spark.master", opts.master] as [string, string]] : []), ...opts.conf]);
      process.once("SIGINT", onInterrupt);
      try {
        await import(pathToFileURL(path.resolve(script)).href);
      } finally {
        process.removeListener("SIGINT", onInterrupt);
      }
    });

  program
    .command("stack")
    .description("print the bucket and executor function of the deployed engine")
    .option("--stack-name <name>", "CloudFormation stack of the engine (default: Sparkfn or $SPARKFN_STACK_NAME)")
    .action(async (opts: { stackName?: string }) => {
      console.log(JSON.stringify(await discoverDeployment(opts.stackName ? { stackName: opts.stackName } : {}), null, 2));
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    if (!interrupted) return 0;
  } catch (error) {
    console.error(`sparkfn: ${error instanceof Error ? error.message : String(error)}`);
    if (!interrupted) return 1;
  }
  await interrupted;
  return EXIT_INTERRUPTED;
}
