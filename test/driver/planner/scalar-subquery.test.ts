/**
 * Aggregate scalar subqueries through spark.sql on local[2] (driver/planner/scalar-subquery.ts):
 * correlated ones (the subquery's WHERE equates its columns with the outer query's) and
 * uncorrelated ones, in WHERE, the select list and HAVING, nested in an IN subquery as TPC-H
 * Q20 does; each answer is the same computation in plain JavaScript. Counts over no rows are 0,
 * other aggregates null; a correlated predicate other than an equality goes through the outer
 * values' domain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../../driver/index.ts";
import { seededRandom } from "../../../shared/random.ts";

let spark: SparkSession;
const random = seededRandom(17);
const orders = Array.from({ length: 300 }, (_, id) => ({ id, cust: Math.floor(random() * 40), amount: random() < 0.1 ? null : Math.round(random() * 1000) / 10 }));
const customers = Array.from({ length: 50 }, (_, cust) => ({ cust, region: cust % 4 }));

beforeAll(async () => {
  spark = await SparkSession.builder().appName("scalar-subquery").master("local[2]").config("spark.sql.shuffle.partitions", 3).getOrCreate();
  spark.createDataFrame(orders, "id INT, cust INT, amount DOUBLE").createOrReplaceTempView("orders");
  spark.createDataFrame(customers, "cust INT, region INT").createOrReplaceTempView("customers");
});
afterAll(async () => {
  await spark?.stop();
});

const of = (cust: number) => orders.filter((o) => o.cust === cust);
const amounts = (rows: typeof orders) => rows.map((o) => o.amount).filter((a): a is number => a !== null);
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

describe("correlated scalar subqueries", () => {
  it("compare each row with an aggregate of its own group (outer and inner read the same table)", async () => {
    const got = await spark.sql("SELECT id, amount FROM orders o WHERE amount > (SELECT avg(amount) FROM orders WHERE cust = o.cust) ORDER BY id").collect();
    const want = orders.filter((o) => o.amount !== null && o.amount > (avg(amounts(of(o.cust))) ?? Infinity)).map(({ id, amount }) => ({ id, amount })).sort(byId);
    expect(want.length).toBeGreaterThan(50);
    expect(got).toEqual(want);
  });

  it("give 0 for a count and null for other aggregates where no inner row matches", async () => {
    const got = await spark.sql("SELECT c.cust, (SELECT count(*) FROM orders o WHERE o.cust = c.cust) AS n, (SELECT max(amount) FROM orders o WHERE o.cust = c.cust) AS top FROM customers c ORDER BY c.cust").collect();
    const want = customers.map(({ cust }) => {
      const xs = amounts(of(cust));
      return { cust, n: of(cust).length, top: xs.length ? Math.max(...xs) : null };
    });
    expect(want.some((w) => w.n === 0)).toBe(true);
    expect(got).toEqual(want);
  });

  it("run inside an IN subquery's WHERE (TPC-H Q20's shape), with an inner filter beside the correlation", async () => {
    const got = await spark.sql(
      "SELECT cust FROM customers WHERE cust IN (SELECT c2.cust FROM customers c2 WHERE c2.region = 1 AND 3 < (SELECT count(*) FROM orders WHERE orders.cust = c2.cust AND amount > 20)) ORDER BY cust",
    ).collect();
    const want = customers.filter((c) => c.region === 1 && of(c.cust).filter((o) => o.amount !== null && o.amount > 20).length > 3).map(({ cust }) => ({ cust }));
    expect(want.length).toBeGreaterThan(2);
    expect(got).toEqual(want);
  });

  it("correlate by a predicate other than an equality through the outer values' domain, 0 for a count of nothing", async () => {
    const got = await spark.sql("SELECT id FROM orders o WHERE amount > (SELECT avg(amount) FROM orders i WHERE i.id < o.id AND i.cust = o.cust) ORDER BY id").collect();
    const before = (o: (typeof orders)[number]) => orders.filter((i) => i.id < o.id && i.cust === o.cust);
    const want = orders.filter((o) => o.amount !== null && o.amount > (avg(amounts(before(o))) ?? Infinity)).map(({ id }) => ({ id }));
    expect(want.length).toBeGreaterThan(30);
    expect(got).toEqual(want);
    const counts = await spark.sql("SELECT c.cust, (SELECT count(*) FROM orders o WHERE o.cust > c.cust + 35) AS n FROM customers c ORDER BY c.cust").collect();
    expect(counts).toEqual(customers.map(({ cust }) => ({ cust, n: orders.filter((o) => o.cust > cust + 35).length })));
    expect(counts.filter((r) => r.n === 0).length).toBeGreaterThan(5);
  });
});

describe("uncorrelated scalar subqueries", () => {
  it("in WHERE and in HAVING (TPC-H Q11's shape: a share of the total)", async () => {
    const total = amounts(orders).reduce((a, b) => a + b, 0);
    const where = await spark.sql("SELECT id FROM orders WHERE amount > (SELECT avg(amount) * 1.5 FROM orders) ORDER BY id").collect();
    expect(where).toEqual(orders.filter((o) => o.amount !== null && o.amount > avg(amounts(orders))! * 1.5).map(({ id }) => ({ id })));
    const having = await spark.sql("SELECT cust, sum(amount) AS s FROM orders GROUP BY cust HAVING sum(amount) > (SELECT sum(amount) * 0.03 FROM orders) ORDER BY cust").collect();
    const sums = [...new Set(orders.map((o) => o.cust))].sort((a, b) => a - b).map((cust) => ({ cust, s: amounts(of(cust)).reduce((a, b) => a + b, 0) }));
    const want = sums.filter((g) => g.s > total * 0.03);
    expect(want.length).toBeGreaterThan(3);
    expect(having.map((r) => r.cust)).toEqual(want.map((w) => w.cust));
    having.forEach((r, i) => expect(r.s).toBeCloseTo(want[i]!.s, 6));
  });
});
