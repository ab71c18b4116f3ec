/**
 * npm packages in shipped functions (sc.addModule), run per master: the package's answers on
 * the executors equal the same package called here in the test process.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, udf } from "sparkfn";

const stringWidth = createRequire(import.meta.url)("string-width") as (s: string) => number;
const words = ["plain", "😀 emoji", "全角文字", "\u001b[31mred\u001b[0m", ""];

export function defineModuleChecks(master: string): void {
  describe(`npm packages in shipped functions on ${master}`, () => {
    let spark: SparkSession;
    beforeAll(async () => {
      spark = await SparkSession.builder().appName("modules").master(master).getOrCreate();
    });
    afterAll(() => spark?.stop());

    it("bundles a package once and calls it in RDD functions, UDFs and the driver's final merge", async () => {
      const sc = spark.sparkContext;
      const width = await sc.addModule("string-width");
      const mapped = await sc.parallelize(words, 3).map((s: string, { width }) => [s, width(s)], { width }).collect();
      expect(mapped).toEqual(words.map((s) => [s, stringWidth(s)]));
      const total = await sc.parallelize(words, 3).map((s: string, { width }) => width(s), { width }).reduce((a: number, b: number, { width }) => a + b + width(""), { width });
      expect(total).toBe(words.reduce((t, s) => t + stringWidth(s), 0));
      const widthOf = udf((s: string | null, env: { width: (s: string) => number }) => (s === null ? null : env.width(s)), "int", { width });
      const rows = await spark.createDataFrame(words.map((s) => ({ s }))).select(col("s"), widthOf(col("s")).alias("w")).collect();
      expect(rows).toEqual(words.map((s) => ({ s, w: stringWidth(s) })));
    });

    it("says how to install a package it cannot bundle", async () => {
      await expect(spark.sparkContext.addModule("sparkfn-no-such-package")).rejects.toThrow(/cannot bundle it .*Could not resolve "sparkfn-no-such-package".*npm install/);
    });
  });
}
