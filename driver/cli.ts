/**
 * The `sparkfn` command line. Commands:
 *   sparkfn stack                         show the deployed engine the driver finds
 *   sparkfn group-sum <input> --group-by C --sum C [--where "amount > 1000"]
 */
import { Command, InvalidArgumentError } from "commander";
import { connectLambda } from "./connect.ts";
import { discoverDeployment } from "./deployment.ts";
import { formatTable } from "./format/table.ts";
import { runGroupedSum } from "./jobs/grouped-sum.ts";
import { parsePredicate } from "./jobs/parse-predicate.ts";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

export function buildCli(): Command {
  const program = new Command("sparkfn")
    .description("Spark-style jobs on AWS Lambda")
    .option("--stack-name <name>", "CloudFormation stack of the engine (default: Sparkfn or $SPARKFN_STACK_NAME)")
    .showHelpAfterError();

  program
    .command("stack")
    .description("print the bucket and executor function of the deployed engine")
    .action(async () => {
      const deployment = await discoverDeployment({ stackName: program.opts().stackName });
      console.log(JSON.stringify(deployment, null, 2));
    });

  program
    .command("group-sum")
    .description("filter, group and sum CSV objects under an s3:// prefix on the executor functions")
    .argument("<input>", "s3://bucket/prefix/ or s3://bucket/key.csv (CSV with a header line)")
    .requiredOption("--group-by <column>", "column to group by")
    .requiredOption("--sum <column>", "numeric column to sum")
    .option("--where <condition>", 'keep rows matching one comparison, e.g. "amount > 1000"', parsePredicate)
    .option("--max-concurrency <n>", "most concurrent invocations", positiveInt, 100)
    .action(async (input: string, opts: { groupBy: string; sum: string; where?: ReturnType<typeof parsePredicate>; maxConcurrency: number }) => {
      const connection = await connectLambda({ stackName: program.opts().stackName, maxConcurrency: opts.maxConcurrency });
      try {
        const { rows } = await runGroupedSum(connection, {
          input,
          groupBy: opts.groupBy,
          sum: opts.sum,
          ...(opts.where ? { filter: opts.where } : {}),
          maxConcurrency: opts.maxConcurrency,
        });
        rows.sort((a, b) => b.sum - a.sum);
        console.log(formatTable([opts.groupBy, `sum(${opts.sum})`, "count"], rows.map((r) => [r.key, r.sum.toFixed(2), r.count])));
      } finally {
        await connection.close();
      }
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return 0;
  } catch (error) {
    console.error(`sparkfn: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
