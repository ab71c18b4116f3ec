/**
 * PushLeftSemiLeftAntiThroughJoin: `x IN (SELECT ...)` and `NOT EXISTS (...)` over a join of
 * three tables (TPC-H Q18's shape) move onto the table they read, below the inner joins; the
 * answers are the nested-loop answers computed in plain JavaScript, and the plan shows where the
 * semi and anti joins went.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../../../driver/index.ts";
import { seededRandom } from "../../../../shared/random.ts";
import { optimizedPlan } from "../../../support/optimized-plan.ts";

let spark: SparkSession;
const random = seededRandom(41);
const int = (n: number) => Math.floor(random() * n);
const customer = Array.from({ length: 30 }, (_, c) => ({ c_key: c, c_name: `c${c}` }));
const orders = Array.from({ length: 200 }, (_, o) => ({ o_key: o, o_cust: int(35) }));
const items = Array.from({ length: 900 }, () => ({ l_order: int(210), l_qty: 1 + int(50) }));

beforeAll(async () => {
  spark = await SparkSession.builder().appName("push-semi-join").master("local[2]").config("spark.sql.shuffle.partitions", 3).getOrCreate();
  spark.createDataFrame(customer, "c_key INT, c_name STRING").createOrReplaceTempView("customer");
  spark.createDataFrame(orders, "o_key INT, o_cust INT").createOrReplaceTempView("orders");
  spark.createDataFrame(items, "l_order INT, l_qty INT").createOrReplaceTempView("items");
});
afterAll(async () => {
  await spark?.stop();
});

const optimized = (sql: string) => optimizedPlan(spark, sql);

/** Orders whose items add up to more than 100 (Q18's subquery). */
const big = new Set([...items.reduce((m, i) => m.set(i.l_order, (m.get(i.l_order) ?? 0) + i.l_qty), new Map<number, number>())].filter(([, q]) => q > 100).map(([o]) => o));

const IN_QUERY = `SELECT c_name, o_key, sum(l_qty) AS qty FROM customer, orders, items
  WHERE o_key IN (SELECT l_order FROM items GROUP BY l_order HAVING sum(l_qty) > 100) AND c_key = o_cust AND o_key = l_order
  GROUP BY c_name, o_key ORDER BY o_key`;
const NOT_EXISTS = `SELECT c_name, o_key FROM customer JOIN orders ON c_key = o_cust
  WHERE NOT EXISTS (SELECT 1 FROM items WHERE l_order = o_key) ORDER BY o_key`;

describe("pushing a semi or anti join through inner joins", () => {
  it("gives the nested-loop answers", async () => {
    const want: { c_name: string; o_key: number; qty: number }[] = [];
    for (const o of orders) {
      const c = customer.find((x) => x.c_key === o.o_cust);
      const qty = items.filter((i) => i.l_order === o.o_key).reduce((a, i) => a + i.l_qty, 0);
      if (c && big.has(o.o_key)) want.push({ c_name: c.c_name, o_key: o.o_key, qty });
    }
    expect(want.length).toBeGreaterThan(5);
    expect(await spark.sql(IN_QUERY).collect()).toEqual(want);

    const lonely = orders.filter((o) => customer.some((c) => c.c_key === o.o_cust) && !items.some((i) => i.l_order === o.o_key));
    expect(lonely.length).toBeGreaterThan(0);
    expect(await spark.sql(NOT_EXISTS).collect()).toEqual(lonely.map((o) => ({ c_name: `c${o.o_cust}`, o_key: o.o_key })));
  });

  it("joins the subquery to the table it reads, below the other joins", async () => {
    for (const [sql, how] of [[IN_QUERY, "semi"], [NOT_EXISTS, "anti"]] as const) {
      const lines = (await optimized(sql)).split("\n");
      const semi = lines.findIndex((l) => l.includes(`Join ${how}`));
      expect(semi, `${how} in\n${lines.join("\n")}`).toBeGreaterThan(0);
      // Every inner join is above it, and its first input (the left side) is the orders relation.
      const inner = lines.map((l, i) => (l.includes("Join inner") ? i : -1)).filter((i) => i >= 0);
      expect(inner.length).toBeGreaterThan(0);
      expect(inner.every((i) => i < semi), lines.join("\n")).toBe(true);
      // Its left input (the next line, or the one after a pushed filter) is the orders relation.
      expect(lines.slice(semi + 1, semi + 3).join("\n"), lines.join("\n")).toContain("LocalRelation [o_key, o_cust]");
    }
  });
});
