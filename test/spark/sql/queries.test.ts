/**
 * spark.sql over temporary views against real Spark 4: the same tables registered on both
 * sides, each query run by Spark's spark.sql and sparkfn's; columns (names and types) and rows
 * must agree, in order where the query's ORDER BY fixes it. The corpus: select lists with
 * expressions and aliases, `*` and `t.*`, WHERE, every join form (ON, USING, comma joins,
 * table aliases, self-joins), GROUP BY (expressions, ordinals) with HAVING and ORDER BY over
 * aggregates the list lacks, DISTINCT, LIMIT, UNION/INTERSECT/EXCEPT (ALL and DISTINCT),
 * CTEs that read each other, subqueries in FROM, EXISTS / IN / NOT IN subqueries (correlated or
 * not; NOT IN over a null) and scalar subqueries, SELECT without FROM, and Spark's refusals.
 */
import { describe, expect, it } from "vitest";
import type { Value } from "../../../shared/plan/types.ts";
import { expectSameRows, useChainDifferential } from "../../support/chain-differential.ts";

const TX = {
  schema: "id INT, category STRING, amount DOUBLE, cust INT, day DATE",
  rows: [
    [1, "food", 10.5, 1, "2024-01-03"], [2, "toys", 20, 2, "2024-01-03"], [3, "food", 5, 1, "2024-01-04"], [4, "tech", null, 3, "2024-01-05"],
    [5, "toys", 7, 9, null], [6, null, 1.25, null, "2024-01-05"], [7, "food", 5, 2, "2024-01-06"], [8, "tech", 300, 1, "2024-01-06"],
  ] as Value[][],
};
const CUSTOMERS = { schema: "cust INT, tier STRING, name STRING", rows: [[1, "gold", "ann"], [2, "silver", "bob"], [3, "gold", "cat"], [4, null, "dan"]] as Value[][] };
const EMP = { schema: "id INT, name STRING, manager INT", rows: [[1, "ann", null], [2, "bob", 1], [3, "cat", 1], [4, "dan", 2]] as Value[][] };

