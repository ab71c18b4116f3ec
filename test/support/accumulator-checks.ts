/**
 * Accumulators count each task once, whatever happens to its attempts: defined once and run
 * per master (test/driver/rdd-accumulators.test.ts, test/integration/rdd-accumulators-lambda.test.ts).
 * Expected totals are computed here in plain JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession, type SparkfnEvent } from "sparkfn";

const N = 400;
const data = Array.from({ length: N }, (_, i) => i + 1);
const total = data.reduce((a, b) => a + b, 0);

export function defineAccumulatorChecks(master: string): void {
  describe(`accumulators on ${master}`, () => {
    let spark: SparkSession;
    let events: SparkfnEvent[] = [];
    beforeAll(async () => {
      spark = await SparkSession.builder().appName("accumulators").master(master).getOrCreate();
      spark.addListener({ onEvent: (e) => void events.push(e) });
    });
    afterAll(() => spark?.stop());

    const withFaults = async <T>(faults: object[], run: () => Promise<T>): Promise<T> => {
      events = [];
      spark.conf.set("sparkfn.test.faults", JSON.stringify(faults));
      try {
        return await run();
      } finally {
        spark.conf.set("sparkfn.test.faults", "[]");
      }
    };
    const attempts = (stageId: number, partition: number) =>
      events.filter((e) => e.event === "TaskEnd" && e.stageId === stageId && e.partition === partition).length;

    it("counts a task once when an attempt ran, added, and then failed", async () => {
      const sc = spark.sparkContext;
      const sum = sc.accumulator(0);
      const seen = sc.collectionAccumulator<number>();
      // Partition 1's first attempt runs the function over all its elements, then its answer is lost.
      await withFaults([{ stage: 0, partition: 1, attempt: 0, kind: "failAfterRun" }], () =>
        sc.parallelize(data, 4).foreach((x, { sum, seen }) => {
          sum.add(x);
          seen.add(x);
        }, { sum, seen }),
      );
      expect(attempts(0, 1)).toBe(2);
      expect(sum.value).toBe(total);
      expect([...seen.value].sort((a, b) => a - b)).toEqual(data);
    });

    it("counts a map task once when its lost output is recomputed", async () => {
      const sc = spark.sparkContext;
      const mapped = sc.accumulator(0);
      // Map task 2 succeeds, but its shuffle output vanishes: the reducers' fetch fails and it runs again.
      const counts = await withFaults([{ stage: 0, partition: 2, attempt: 0, kind: "loseOutput" }], () =>
        sc
          .parallelize(data, 4)
          .map((x, { mapped }) => {
            mapped.add(1);
            return [x % 7, 1] as [number, number];
          }, { mapped })
          .reduceByKey((a, b) => a + b)
          .collectAsMap(),
      );
      expect(events.some((e) => e.event === "StageSubmitted" && e.pass === "recompute")).toBe(true);
      expect(attempts(0, 2)).toBeGreaterThanOrEqual(2);
      expect(mapped.value).toBe(N);
      const expected = new Map<number, number>();
      for (const x of data) expected.set(x % 7, (expected.get(x % 7) ?? 0) + 1);
      expect(new Map([...counts].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...expected].sort((a, b) => a[0] - b[0])));
    });

    it("counts a straggler once when a speculative copy also ran", async () => {
      const sc = spark.sparkContext;
      const acc = sc.accumulator(0);
      spark.conf.set("spark.speculation", "true");
      spark.conf.set("spark.speculation.minTaskRuntime", "50ms");
      try {
        // Partition 3's first attempt starts 8 s late; a speculative copy finishes first.
        await withFaults([{ stage: 0, partition: 3, attempt: 0, kind: "slow" }], () =>
          sc.parallelize(data, 4).foreach((x, { acc }) => acc.add(x), { acc }),
        );
      } finally {
        spark.conf.set("spark.speculation", "false");
      }
      expect(events.some((e) => e.event === "TaskStart" && e.stageId === 0 && e.partition === 3 && e.speculative)).toBe(true);
      expect(acc.value).toBe(total);
    });
  });
}
