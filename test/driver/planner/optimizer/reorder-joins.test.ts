/**
 * ReorderJoins (and PushFiltersThroughProject, which brings a subquery's WHERE down to its
 * joins): a comma join whose written order is a cross product becomes a left-deep chain of
 * keyed joins, the largest input first and each next input the smallest one connected by an
 * equality; its answer is the nested-loop answer computed in plain JavaScript. A tree whose
 * joins all have keys keeps the order it was written in; inputs no equality connects still
 * meet (as one cross product) and give the right rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../../../driver/index.ts";
import { seededRandom } from "../../../../shared/random.ts";
import { optimizedPlan } from "../../../support/optimized-plan.ts";

let spark: SparkSession;
const random = seededRandom(23);
const int = (n: number) => Math.floor(random() * n);
const region = Array.from({ length: 3 }, (_, r) => ({ r_key: r, r_name: `r${r}` }));
const nation = Array.from({ length: 12 }, (_, n) => ({ n_key: n, n_region: n % 3 }));
const supplier = Array.from({ length: 40 }, (_, s) => ({ s_key: s, s_nation: int(12) }));
const sales = Array.from({ length: 1500 }, (_, id) => ({ id, supp: int(45), qty: int(20) }));

beforeAll(async () => {
  spark = await SparkSession.builder().appName("reorder-joins").master("local[2]").config("spark.sql.shuffle.partitions", 3).getOrCreate();
  spark.createDataFrame(region, "r_key INT, r_name STRING").createOrReplaceTempView("region");
  spark.createDataFrame(nation, "n_key INT, n_region INT").createOrReplaceTempView("nation");
  spark.createDataFrame(supplier, "s_key INT, s_nation INT").createOrReplaceTempView("supplier");
  spark.createDataFrame(sales, "id INT, supp INT, qty INT").createOrReplaceTempView("sales");
});
afterAll(async () => {
  await spark?.stop();
});

const optimized = (sql: string) => optimizedPlan(spark, sql);

const QUERY = `SELECT r_name, sum(qty) AS total FROM sales, region, nation, supplier
  WHERE n_region = r_key AND s_nation = n_key AND supp = s_key AND qty > 2 GROUP BY r_name ORDER BY r_name`;

describe("reordering a comma join", () => {
  it("gives the nested-loop answer", async () => {
    const totals = new Map<string, number>();
    for (const r of region) for (const n of nation) for (const s of supplier) for (const x of sales) {
      if (n.n_region === r.r_key && s.s_nation === n.n_key && x.supp === s.s_key && x.qty > 2) totals.set(r.r_name, (totals.get(r.r_name) ?? 0) + x.qty);
    }
    const want = [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([r_name, total]) => ({ r_name, total }));
    expect(want.length).toBe(3);
    expect(await spark.sql(QUERY).collect()).toEqual(want);
  });

  it("starts from the first table named and joins each next one on a key: no join without keys is left", async () => {
    // Written: sales, region, nation, supplier (sales × region is a cross product); planned: sales, supplier, nation, region.
    const plan = await optimized(QUERY);
    const joins = [...plan.matchAll(/Join inner \[([^\]]*)\]/g)].map((m) => m[1]);
    expect(joins).toEqual(["n_region = r_key", "s_nation = n_key", "supp = s_key"]);
    expect(plan).not.toMatch(/Join inner \[\]/);
  });

  it("keeps an order whose joins all have keys (a DataFrame program's), and meets unconnected inputs once", async () => {
    const written = await optimized("SELECT id FROM sales JOIN supplier ON supp = s_key JOIN nation ON s_nation = n_key");
    expect([...written.matchAll(/Join inner \[([^\]]*)\]/g)].map((m) => m[1])).toEqual(["s_nation = n_key", "supp = s_key"]);
    const got = await spark.sql("SELECT count(*) AS n FROM region, nation, supplier WHERE s_nation = n_key").collect();
    expect(got).toEqual([{ n: region.length * supplier.length }]);
  });
});