/** [query, ordered]: ordered when its ORDER BY fixes the row order (compared in order). */
const QUERIES: [string, boolean][] = [
  ["SELECT 1 AS one, 'x' || 'y' AS s, 2 + 3 * 4", false],
  ["SELECT * FROM df WHERE amount > 6 ORDER BY id", true],
  ["SELECT id, amount * 2 AS twice, upper(category) FROM df WHERE category IS NOT NULL AND NOT amount < 5 ORDER BY twice DESC, id", true],
  ["SELECT category, sum(amount) AS total, count(*), count(amount), avg(amount) FROM df GROUP BY category", false],
  ["SELECT category, sum(amount) AS total FROM df GROUP BY category HAVING count(*) > 1 ORDER BY total DESC", true],
  ["SELECT category, max(amount) FROM df GROUP BY 1 ORDER BY sum(amount) DESC NULLS LAST, 1", true],
  ["SELECT cust, count(DISTINCT category) AS kinds, min(day), max(day) FROM df GROUP BY cust ORDER BY cust NULLS LAST", true],
  ["SELECT count(*) AS n, sum(amount) / count(amount) AS mean FROM df", false],
  ["SELECT year(day) * 100 + month(day) AS ym, count(*) FROM df GROUP BY year(day) * 100 + month(day) ORDER BY ym", true],
  ["SELECT d.id, c.tier FROM df d JOIN customers c ON d.cust = c.cust ORDER BY d.id", true],
  ["SELECT /*+ BROADCAST(c) */ d.id, c.tier FROM df d JOIN customers c ON d.cust = c.cust ORDER BY d.id", true],
  ["SELECT id, tier, name FROM df LEFT JOIN customers USING (cust) ORDER BY id", true],
  ["SELECT c.name, d.id FROM df AS d RIGHT OUTER JOIN customers AS c ON d.cust = c.cust ORDER BY c.name, d.id", true],
  ["SELECT c.name, d.id FROM df d FULL JOIN customers c ON d.cust = c.cust", false],
  ["SELECT id FROM df LEFT SEMI JOIN customers ON df.cust = customers.cust AND customers.tier = 'gold' ORDER BY id", true],
  ["SELECT id FROM df LEFT ANTI JOIN customers ON df.cust = customers.cust ORDER BY id", true],
  ["SELECT tier, count(*) AS n FROM df, customers WHERE df.cust = customers.cust GROUP BY tier ORDER BY tier", true],
  ["SELECT df.*, customers.tier FROM df CROSS JOIN customers WHERE customers.cust = 4 ORDER BY df.id", true],
  ["SELECT e.name, m.name AS boss FROM emp e LEFT JOIN emp m ON e.manager = m.id ORDER BY e.name", true],
  ["WITH big AS (SELECT * FROM df WHERE amount >= 10), counts AS (SELECT cust, count(*) AS n FROM big GROUP BY cust) SELECT * FROM counts ORDER BY cust", true],
  ["SELECT t.category, t.total FROM (SELECT category, sum(amount) AS total FROM df GROUP BY category) t WHERE t.total > 10 ORDER BY t.category", true],
  ["SELECT category FROM df UNION SELECT tier FROM customers ORDER BY 1", true],
  ["SELECT cust FROM df UNION ALL SELECT cust FROM customers", false],
  ["SELECT cust FROM df INTERSECT SELECT cust FROM customers", false],
  ["SELECT cust FROM df EXCEPT SELECT cust FROM customers", false],
  ["SELECT cust FROM df EXCEPT ALL SELECT cust FROM customers", false],
  ["SELECT cust FROM df INTERSECT ALL SELECT cust FROM df WHERE id > 2", false],
  ["SELECT DISTINCT category FROM df ORDER BY category NULLS LAST LIMIT 2", true],
  ["SELECT id FROM df ORDER BY amount DESC NULLS LAST, id LIMIT 3", true],
  ["SELECT id, CASE WHEN amount > 10 THEN 'big' WHEN amount IS NULL THEN 'none' ELSE 'small' END AS size FROM df ORDER BY id", true],
  ["SELECT category, count(*) FROM df WHERE day BETWEEN date '2024-01-04' AND date '2024-01-06' GROUP BY category", false],
  ["SELECT id FROM df WHERE category IN ('food', 'tech') AND cust NOT IN (3) ORDER BY id", true],
  ["select Category, SUM(Amount) total from DF group by CATEGORY order by total", true],
  ["SELECT id FROM df ORDER BY category, id DESC", true],
  // subqueries: EXISTS and IN, correlated or not, NOT IN's null semantics, scalar subqueries
  ["SELECT c.name FROM customers c WHERE EXISTS (SELECT * FROM df WHERE df.cust = c.cust AND df.amount > 8) ORDER BY c.name", true],
  ["SELECT c.name FROM customers c WHERE NOT EXISTS (SELECT * FROM df WHERE df.cust = c.cust) ORDER BY c.name", true],
  ["SELECT id FROM df WHERE cust IN (SELECT cust FROM customers WHERE tier = 'gold') ORDER BY id", true],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT cust FROM customers WHERE tier = 'gold') ORDER BY id", true],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT cust FROM df WHERE id > 4) ORDER BY id", true],
  ["SELECT name FROM customers WHERE cust NOT IN (SELECT manager FROM emp) ORDER BY name", true],
  ["SELECT id FROM df WHERE cust IN (SELECT max(cust) FROM customers) ORDER BY id", true],
  ["SELECT id, amount FROM df WHERE amount > (SELECT avg(amount) FROM df) ORDER BY id", true],
  ["SELECT id, amount - (SELECT min(amount) FROM df) AS above FROM df WHERE category = 'food' ORDER BY id", true],
  ["SELECT * FROM df WHERE id < (SELECT count(*) FROM customers) ORDER BY id", true],
  ["SELECT e.name FROM emp e WHERE EXISTS (SELECT * FROM emp r WHERE r.manager = e.id) AND e.id > 1", false],
  // refused as Spark refuses them
  ["SELECT * FROM nosuch", false],
  ["SELECT name FROM df JOIN customers ON df.cust = customers.cust JOIN emp ON emp.id = df.id", false],
  ["SELECT category, amount FROM df GROUP BY category", false],
  ["SELECT FROM df", false],
];

describe("spark.sql against Spark", () => {
  const d = useChainDifferential("spark-sql-queries", { df: TX, customers: CUSTOMERS, emp: EMP });
  it("answers the query corpus as Spark does", async () => {
    for (const name of ["df", "customers", "emp"]) d.frames[name]!.createOrReplaceTempView(name);
    for (const [text, ordered] of QUERIES) {
      const expected = await d.sparkAnswer([["$sql", [text]]]);
      let built;
      try {
        built = d.spark().sql(text);
      } catch (error) {
        built = { kind: "refused" as const, message: (error as Error).message };
      }
      const got = "kind" in built ? built : await d.sparkfnAnswer(built);
      if (expected.kind === "refused" || got.kind === "refused") {
        const said = (x: typeof got) => (x.kind === "refused" ? `refused: ${x.message.split("\n")[0]}` : `answered ${x.rows.length} rows`);
        expect(got.kind, `${text}\nSpark ${said(expected)}\nsparkfn ${said(got)}`).toBe(expected.kind);
        continue;
      }
      expect(got.columns, text).toEqual(expected.columns);
      expectSameRows(expected.rows, got.rows, ordered, text);
    }
  });
});
