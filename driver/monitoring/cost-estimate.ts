/**
 * What a run would cost on AWS, from its events: Lambda compute (GB-seconds: each task
 * attempt's duration × the function's memory) and requests (one per attempt, failed,
 * abandoned and speculative ones included), and S3 requests reported by the tasks.
 * On the emulator or the local master it is an estimate of the same run on AWS.
 *
 * PRICES: us-east-1 list prices as of 2026-11 (Lambda x86_64 $0.0000166667 per GB-second
 * and $0.20 per million requests; arm64 is about 20% cheaper per GB-second; S3 Standard
 * $0.005 per 1,000 PUT, COPY, POST or LIST and $0.0004 per 1,000 GET and other requests).
 * Pass your own table to override them. Free tiers are not deducted.
 */
import type { SparkfnEvent } from "./events.ts";

export interface PriceTable {
  readonly lambdaPerGbSecond: number;
  readonly lambdaPerRequest: number;
  readonly s3PerPut: number;
  readonly s3PerGet: number;
}

export const DEFAULT_PRICES: PriceTable = {
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerRequest: 0.2 / 1_000_000,
  s3PerPut: 0.005 / 1000,
  s3PerGet: 0.0004 / 1000,
};

export interface CostEstimate {
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly s3Puts: number;
  readonly s3Gets: number;
  readonly lambdaUsd: number;
  readonly s3Usd: number;
  readonly totalUsd: number;
}

/** Sums the task attempts among `events` (one job's, or a whole application's). */
export function estimateCost(events: readonly SparkfnEvent[], memoryMiB: number, prices: PriceTable = DEFAULT_PRICES): CostEstimate {
  let invocations = 0;
  let seconds = 0;
  let puts = 0;
  let gets = 0;
  for (const e of events) {
    if (e.event !== "TaskEnd") continue;
    invocations++;
    seconds += e.durationMs / 1000;
    if (e.metrics) {
      // PUT, COPY, POST and LIST are the dearer class; GET and HEAD the cheaper one.
      puts += e.metrics.requests.put + e.metrics.requests.list;
      gets += e.metrics.requests.get + e.metrics.requests.head;
    }
  }
  const gbSeconds = seconds * (memoryMiB / 1024);
  const lambdaUsd = gbSeconds * prices.lambdaPerGbSecond + invocations * prices.lambdaPerRequest;
  const s3Usd = puts * prices.s3PerPut + gets * prices.s3PerGet;
  return { invocations, gbSeconds, s3Puts: puts, s3Gets: gets, lambdaUsd, s3Usd, totalUsd: lambdaUsd + s3Usd };
}

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;

export function formatCost(cost: CostEstimate, onAws: boolean): string {
  const what = onAws ? "Estimated cost" : "Estimated cost of the same run on AWS";
  return (
    `${what} (Lambda + S3, us-east-1 list prices): ${usd(cost.totalUsd)} — ` +
    `${cost.gbSeconds.toFixed(2)} GB-s and ${cost.invocations} invocation(s) (${usd(cost.lambdaUsd)}), ` +
    `${cost.s3Puts} PUT/LIST and ${cost.s3Gets} GET/HEAD (${usd(cost.s3Usd)})`
  );
}
