/**
 * The `sparkfn` command line:
 *   sparkfn submit job.ts [--master M] [--conf k=v ...]   run a job script, as spark-submit does
 *   sparkfn stack                                         show the deployed engine the driver finds
 *   sparkfn report <eventlog> [-o report.html]            write an event log's HTML report
 *   sparkfn local up|down|status|env                      the local AWS emulator (driver/local/)
 *   sparkfn deploy [--local] [cdk args...]                deploy this folder's CDK app (driver/deploy/)
 *   sparkfn init <dir>                                    create a project (driver/init/)
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { discoverDeployment } from "./deployment.ts";
import { deployCommand } from "./deploy/command.ts";
import { initCommand } from "./init/command.ts";
import { localCommand } from "./local/command.ts";
import { jobStatus, sendJob } from "./batch/jobs-cli.ts";
import { setLaunchDefaults, stopActiveSession } from "./session.ts";
import { setConsoleProgressDefault } from "./monitoring/progress.ts";
import { writeReport } from "./monitoring/report/index.ts";
import { SPARKFN_VERSION } from "./version.ts";

/** Exit status after Ctrl-C, as shells report a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** Set once Ctrl-C was pressed during `submit`: resolves when the session has stopped and cleaned up. */
let interrupted: Promise<void> | undefined;

/**
 * Ctrl-C: stop launching tasks, abandon running Lambda invocations (local[N] tasks finish),
 * delete the app's scratch data, exit
 * 130. A second Ctrl-C exits at once (the bucket's lifecycle rule catches what is left).
 */
function onInterrupt(): void {
  console.error("sparkfn: interrupted; stopping the session (no new tasks start, running Lambda invocations are abandoned, scratch data is deleted). Press Ctrl-C again to exit at once.");
  process.once("SIGINT", () => process.exit(EXIT_INTERRUPTED));
  interrupted = stopActiveSession().finally(() => {
    // Also when the script's top level had already ended (work it did not await was running).
    process.exitCode = EXIT_INTERRUPTED;
  });
}

/**
 * The script's top level ended. Work it started without awaiting may still use its sessions,
 * so they are stopped once nothing is left to run (the event loop is empty); a script that
 * forgot stop() still gets its scratch data deleted. Ctrl-C stops them until then.
 */
function stopSessionsWhenIdle(): void {
  process.once("beforeExit", () => {
    process.removeListener("SIGINT", onInterrupt);
    if (interrupted) return;
    stopActiveSession().catch((error: unknown) => {
      console.error(`sparkfn: could not stop the session: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
  });
}

function confPair(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

export function buildCli(): Command {
  const program = new Command("sparkfn").description("Spark-style jobs on AWS Lambda").version(SPARKFN_VERSION, "-V, --version", "print sparkfn's version").showHelpAfterError();

  program
    .command("submit")
    .description("run a job script; its SparkSession.builder().getOrCreate() picks up --master and --conf")
    .argument("<script>", "the job, a .ts or .js module that builds its own session")
    .option("--master <master>", "local[N], local[*] or lambda")
    .option("--conf <key=value>", "a configuration setting (repeatable)", confPair, [])
    .action(async (script: string, opts: { master?: string; conf: [string, string][] }) => {
      // As spark-submit with a history server in mind: keep an event log unless told otherwise.
      setLaunchDefaults([["spark.eventLog.enabled", "true"], ...(opts.master ? [["spark.master", opts.master] as [string, string]] : []), ...opts.conf]);
      // Stage progress and each job's cost on stderr, unless spark.ui.showConsoleProgress=false.
      setConsoleProgressDefault(true);
      process.once("SIGINT", onInterrupt);
      try {
        await import(pathToFileURL(path.resolve(script)).href);
      } catch (error) {
        // The script failed: stop every session it left open (running jobs are cancelled, scratch data deleted).
        process.removeListener("SIGINT", onInterrupt);
        if (!interrupted) await stopActiveSession().catch((stopError: unknown) => console.error(`sparkfn: could not stop the session: ${stopError instanceof Error ? stopError.message : String(stopError)}`));
        throw error;
      }
      stopSessionsWhenIdle();
    });

  const jobs = program.command("jobs").description("batch jobs run by the deployed driver function, started through its queue");
  jobs
    .command("send")
    .description("send a job message to the queue; prints the message id and the run id")
    .argument("<name>", "a job of the deployed registry (e.g. daily-sales)")
    .option("--args <json>", "the job's arguments as a JSON object", "{}")
    .option("--run-id <id>", "idempotency key: a run id that already succeeded is not run again (default: a new id)")
    .option("--stack-name <name>", "CloudFormation stack of the engine")
    .action(async (name: string, opts: { args: string; runId?: string; stackName?: string }) => {
      console.log(JSON.stringify(await sendJob(name, opts.args, opts.runId, opts.stackName)));
    });
  jobs
    .command("status")
    .description("print a run's status (running, succeeded or failed)")
    .argument("<runId>", "the run id printed by `jobs send`")
    .option("--stack-name <name>", "CloudFormation stack of the engine")
    .action(async (runId: string, opts: { stackName?: string }) => {
      const status = await jobStatus(runId, opts.stackName);
      if (!status) throw new Error(`No run "${runId}" (no status marker yet: the message may still be queued).`);
      console.log(JSON.stringify(status, null, 2));
    });

  program
    .command("report")
    .description("write one self-contained HTML page (jobs, stage DAGs, task timelines, histograms, cost) from an event log")
    .argument("<eventlog>", "the event log: a .jsonl path, file:// URI, or s3:// prefix of its segments (sparkfn submit prints where it wrote it)")
    .option("-o, --output <file>", "the HTML file to write (default: <log name>.html in the current folder)")
    .action(async (eventLog: string, opts: { output?: string }) => {
      // An S3 log is a prefix of segments (s3://bucket/spark-events/<appId>/): name the page after it.
      const name = (eventLog.replace(/\/+$/, "").split("/").pop() || "report").replace(/\.jsonl?$/, "");
      const written = await writeReport(eventLog, opts.output ?? `${name}.html`);
      if (written.invalidLines) console.error(`sparkfn: ${written.invalidLines} line(s) of ${eventLog} are not valid events; the report leaves them out.`);
      console.log(`Report of ${written.events} events written to ${written.path}`);
    });

  program
    .command("stack")
    .description("print the bucket and executor function of the deployed engine")
    .option("--stack-name <name>", "CloudFormation stack of the engine (default: Sparkfn or $SPARKFN_STACK_NAME)")
    .action(async (opts: { stackName?: string }) => {
      console.log(JSON.stringify(await discoverDeployment(opts.stackName ? { stackName: opts.stackName } : {}), null, 2));
    });

  program.addCommand(localCommand());
  program.addCommand(deployCommand());
  program.addCommand(initCommand());
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
