/**
 * A larger spark.sql corpus against real Spark 4, in the manner of queries.test.ts: five small
 * temporary views registered on both sides (with nulls, duplicate rows, empty strings, negative
 * values, and one view with no rows at all), each statement run by Spark's spark.sql and by
 * sparkfn's; columns (names and types) and rows must agree, in order where the statement's
 * ORDER BY fixes it, and a statement Spark refuses (at analysis or while running) must be
 * refused by sparkfn too. One test per statement, so that every disagreement shows at once.
 *
 * The corpus: select lists, WHERE and three-valued logic, every join type, USING and comma
 * joins over three and four tables, GROUP BY / HAVING / ORDER BY / LIMIT / OFFSET / DISTINCT, set
 * operations, CTEs and subqueries in FROM, IN lists, IN / NOT IN / EXISTS subqueries (with
 * Spark's null semantics and over the empty view), scalar subqueries uncorrelated and
 * correlated (with the count-of-nothing case), nested subqueries as in TPC-H Q20, CASE, CAST
 * and TRY_CAST, typed literals, intervals and EXTRACT, SUBSTRING ... FROM ... FOR, pattern
 * predicates, window functions with frames, decimal literals against doubles, and refusals.
 *
 * The harness compares a timestamp column as collect() gives it (a Date) with Spark's
 * microseconds, and reads sparkfn's rows by column name, so no statement here outputs a
 * timestamp or an interval column (those values are cast to strings, or used in predicates
 * and functions) or two columns of one name (they are aliased apart).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Value } from "../../../shared/plan/types.ts";
import { expectSameRows, useChainDifferential, type ChainAnswer } from "../../support/chain-differential.ts";
import { SparkOther } from "../../support/spark-oracle.ts";

/** Orders (the oracle starts its chains from a table named df): a duplicate pair (7, 9), a null customer, a customer (9) with no row in customers. */
const ORDERS = {
  schema: "id INT, cust INT, product STRING, qty INT, amount DOUBLE, day DATE, note STRING",
  rows: [
    [1, 1, "apple", 3, 10.5, "2024-01-03", "first"],
    [2, 2, "pear", 1, 20, "2024-01-03", ""],
    [3, 1, "apple", 2, 5, "2024-01-04", null],
    [4, 3, "plum", null, null, "2024-01-05", "late"],
    [5, 9, "pear", 5, 7, null, "ghost"],
    [6, null, null, 1, 1.25, "2024-01-05", ""],
    [7, 2, "apple", 4, 5, "2024-01-06", "dup"],
    [8, 1, "fig", -2, -3.5, "2024-01-31", "refund"],
    [9, 2, "apple", 4, 5, "2024-01-06", "dup"],
    [10, 3, "fig", 1, 0.75, "2024-02-29", null],
    [11, 4, "kiwi", 0, 0, "2023-12-31", "zero"],
    [12, 1, "pear", 2, 300, "2024-03-15", "big"],
  ] as Value[][],
};
/** Customers: a wholly duplicated row (eve), a null key, a customer without orders (eve), an empty city, a negative credit. */
const CUSTOMERS = {
  schema: "cust INT, name STRING, tier STRING, city STRING, credit DOUBLE",
  rows: [
    [1, "ann", "gold", "Oslo", 100],
    [2, "bob", "silver", "Bergen", -20],
    [3, "cat", "gold", "", 0],
    [4, "dan", null, "Oslo", null],
    [5, "eve", "bronze", null, 50],
    [5, "eve", "bronze", null, 50],
    [null, "nil", "silver", "Oslo", 5],
  ] as Value[][],
};
/** Products: `rate` holds 0.07 and 0.05 as doubles (for decimal literals such as 0.06 + 0.01), an empty product name, a null category. */
const PRODUCTS = {
  schema: "product STRING, category STRING, price DOUBLE, stock INT, rate DOUBLE",
  rows: [
    ["apple", "fruit", 1.5, 10, 0.07],
    ["pear", "fruit", 2, 0, 0.05],
    ["plum", "fruit", null, 5, 0.07],
    ["fig", "dried", 4.25, -1, 0.1],
    ["kiwi", null, 0.5, null, null],
    ["nut", "dried", 3, 7, 0.03],
    ["", "misc", 0, 2, 0],
  ] as Value[][],
};
/** Employees: a manager (9) who is not an employee, a null manager, a null department and salary, tied salaries. */
const EMP = {
  schema: "id INT, name STRING, manager INT, dept STRING, salary INT",
  rows: [
    [1, "ann", null, "eng", 100],
    [2, "bob", 1, "eng", 80],
    [3, "cat", 1, "ops", 80],
    [4, "dan", 2, "eng", 60],
    [5, "eve", 2, null, null],
    [6, "fay", 9, "ops", 70],
    [7, "gus", 3, "ops", 70],
  ] as Value[][],
};
/** No rows at all: NOT IN over it is true even for a null, EXISTS over it false, aggregates over it one row of nulls and 0. */
const EMPTY = { schema: "id INT, cust INT, amount DOUBLE, day DATE, note STRING", rows: [] as Value[][] };

const TABLES = { df: ORDERS, customers: CUSTOMERS, products: PRODUCTS, emp: EMP, empty_orders: EMPTY };

/** [statement, ordered]: ordered when its ORDER BY fixes the row order (compared in order). */
const QUERIES: [string, boolean][] = [
  // select lists: expressions, aliases, *, t.*
  ["SELECT id, qty * 2 AS twice, amount + 1, -qty AS neg, product || '!' AS shout FROM df ORDER BY id", true],
  ["SELECT * FROM df ORDER BY id", true],
  ["SELECT *, amount * qty AS total FROM df ORDER BY id", true],
  ["SELECT c.*, 1 AS one FROM customers c ORDER BY c.name", true],
  ["SELECT d.*, p.category FROM df d JOIN products p ON d.product = p.product ORDER BY d.id", true],
  ["SELECT p.*, d.id FROM df d JOIN products p ON d.product = p.product WHERE d.qty > 2 ORDER BY d.id", true],
  ["SELECT id, amount / nullif(qty, 0) AS unit FROM df ORDER BY id", true],
  ["SELECT upper(product) AS p, length(note) AS len, coalesce(note, 'n/a') FROM df ORDER BY id", true],
  ["SELECT id, id % 5 AS m, id DIV 4 AS q FROM df ORDER BY id", true],
  ["SELECT 1 + 2 AS three, 'a' AS s, null AS n, true AND false AS f, 7 / 2 AS half", false],
  ["SELECT id AS `order id`, amount AS amt FROM df WHERE id < 4 ORDER BY `order id`", true],
  ["SELECT abs(amount), round(amount / 3, 2), floor(amount), ceil(amount) FROM df ORDER BY id", true],
  ["SELECT concat(name, '-', tier) AS label, lower(city), length(city) FROM customers ORDER BY name", true],
  ["SELECT id, amount * 1.5D AS scaled, salary FROM df, (SELECT max(salary) AS salary FROM emp) s ORDER BY id", true],
  ["SELECT name, salary, salary - 70 AS over70, salary * salary AS sq FROM emp ORDER BY id", true],
  ["SELECT df.id, customers.name FROM df, customers WHERE df.cust = customers.cust ORDER BY df.id, customers.name", true],
  ["SELECT id, qty, amount, qty + amount, qty * amount, qty - id FROM df ORDER BY id", true],
  ["SELECT name, cust IS NULL AS anonymous, credit > 0 AS positive FROM customers ORDER BY name, cust", true],
  // WHERE: AND / OR / NOT, nulls, empty strings, negatives
  ["SELECT id FROM df WHERE qty > 1 AND amount < 10 ORDER BY id", true],
  ["SELECT id FROM df WHERE qty > 3 OR amount IS NULL ORDER BY id", true],
  ["SELECT id FROM df WHERE NOT (product = 'apple') ORDER BY id", true],
  ["SELECT id FROM df WHERE NOT product = 'apple' OR product IS NULL ORDER BY id", true],
  ["SELECT id FROM df WHERE note = '' ORDER BY id", true],
  ["SELECT id FROM df WHERE note IS NULL ORDER BY id", true],
  ["SELECT id FROM df WHERE note <> '' ORDER BY id", true],
  ["SELECT id FROM df WHERE cust = NULL", false],
  ["SELECT id FROM df WHERE cust <=> NULL", false],
  ["SELECT id FROM df WHERE NOT (cust <=> 1) ORDER BY id", true],
  ["SELECT id FROM df WHERE amount < 0 OR qty < 0 ORDER BY id", true],
  ["SELECT id FROM df WHERE (qty > 2 OR cust = 3) AND NOT amount > 100 ORDER BY id", true],
  ["SELECT id FROM df WHERE NOT (qty > 2 AND amount > 5) ORDER BY id", true],
  ["SELECT id FROM df WHERE amount IS NOT NULL AND qty IS NOT NULL AND amount * qty > 20 ORDER BY id", true],
  ["SELECT id FROM df WHERE amount = -3.5", false],
  ["SELECT id FROM df WHERE coalesce(qty, 0) = 0 ORDER BY id", true],
  ["SELECT id FROM df WHERE 1 = 0", false],
  ["SELECT count(*) FROM df WHERE true", false],
  ["SELECT name FROM customers WHERE city = '' OR city IS NULL ORDER BY name", true],
  ["SELECT name FROM customers WHERE credit < 0 OR tier IS NULL ORDER BY name", true],
  ["SELECT id, qty > 2 AND amount > 5 AS both_, qty > 2 OR amount > 5 AS either, NOT qty > 2 AS neither FROM df ORDER BY id", true],
  // joins: inner
  ["SELECT d.id, c.name FROM df d JOIN customers c ON d.cust = c.cust ORDER BY d.id, c.name", true],
  ["SELECT d.id, c.name FROM df d INNER JOIN customers c ON d.cust = c.cust AND c.tier = 'gold' ORDER BY d.id", true],
  ["SELECT count(*) FROM df d JOIN products p ON d.qty > p.stock", false],
  ["SELECT d.id, p.price FROM df d JOIN products p ON upper(d.product) = upper(p.product) ORDER BY d.id", true],
  ["SELECT count(*) FROM customers a JOIN customers b ON a.cust = b.cust", false],
  ["SELECT count(*) FROM customers a JOIN customers b ON a.cust <=> b.cust", false],
  ["SELECT e.name, m.name AS boss, mm.name AS grand_boss FROM emp e JOIN emp m ON e.manager = m.id JOIN emp mm ON m.manager = mm.id ORDER BY e.name", true],
  ["SELECT d.id, c.name, p.category FROM df d JOIN customers c ON d.cust = c.cust JOIN products p ON p.product = d.product WHERE p.category = 'fruit' ORDER BY d.id", true],
  // joins: left / right / full outer
  ["SELECT d.id, c.name FROM df d LEFT JOIN customers c ON d.cust = c.cust ORDER BY d.id, c.name", true],
  ["SELECT d.id, c.name FROM df d LEFT OUTER JOIN customers c ON d.cust = c.cust AND c.tier = 'gold' ORDER BY d.id", true],
  ["SELECT d.id FROM df d LEFT JOIN customers c ON d.cust = c.cust WHERE c.cust IS NULL ORDER BY d.id", true],
  ["SELECT d.id, e.amount FROM df d LEFT JOIN empty_orders e ON d.id = e.id ORDER BY d.id", true],
  ["SELECT e.name, m.name AS boss FROM emp e LEFT JOIN emp m ON e.manager = m.id ORDER BY e.name", true],
  ["SELECT c.name, d.id FROM df d RIGHT JOIN customers c ON d.cust = c.cust ORDER BY c.name, d.id", true],
  ["SELECT p.product, count(d.id) AS n FROM df d RIGHT OUTER JOIN products p ON d.product = p.product GROUP BY p.product ORDER BY p.product", true],
  ["SELECT e.id, c.name FROM empty_orders e RIGHT JOIN customers c ON e.cust = c.cust ORDER BY c.name", true],
  ["SELECT d.id, c.cust, c.name FROM df d FULL OUTER JOIN customers c ON d.cust = c.cust", false],
  ["SELECT d.id, p.product FROM df d FULL JOIN products p ON d.product = p.product", false],
  ["SELECT d.id AS order_id, e.id AS empty_id FROM df d FULL JOIN empty_orders e ON d.id = e.id", false],
  ["SELECT d.id, c.name FROM df d FULL JOIN customers c ON d.cust = c.cust WHERE d.id IS NULL OR c.name IS NULL", false],
  // joins: semi / anti / cross
  ["SELECT id FROM df d LEFT SEMI JOIN customers c ON d.cust = c.cust ORDER BY id", true],
  ["SELECT id FROM df d SEMI JOIN products p ON d.product = p.product AND p.category = 'fruit' ORDER BY id", true],
  ["SELECT id FROM df d LEFT SEMI JOIN empty_orders e ON d.id = e.id", false],
  ["SELECT id FROM df d LEFT ANTI JOIN customers c ON d.cust = c.cust ORDER BY id", true],
  ["SELECT id FROM df d ANTI JOIN products p ON d.product = p.product ORDER BY id", true],
  ["SELECT id FROM df d LEFT ANTI JOIN empty_orders e ON d.cust = e.cust ORDER BY id", true],
  ["SELECT name FROM customers c LEFT ANTI JOIN df d ON c.cust = d.cust ORDER BY name", true],
  ["SELECT c.name, p.product FROM customers c CROSS JOIN products p WHERE p.category = 'dried'", false],
  ["SELECT count(*) FROM df CROSS JOIN products", false],
  ["SELECT count(*) FROM df CROSS JOIN empty_orders", false],
  ["SELECT count(*) FROM df, empty_orders", false],
  ["SELECT a.name AS lower_paid, b.name AS higher_paid FROM emp a CROSS JOIN emp b WHERE a.salary < b.salary AND a.dept = b.dept ORDER BY a.name, b.name", true],
  // joins: USING
  ["SELECT cust, id, name FROM df JOIN customers USING (cust) ORDER BY id, name", true],
  ["SELECT * FROM df JOIN customers USING (cust) ORDER BY id, name", true],
  ["SELECT * FROM df LEFT JOIN products USING (product) ORDER BY id", true],
  ["SELECT product, d.id, p.category FROM df d RIGHT JOIN products p USING (product) ORDER BY product, d.id", true],
  ["SELECT cust, d.id, c.name FROM df d FULL JOIN customers c USING (cust)", false],
  ["SELECT dept, salary, count(*) AS n FROM emp a JOIN emp b USING (dept, salary) GROUP BY dept, salary", false],
  // comma joins over three and four tables
  ["SELECT d.id, c.name, p.category FROM df d, customers c, products p WHERE d.cust = c.cust AND d.product = p.product ORDER BY d.id, c.name", true],
  ["SELECT d.id, c.name, p.category, e.dept FROM df d, customers c, products p, emp e WHERE d.cust = c.cust AND d.product = p.product AND e.id = c.cust ORDER BY d.id, c.name", true],
  ["SELECT c.tier, p.category, sum(d.amount) AS total, count(*) AS n FROM df d, customers c, products p WHERE d.cust = c.cust AND d.product = p.product GROUP BY c.tier, p.category", false],
  ["SELECT d.id, p.price FROM df d, products p, customers c WHERE p.product = d.product AND c.cust = d.cust AND p.price > 1 AND c.city = 'Oslo' ORDER BY d.id", true],
  ["SELECT e.name, count(*) AS n FROM emp e, df d, customers c WHERE e.id = c.cust AND c.cust = d.cust AND d.qty >= 2 GROUP BY e.name ORDER BY e.name", true],
  // GROUP BY: columns, expressions, ordinals, aliases, nulls, empty input
  ["SELECT product, count(*), sum(qty), min(amount), max(amount) FROM df GROUP BY product", false],
  ["SELECT qty % 2 AS parity, count(*) AS n FROM df GROUP BY qty % 2", false],
  ["SELECT product, cust, count(*) FROM df GROUP BY 1, 2", false],
  ["SELECT qty % 2 AS parity, count(*) AS n FROM df GROUP BY parity", false],
  // A GROUP BY name that is both an input column and a select alias: Spark groups by the column.
  ["SELECT upper(product) AS product, count(*) AS n FROM df GROUP BY product ORDER BY product NULLS FIRST, n", true],
  ["SELECT qty + 1 AS qty, count(*) AS n FROM df GROUP BY qty HAVING qty > 1 ORDER BY qty NULLS FIRST", true],
  ["SELECT qty * 2 AS qty, sum(qty) AS s FROM df GROUP BY qty HAVING sum(qty) > 2 AND qty < 5 ORDER BY qty NULLS FIRST", true],
  ["SELECT round(price) AS price, sum(stock) AS s FROM products GROUP BY price ORDER BY price NULLS FIRST, s", true],
  ["SELECT cust % 2 AS qty, count(*) AS n FROM df GROUP BY qty", false],
  ["SELECT qty % 2 AS parity, upper(product) AS product, count(*) AS n FROM df GROUP BY parity, product", false],
  ["SELECT cust, sum(amount), avg(qty) FROM df GROUP BY cust", false],
  ["SELECT count(*), count(cust), count(DISTINCT cust), sum(DISTINCT qty) FROM df", false],
  ["SELECT count(*), sum(amount), max(id), avg(amount), min(day) FROM empty_orders", false],
  ["SELECT cust, count(*) FROM empty_orders GROUP BY cust", false],
  ["SELECT month(day) AS m, count(*) AS n, sum(amount) AS total FROM df GROUP BY month(day)", false],
  ["SELECT c.tier, sum(d.amount) AS total FROM df d JOIN customers c ON d.cust = c.cust GROUP BY c.tier", false],
  ["SELECT dept, avg(salary), sum(salary), count(salary), min(name), max(name) FROM emp GROUP BY dept", false],
  ["SELECT CASE WHEN qty > 2 THEN 'many' ELSE 'few' END AS size, count(*) FROM df GROUP BY CASE WHEN qty > 2 THEN 'many' ELSE 'few' END", false],
  ["SELECT product, sum(qty * amount) AS value FROM df GROUP BY product", false],
  ["SELECT tier, city, count(*) AS n FROM customers GROUP BY tier, city", false],
  ["SELECT count(*) FILTER (WHERE qty > 1) AS many, count(*) AS n FROM df", false],
  ["SELECT product, count(*) FROM df GROUP BY product ORDER BY 2 DESC, 1 NULLS FIRST", true],
  ["SELECT upper(product) AS p, count(*) FROM df GROUP BY upper(product) ORDER BY p NULLS LAST", true],
  ["SELECT cust, max(amount) - min(amount) AS spread FROM df GROUP BY cust ORDER BY cust NULLS FIRST", true],
  // HAVING
  ["SELECT product, count(*) AS n FROM df GROUP BY product HAVING count(*) > 1", false],
  ["SELECT cust FROM df GROUP BY cust HAVING sum(amount) > 10 AND min(qty) >= 1", false],
  ["SELECT product FROM df GROUP BY product HAVING max(qty) > 3", false],
  ["SELECT product, sum(qty) AS total FROM df GROUP BY product HAVING total > 4", false],
  ["SELECT sum(qty) AS total FROM df HAVING sum(qty) > 0", false],
  ["SELECT sum(qty) AS total FROM df HAVING sum(qty) > 1000", false],
  ["SELECT dept, count(*) FROM emp GROUP BY dept HAVING dept IS NOT NULL ORDER BY dept", true],
  ["SELECT cust, count(*) AS n FROM df GROUP BY cust HAVING count(note) < count(*) ORDER BY cust NULLS FIRST", true],
  // ORDER BY: directions, nulls, ordinals, aliases, expressions
  ["SELECT id, amount FROM df ORDER BY amount, id", true],
  ["SELECT id, amount FROM df ORDER BY amount DESC, id", true],
  ["SELECT id, amount FROM df ORDER BY amount ASC NULLS LAST, id DESC", true],
  ["SELECT id, amount FROM df ORDER BY amount DESC NULLS FIRST, id", true],
  ["SELECT id, note FROM df ORDER BY note NULLS FIRST, id", true],
  ["SELECT id, note FROM df ORDER BY note DESC NULLS LAST, id DESC", true],
  ["SELECT product, id FROM df ORDER BY 1 DESC, 2", true],
  ["SELECT id, qty * amount AS total FROM df ORDER BY total DESC NULLS LAST, id", true],
  ["SELECT id FROM df ORDER BY qty * -1, id", true],
  ["SELECT id, day FROM df ORDER BY day DESC NULLS LAST, id", true],
  ["SELECT id, product FROM df ORDER BY product IS NULL, product, id", true],
  ["SELECT id FROM df ORDER BY CASE WHEN product = 'pear' THEN 0 ELSE 1 END, id DESC", true],
  ["SELECT name, credit FROM customers ORDER BY credit NULLS FIRST, name", true],
  ["SELECT c.name, d.id FROM df d JOIN customers c ON d.cust = c.cust ORDER BY c.name DESC, d.id", true],
  ["SELECT name, salary FROM emp ORDER BY salary DESC NULLS LAST, name ASC", true],
  // LIMIT
  ["SELECT id FROM df ORDER BY id LIMIT 3", true],
  ["SELECT id FROM df LIMIT 0", false],
  ["SELECT id, amount FROM df ORDER BY amount DESC NULLS LAST, id LIMIT 5", true],
  ["SELECT * FROM (SELECT id FROM df ORDER BY id DESC LIMIT 4) t ORDER BY id", true],
  ["SELECT count(*) FROM (SELECT * FROM df LIMIT 5) t", false],
  ["SELECT name FROM customers ORDER BY name LIMIT 100", true],
  ["SELECT * FROM empty_orders LIMIT 3", false],
  // OFFSET: after ORDER BY, before LIMIT takes its rows
  ["SELECT id FROM df ORDER BY id LIMIT 3 OFFSET 2", true],
  ["SELECT id FROM df ORDER BY id OFFSET 9", true],
  ["SELECT id FROM df ORDER BY id LIMIT 2 OFFSET 20", true],
  ["SELECT id FROM df ORDER BY id OFFSET 0", true],
  ["SELECT * FROM (SELECT id FROM df ORDER BY id DESC LIMIT 4 OFFSET 1) t ORDER BY id", true],
  ["SELECT count(*) AS n FROM (SELECT * FROM df ORDER BY id OFFSET 5) t", false],
  ["SELECT cust, count(*) AS n FROM df GROUP BY cust ORDER BY n DESC, cust NULLS FIRST LIMIT 2 OFFSET 1", true],
  ["SELECT name FROM customers UNION SELECT name FROM emp ORDER BY name LIMIT 3 OFFSET 3", true],
  ["SELECT id FROM df ORDER BY id OFFSET 2 LIMIT 3", false],
  ["SELECT id AS offset FROM df ORDER BY offset OFFSET 10", true],
  // DISTINCT
  ["SELECT DISTINCT product FROM df", false],
  ["SELECT DISTINCT product, qty FROM df", false],
  ["SELECT DISTINCT * FROM customers", false],
  ["SELECT count(DISTINCT product), count(DISTINCT note) FROM df", false],
  // Distinct tuples with no null member (cust and note have nulls).
  ["SELECT count(DISTINCT product, cust), count(DISTINCT cust, note, product) FROM df", false],
  ["SELECT product, count(DISTINCT cust, note) AS n, count(DISTINCT cust, qty) + 1 AS m FROM df GROUP BY product ORDER BY product", true],
  ["SELECT DISTINCT cust % 2 AS odd FROM df", false],
  ["SELECT DISTINCT tier FROM customers ORDER BY tier NULLS FIRST", true],
  ["SELECT DISTINCT note FROM df WHERE note IS NOT NULL ORDER BY note", true],
  ["SELECT DISTINCT d.cust, c.name FROM df d JOIN customers c ON d.cust = c.cust", false],
  // UNION / INTERSECT / EXCEPT, ALL and DISTINCT
  ["SELECT cust FROM df UNION SELECT cust FROM customers", false],
  ["SELECT cust FROM df UNION ALL SELECT cust FROM customers", false],
  ["SELECT cust FROM df UNION DISTINCT SELECT id FROM emp", false],
  ["SELECT product FROM df UNION SELECT product FROM products ORDER BY 1 NULLS LAST", true],
  ["SELECT product FROM df INTERSECT SELECT product FROM products", false],
  ["SELECT product FROM df INTERSECT ALL SELECT product FROM df WHERE qty > 1", false],
  ["SELECT product FROM products EXCEPT SELECT product FROM df", false],
  ["SELECT cust FROM df EXCEPT ALL SELECT cust FROM customers", false],
  ["SELECT cust FROM df EXCEPT SELECT cust FROM empty_orders", false],
  ["SELECT cust FROM df INTERSECT SELECT cust FROM empty_orders", false],
  ["SELECT id, amount FROM empty_orders UNION ALL SELECT id, amount FROM df WHERE id < 3", false],
  ["SELECT id FROM df UNION ALL SELECT amount FROM df", false],
  ["SELECT cust FROM df UNION SELECT cust FROM customers EXCEPT SELECT id FROM emp", false],
  ["SELECT cust FROM df UNION ALL SELECT cust FROM customers INTERSECT SELECT id FROM emp", false],
  ["(SELECT name FROM emp WHERE salary > 75) UNION (SELECT name FROM customers WHERE tier = 'gold') ORDER BY name", true],
  ["SELECT name AS who FROM emp UNION SELECT name FROM customers ORDER BY who", true],
  ["SELECT cust FROM df MINUS SELECT cust FROM customers", false],
  ["SELECT name, dept FROM emp EXCEPT SELECT name, tier FROM customers", false],
  ["SELECT product, qty FROM df INTERSECT ALL SELECT product, qty FROM df", false],
  // CTEs
  ["WITH big AS (SELECT * FROM df WHERE amount >= 5), counts AS (SELECT cust, count(*) AS n FROM big GROUP BY cust) SELECT * FROM counts ORDER BY cust NULLS FIRST", true],
  ["WITH t(x, y) AS (SELECT id, qty FROM df) SELECT x, x + y AS s FROM t ORDER BY x", true],
  ["WITH spend AS (SELECT cust, sum(amount) AS total FROM df GROUP BY cust) SELECT a.cust AS less, b.cust AS more FROM spend a JOIN spend b ON a.total < b.total ORDER BY a.cust, b.cust", true],
  ["WITH df AS (SELECT * FROM emp) SELECT count(*) FROM df", false],
  ["SELECT * FROM (WITH x AS (SELECT 1 AS a) SELECT a FROM x) t", false],
  ["WITH gold AS (SELECT cust FROM customers WHERE tier = 'gold') SELECT id FROM df WHERE cust IN (SELECT cust FROM gold) ORDER BY id", true],
  ["WITH totals AS (SELECT cust, sum(amount) AS total FROM df GROUP BY cust), ranked AS (SELECT cust, total FROM totals WHERE total > 0), named AS (SELECT r.cust, c.name, r.total FROM ranked r JOIN customers c ON r.cust = c.cust) SELECT name, total FROM named ORDER BY total DESC", true],
  ["WITH none AS (SELECT * FROM empty_orders) SELECT count(*), sum(amount) FROM none", false],
  ["WITH a AS (SELECT id FROM df WHERE id < 5), b AS (SELECT id FROM a WHERE id > 1) SELECT a.id AS a_id, b.id AS b_id FROM a LEFT JOIN b ON a.id = b.id ORDER BY a.id", true],
  ["WITH products AS (SELECT product FROM products WHERE category = 'dried') SELECT d.id FROM df d JOIN products p ON d.product = p.product ORDER BY d.id", true],
  // subqueries in FROM
  ["SELECT t.category, t.total FROM (SELECT category, sum(price) AS total FROM products GROUP BY category) t WHERE t.total > 1 ORDER BY t.category", true],
  ["SELECT t.p, t.n FROM (SELECT product AS p, count(*) AS n FROM df GROUP BY product) AS t WHERE t.n > 1", false],
  ["SELECT * FROM (SELECT id FROM df WHERE id > 10)", false],
  ["SELECT a FROM (SELECT id FROM df) AS t(a) WHERE a < 3 ORDER BY a", true],
  ["SELECT x.cust, x.n, y.total FROM (SELECT cust, count(*) AS n FROM df GROUP BY cust) x JOIN (SELECT cust, sum(amount) AS total FROM df GROUP BY cust) y ON x.cust = y.cust ORDER BY x.cust", true],
  ["SELECT max(n) FROM (SELECT cust, count(*) AS n FROM (SELECT * FROM df WHERE qty > 0) a GROUP BY cust) b", false],
  ["SELECT count(*) FROM (SELECT * FROM empty_orders) e", false],
  ["SELECT s.name FROM (SELECT name, salary FROM emp ORDER BY salary DESC NULLS LAST, name LIMIT 3) s ORDER BY s.name", true],
  // IN lists
  ["SELECT id FROM df WHERE product IN ('apple', 'fig') ORDER BY id", true],
  ["SELECT id FROM df WHERE product NOT IN ('apple', 'fig') ORDER BY id", true],
  ["SELECT id FROM df WHERE cust IN (1, NULL) ORDER BY id", true],
  ["SELECT id FROM df WHERE cust NOT IN (1, NULL)", false],
  ["SELECT id FROM df WHERE id IN (1, 3 + 2, 12) ORDER BY id", true],
  ["SELECT id, cust IN (1, 2) AS in12, cust NOT IN (3) AS not3 FROM df ORDER BY id", true],
  ["SELECT id FROM df WHERE day IN (date '2024-01-03', date '2024-01-06') ORDER BY id", true],
  ["SELECT name FROM customers WHERE city IN ('', 'Bergen') ORDER BY name", true],
  // IN / NOT IN subqueries: nulls in the subquery, a null outer value, an empty subquery
  ["SELECT id FROM df WHERE cust IN (SELECT cust FROM customers WHERE tier = 'gold') ORDER BY id", true],
  ["SELECT id FROM df WHERE cust IN (SELECT cust FROM customers) ORDER BY id", true],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT cust FROM customers)", false],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT cust FROM customers WHERE cust IS NOT NULL) ORDER BY id", true],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT cust FROM empty_orders) ORDER BY id", true],
  ["SELECT id FROM df WHERE cust IN (SELECT cust FROM empty_orders)", false],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT id FROM emp) ORDER BY id", true],
  ["SELECT id FROM df WHERE NOT (cust IN (SELECT id FROM emp WHERE dept = 'eng')) ORDER BY id", true],
  ["SELECT name FROM emp WHERE manager NOT IN (SELECT id FROM emp) ORDER BY name", true],
  ["SELECT id, cust IN (SELECT cust FROM customers WHERE tier = 'gold') AS gold FROM df ORDER BY id", true],
  ["SELECT id, cust NOT IN (SELECT cust FROM customers) AS unknown FROM df ORDER BY id", true],
  ["SELECT id, cust NOT IN (SELECT cust FROM empty_orders) AS always FROM df ORDER BY id", true],
  ["SELECT id FROM df WHERE amount IN (SELECT max(amount) FROM df GROUP BY cust) ORDER BY id", true],
  ["SELECT d.id FROM df d WHERE d.product IN (SELECT p.product FROM products p WHERE p.stock > d.qty) ORDER BY d.id", true],
  ["SELECT id FROM df WHERE cust IN (SELECT cust FROM customers WHERE tier = 'silver') OR qty > 4 ORDER BY id", true],
  ["SELECT product FROM products WHERE product NOT IN (SELECT product FROM df WHERE product IS NOT NULL) ORDER BY product", true],
  // a scalar subquery that is not an aggregate: its one row's value, null for none, and more than one fails the query (SCALAR_SUBQUERY_TOO_MANY_ROWS)
  ["SELECT (SELECT id FROM emp) AS many", false],
  ["SELECT (SELECT id FROM emp WHERE name = 'cat') AS one, (SELECT id FROM empty_orders) AS none", false],
  ["SELECT name FROM emp WHERE salary > (SELECT salary FROM emp WHERE name = 'dan') ORDER BY name", true],
  ["SELECT name FROM emp WHERE salary = (SELECT salary FROM emp WHERE dept = 'ops')", false],
  ["SELECT id, (SELECT name FROM customers WHERE cust = 3) AS who FROM df WHERE id < 3 ORDER BY id", true],
  ["SELECT raise_error('boom') AS r", false],
  ["SELECT id, CASE WHEN id > 100 THEN raise_error('never') ELSE id END AS v FROM df ORDER BY id", true],
  // an aggregate scalar subquery correlated by predicates other than equalities (through the outer values' domain)
  ["SELECT name FROM customers c WHERE credit > (SELECT avg(amount) FROM df d WHERE d.cust > c.cust)", false],
  ["SELECT c.name, (SELECT count(*) FROM df d WHERE d.cust > c.cust) AS n FROM customers c ORDER BY c.name, n", true],
  ["SELECT e.name, (SELECT max(f.salary) FROM emp f WHERE f.dept = e.dept AND f.salary < e.salary) AS below FROM emp e ORDER BY e.name", true],
  ["SELECT id FROM df o WHERE qty >= (SELECT max(qty) FROM df i WHERE i.product = o.product AND i.id <> o.id) ORDER BY id", true],
  ["SELECT e.name FROM emp e WHERE (SELECT count(*) FROM emp f WHERE f.salary > e.salary OR f.manager = e.id) > 2 ORDER BY e.name", true],
  // a subquery nested in a correlated subquery's WHERE, reading that subquery's columns
  ["SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust AND EXISTS (SELECT 1 FROM products p WHERE p.product = d.product AND p.category = 'dried')) ORDER BY c.name", true],
  ["SELECT c.name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust AND d.product IN (SELECT p.product FROM products p WHERE p.category = 'fruit')) ORDER BY c.name", true],
  ["SELECT c.name FROM customers c WHERE c.cust IN (SELECT d.cust FROM df d WHERE d.product NOT IN (SELECT p.product FROM products p WHERE p.category = 'dried')) ORDER BY c.name", true],
  ["SELECT c.name, EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust AND d.qty > (SELECT min(stock) FROM products)) AS e FROM customers c ORDER BY c.name, e", true],
  // correlated NOT IN (not the null-aware hash join: the subquery's rows differ per outer row)
  ["SELECT d.id FROM df d WHERE d.product NOT IN (SELECT p.product FROM products p WHERE p.stock > d.qty) ORDER BY d.id", true],
  ["SELECT e.name FROM emp e WHERE e.salary NOT IN (SELECT f.salary FROM emp f WHERE f.dept = e.dept AND f.id <> e.id) ORDER BY e.name", true],
  // row values (a, b) IN / NOT IN (SELECT c, d ...): compared column by column, NOT IN with its nulls
  ["SELECT id FROM df WHERE (cust, product) IN (SELECT cust, product FROM df WHERE qty > 3) ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, product) NOT IN (SELECT cust, product FROM df WHERE qty > 3) ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, product) NOT IN (SELECT cust, product FROM df WHERE qty > 3 AND cust IS NOT NULL) ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, note) NOT IN (SELECT cust, note FROM empty_orders) ORDER BY id", true],
  ["SELECT c.name FROM customers c WHERE (c.cust, c.name) IN (SELECT id, name FROM emp) ORDER BY c.name", true],
  ["SELECT id FROM df WHERE (cust, id) IN (SELECT cust, max(id) FROM df GROUP BY cust) ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, product) IN (SELECT cust FROM customers)", false],
  ["SELECT id, (cust, product) IN (SELECT cust, product FROM df WHERE qty > 3) AS hit FROM df ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, product) IN (SELECT cust, product FROM df WHERE qty > 3) OR id = 1 ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, product) IN ((1, 'apple'), (2, 'pear')) ORDER BY id", true],
  ["SELECT id, (cust, product) NOT IN (SELECT cust, product FROM df WHERE qty > 3) AS miss FROM df ORDER BY id", true],
  ["SELECT id, (cust, note) NOT IN (SELECT cust, note FROM df WHERE id > 8) AS miss FROM df ORDER BY id", true],
  ["SELECT id FROM df WHERE (cust, product) NOT IN (SELECT cust, product FROM df WHERE qty > 3) OR id = 6 ORDER BY id", true],
  ["SELECT product FROM products WHERE product NOT IN (SELECT product FROM df)", false],
  // EXISTS / NOT EXISTS, correlated and not, over the empty view
  ["SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust) ORDER BY c.name", true],
  ["SELECT c.name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust) ORDER BY c.name", true],
  ["SELECT count(*) FROM df WHERE EXISTS (SELECT 1 FROM customers WHERE tier = 'gold')", false],
  ["SELECT count(*) FROM df WHERE EXISTS (SELECT 1 FROM customers WHERE tier = 'platinum')", false],
  ["SELECT count(*) FROM df WHERE EXISTS (SELECT * FROM empty_orders)", false],
  ["SELECT count(*) FROM df WHERE NOT EXISTS (SELECT * FROM empty_orders)", false],
  ["SELECT id FROM df d WHERE EXISTS (SELECT 1 FROM empty_orders e WHERE e.cust = d.cust)", false],
  ["SELECT id FROM df d WHERE NOT EXISTS (SELECT 1 FROM empty_orders e WHERE e.cust = d.cust) ORDER BY id", true],
  ["SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust AND d.amount > c.credit) ORDER BY c.name", true],
  ["SELECT e.name FROM emp e WHERE EXISTS (SELECT 1 FROM emp r WHERE r.manager = e.id) ORDER BY e.name", true],
  ["SELECT e.name FROM emp e WHERE NOT EXISTS (SELECT 1 FROM emp r WHERE r.manager = e.id) ORDER BY e.name", true],
  ["SELECT c.name, EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust) AS buys FROM customers c ORDER BY c.name, buys", true],
  ["SELECT p.product FROM products p WHERE EXISTS (SELECT 1 FROM df d WHERE d.product = p.product AND d.qty > 3) OR p.stock < 0 ORDER BY p.product", true],
  ["SELECT id FROM df d WHERE EXISTS (SELECT 1 FROM customers c WHERE c.cust = d.cust AND c.tier = 'gold') AND NOT EXISTS (SELECT 1 FROM products p WHERE p.product = d.product AND p.category = 'dried') ORDER BY id", true],
  // scalar subqueries, uncorrelated: WHERE, select list, HAVING
  ["SELECT id, amount FROM df WHERE amount > (SELECT avg(amount) FROM df) ORDER BY id", true],
  ["SELECT id, (SELECT max(qty) FROM df) AS top FROM df ORDER BY id", true],
  ["SELECT product, sum(amount) AS total FROM df GROUP BY product HAVING sum(amount) > (SELECT avg(amount) FROM df)", false],
  ["SELECT (SELECT max(amount) FROM empty_orders) AS m, (SELECT count(*) FROM empty_orders) AS n", false],
  ["SELECT id FROM df WHERE qty = (SELECT min(qty) FROM df)", false],
  ["SELECT (SELECT 1) + 1 AS two", false],
  ["SELECT id, (SELECT name FROM emp WHERE id = 1) AS top FROM df WHERE id < 3 ORDER BY id", true],
  ["SELECT id, (SELECT name FROM emp WHERE id = 99) AS nobody FROM df WHERE id = 1", false],
  ["SELECT (SELECT max(amount) FROM df WHERE qty < (SELECT avg(qty) FROM df)) AS m", false],
  ["SELECT name FROM emp WHERE salary >= (SELECT max(salary) FROM emp) - 20 ORDER BY name", true],
  ["SELECT id FROM df WHERE amount > (SELECT sum(amount) FROM empty_orders)", false],
  ["SELECT cust, sum(amount) AS total FROM df GROUP BY cust HAVING sum(amount) > (SELECT avg(amount) FROM df) ORDER BY cust", true],
  // scalar subqueries, correlated, with aggregates (including count over no rows: 0)
  ["SELECT t1.id, t1.amount FROM df t1 WHERE t1.amount > (SELECT avg(t2.amount) FROM df t2 WHERE t2.cust = t1.cust) ORDER BY t1.id", true],
  ["SELECT t1.id FROM df t1 WHERE t1.amount = (SELECT min(t2.amount) FROM df t2 WHERE t2.cust = t1.cust) ORDER BY t1.id", true],
  ["SELECT t1.id FROM df t1 WHERE t1.amount = (SELECT max(t2.amount) FROM df t2 WHERE t2.product = t1.product) ORDER BY t1.id", true],
  ["SELECT c.name, (SELECT sum(d.amount) FROM df d WHERE d.cust = c.cust) AS spent FROM customers c ORDER BY c.name, spent", true],
  ["SELECT c.name, (SELECT count(*) FROM df d WHERE d.cust = c.cust) AS n FROM customers c ORDER BY c.name, n", true],
  ["SELECT c.name, (SELECT count(d.amount) FROM df d WHERE d.cust = c.cust) AS n FROM customers c ORDER BY c.name, n", true],
  ["SELECT c.name FROM customers c WHERE (SELECT count(*) FROM df d WHERE d.cust = c.cust) = 0 ORDER BY c.name", true],
  ["SELECT c.name, (SELECT count(*) + 1 FROM df d WHERE d.cust = c.cust) AS n1 FROM customers c ORDER BY c.name, n1", true],
  ["SELECT e1.name FROM emp e1 WHERE e1.salary > (SELECT avg(e2.salary) FROM emp e2 WHERE e2.dept = e1.dept) ORDER BY e1.name", true],
  ["SELECT e1.name FROM emp e1 WHERE e1.salary = (SELECT max(e2.salary) FROM emp e2 WHERE e2.dept = e1.dept) ORDER BY e1.name", true],
  ["SELECT d.id, (SELECT sum(e.amount) FROM empty_orders e WHERE e.cust = d.cust) AS s, (SELECT count(*) FROM empty_orders e WHERE e.cust = d.cust) AS n FROM df d ORDER BY d.id", true],
  ["SELECT t1.id FROM df t1 WHERE t1.qty < (SELECT sum(t2.qty) FROM df t2 WHERE t2.cust = t1.cust AND t2.product = t1.product) ORDER BY t1.id", true],
  ["SELECT p1.product FROM products p1 WHERE p1.price > (SELECT avg(p2.price) FROM products p2 WHERE p2.category = p1.category) ORDER BY p1.product", true],
  ["SELECT sum(d.amount) AS small FROM df d, products p WHERE p.product = d.product AND d.qty < (SELECT 0.5 * avg(d2.qty) FROM df d2 WHERE d2.product = p.product)", false],
  ["SELECT d.id, (SELECT max(p.price) FROM products p WHERE p.product = d.product) AS price FROM df d ORDER BY d.id", true],
  ["SELECT c.name FROM customers c WHERE c.credit < (SELECT sum(d.amount) FROM df d WHERE d.cust = c.cust) ORDER BY c.name", true],
  ["SELECT d.id FROM df d WHERE (SELECT count(*) FROM df d2 WHERE d2.product = d.product) > 2 ORDER BY d.id", true],
  ["SELECT e.name, (SELECT count(*) FROM emp r WHERE r.manager = e.id) AS reports FROM emp e ORDER BY e.name", true],
  ["SELECT e.name, (SELECT min(r.salary) FROM emp r WHERE r.manager = e.id) AS lowest FROM emp e ORDER BY e.name", true],
  ["SELECT c.name FROM customers c WHERE (SELECT max(d.day) FROM df d WHERE d.cust = c.cust) > date '2024-01-10' ORDER BY c.name", true],
  // nested subqueries (TPC-H Q20, Q22 and the like)
  [
    "SELECT name FROM customers WHERE cust IN (SELECT d.cust FROM df d WHERE d.product IN (SELECT product FROM products WHERE category = 'fruit') AND d.qty > (SELECT 0.5 * sum(d2.qty) FROM df d2 WHERE d2.cust = d.cust AND d2.product = d.product)) ORDER BY name",
    true,
  ],
  [
    "SELECT p.product FROM products p WHERE p.product IN (SELECT d.product FROM df d WHERE d.amount > (SELECT avg(d2.amount) FROM df d2 WHERE d2.cust = d.cust)) ORDER BY p.product",
    true,
  ],
  ["SELECT (SELECT count(*) FROM df WHERE cust IN (SELECT cust FROM customers WHERE tier = 'gold')) AS gold_orders", false],
  ["SELECT name, credit FROM customers c WHERE credit > (SELECT avg(credit) FROM customers WHERE credit > 0) AND NOT EXISTS (SELECT 1 FROM df d WHERE d.cust = c.cust) ORDER BY name", true],
  ["SELECT id FROM df WHERE cust NOT IN (SELECT c.cust FROM customers c WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.id = c.cust) AND c.cust IS NOT NULL) ORDER BY id", true],
  // CASE: searched and simple
  ["SELECT id, CASE WHEN amount > 10 THEN 'big' WHEN amount IS NULL THEN 'none' ELSE 'small' END AS size FROM df ORDER BY id", true],
  ["SELECT id, CASE WHEN qty > 3 THEN qty END AS many FROM df ORDER BY id", true],
  ["SELECT id, CASE product WHEN 'apple' THEN 1 WHEN 'pear' THEN 2 ELSE 0 END AS code FROM df ORDER BY id", true],
  ["SELECT id, CASE cust WHEN 1 THEN 'one' WHEN NULL THEN 'null' ELSE 'other' END AS c FROM df ORDER BY id", true],
  ["SELECT cust, sum(CASE WHEN qty > 1 THEN amount ELSE 0 END) AS big FROM df GROUP BY cust", false],
  ["SELECT id, CASE WHEN qty > 2 THEN 1 ELSE 2.5D END AS mixed FROM df ORDER BY id", true],
  ["SELECT id, CASE WHEN amount < 0 THEN 'neg' ELSE CASE WHEN amount = 0 THEN 'zero' ELSE 'pos' END END AS sgn FROM df ORDER BY id", true],
  ["SELECT name, CASE tier WHEN 'gold' THEN credit * 2 WHEN 'silver' THEN credit END AS boosted FROM customers ORDER BY name, boosted", true],
  // CAST and TRY_CAST
  ["SELECT id, CAST(qty AS STRING) AS s, CAST(amount AS INT) AS i, CAST(amount AS BIGINT) AS l FROM df ORDER BY id", true],
  ["SELECT id, TRY_CAST(note AS INT) AS n FROM df ORDER BY id", true],
  ["SELECT id, CAST(note AS INT) AS n FROM df", false],
  ["SELECT CAST('12' AS INT) + 1 AS thirteen, CAST('2.5' AS DOUBLE) AS d, CAST(7 AS STRING) AS s", false],
  ["SELECT id, CAST(day AS STRING) AS s FROM df ORDER BY id", true],
  ["SELECT TRY_CAST('2024-02-30' AS DATE) AS bad, TRY_CAST('x' AS DOUBLE) AS nan_, CAST('2024-02-29' AS DATE) AS good", false],
  ["SELECT CAST('2024-02-30' AS DATE) AS bad", false],
  ["SELECT id, CAST(qty AS DOUBLE) / 4 AS quarter, CAST(id AS BOOLEAN) AS b FROM df ORDER BY id", true],
  ["SELECT id FROM df WHERE CAST(qty AS STRING) = '4' ORDER BY id", true],
  ["SELECT sum(CAST(amount AS INT)) AS s FROM df", false],
  // typed literals, dates, intervals, EXTRACT
  ["SELECT date '2024-01-31' AS d, date '2024-02-29' = CAST('2024-02-29' AS DATE) AS same", false],
  ["SELECT id FROM df WHERE day = date '2024-01-05' ORDER BY id", true],
  ["SELECT id FROM df WHERE CAST(day AS TIMESTAMP) < timestamp '2024-01-05 12:00:00' ORDER BY id", true],
  ["SELECT CAST(timestamp '2024-03-01 10:30:00' AS STRING) AS s, hour(timestamp '2024-03-01 10:30:00') AS h, minute(timestamp '2024-03-01 10:30:00') AS m", false],
  ["SELECT date '2024-01-31' + interval '1' month AS d", false],
  ["SELECT date '2024-02-29' + interval 1 year AS d, date '2024-02-29' - interval 1 year AS e", false],
  ["SELECT id, day - interval '3' day AS earlier FROM df ORDER BY id", true],
  ["SELECT id, day + interval '1' month AS later FROM df ORDER BY id", true],
  ["SELECT id FROM df WHERE day < date '2024-02-15' - interval '1' month ORDER BY id", true],
  ["SELECT sum(amount) AS january FROM df WHERE day >= date '2024-01-01' AND day < date '2024-01-01' + interval '1' month", false],
  ["SELECT id FROM df WHERE day BETWEEN date '2024-01-01' AND date '2024-01-01' + interval '5' day ORDER BY id", true],
  ["SELECT id, extract(year FROM day) AS y, extract(month FROM day) AS m, extract(day FROM day) AS d FROM df ORDER BY id", true],
  ["SELECT extract(month FROM day) AS m, count(*) AS n FROM df GROUP BY extract(month FROM day)", false],
  ["SELECT extract(hour FROM timestamp '2024-03-01 10:30:00') AS h, extract(year FROM date '2024-03-01') AS y", false],
  ["SELECT id FROM df WHERE extract(year FROM day) = 2023", false],
  ["SELECT id, datediff(day, date '2024-01-01') AS since, date_add(day, 10) AS plus10, add_months(day, 1) AS next_month FROM df ORDER BY id", true],
  // ANSI intervals (values cast to strings, or compared)
  ["SELECT id, CAST(CAST(day AS TIMESTAMP) + interval '36' hour AS STRING) AS s FROM df WHERE id < 4 ORDER BY id", true],
  ["SELECT id FROM df WHERE CAST(day AS TIMESTAMP) + interval '12' hour > timestamp '2024-01-06 06:00:00' ORDER BY id", true],
  ["SELECT id, count(*) OVER (ORDER BY day RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) AS recent FROM df ORDER BY id", true],
  ["SELECT id, count(*) OVER (ORDER BY CAST(day AS TIMESTAMP) DESC RANGE BETWEEN INTERVAL 36 HOURS PRECEDING AND INTERVAL '24' HOUR FOLLOWING) AS near FROM df ORDER BY id", true],
  ["SELECT id, sum(amount) OVER (PARTITION BY cust ORDER BY day RANGE BETWEEN INTERVAL 1 MONTH PRECEDING AND CURRENT ROW) AS month_sum FROM df ORDER BY id", true],
  ["SELECT id, CAST(day - date '2024-01-01' AS STRING) AS since, CAST((day - date '2024-01-01') * 2 AS STRING) AS twice FROM df ORDER BY id", true],
  ["SELECT id, CAST(day + interval '1 12:00:00' day to second AS STRING) AS later, CAST(day - interval '1-1' year to month AS STRING) AS earlier FROM df ORDER BY id", true],
  ["SELECT CAST(interval 1 day 2 hours AS STRING) AS a, CAST(interval '1-2' year to month AS STRING) AS b, CAST(-interval '90' minute AS STRING) AS c, interval '1' day > interval '23' hour AS d", false],
  ["SELECT cust, CAST(max(CAST(day AS TIMESTAMP)) - min(CAST(day AS TIMESTAMP)) AS STRING) AS span FROM df GROUP BY cust ORDER BY cust NULLS FIRST", true],
  ["SELECT CAST(day - date '2024-01-03' AS STRING) AS since, count(*) AS n FROM df GROUP BY day - date '2024-01-03' ORDER BY since NULLS LAST", true],
  ["SELECT id, count(*) OVER (ORDER BY CAST(day AS TIMESTAMP) RANGE BETWEEN INTERVAL 36 HOURS PRECEDING AND INTERVAL '1' DAY FOLLOWING) AS near FROM df", false],
  ["SELECT id, count(*) OVER (ORDER BY day RANGE BETWEEN INTERVAL 36 HOURS PRECEDING AND CURRENT ROW) AS near FROM df", false],
  ["SELECT id, extract(DAY FROM day - date '2024-01-01') AS d, extract(HOUR FROM CAST(day AS TIMESTAMP) - timestamp '2024-01-01 05:00:00') AS h FROM df ORDER BY id", true],
  ["SELECT CAST(make_dt_interval(1, 2, 3, 4.5) AS STRING) AS dt, CAST(make_ym_interval(1, 2) AS STRING) AS ym, CAST(CAST('1 02:03:04' AS INTERVAL DAY TO SECOND) AS STRING) AS s", false],
  ["SELECT interval '1' day / 0 AS bad", false],
  ["SELECT interval '1' day < interval '1' month AS bad", false],
  // SUBSTRING ... FROM ... FOR
  ["SELECT id, substring(product FROM 2 FOR 3) AS s FROM df ORDER BY id", true],
  ["SELECT id, substring(product FROM 2) AS s FROM df ORDER BY id", true],
  ["SELECT id, substring(product, 2, 3) AS a, substr(note, -2) AS b FROM df ORDER BY id", true],
  ["SELECT name FROM customers WHERE substring(name FROM 1 FOR 1) = 'b' ORDER BY name", true],
  ["SELECT substring(note FROM 1 FOR 1) AS initial, count(*) AS n FROM df GROUP BY substring(note FROM 1 FOR 1)", false],
  // LIKE / ILIKE / RLIKE / BETWEEN
  ["SELECT id FROM df WHERE product LIKE 'p%' ORDER BY id", true],
  ["SELECT id FROM df WHERE product LIKE '_ig' ORDER BY id", true],
  ["SELECT id FROM df WHERE product NOT LIKE '%p%' ORDER BY id", true],
  ["SELECT id FROM df WHERE product ILIKE 'A%' ORDER BY id", true],
  ["SELECT id FROM df WHERE product RLIKE '^[a-f]' ORDER BY id", true],
  ["SELECT id FROM df WHERE note LIKE '' ORDER BY id", true],
  ["SELECT name FROM customers WHERE city ILIKE 'oslo' ORDER BY name", true],
  ["SELECT name FROM customers WHERE name BETWEEN 'b' AND 'd' ORDER BY name", true],
  ["SELECT id FROM df WHERE amount BETWEEN -5 AND 5 ORDER BY id", true],
  ["SELECT id FROM df WHERE qty NOT BETWEEN 1 AND 3 ORDER BY id", true],
  ["SELECT id, product LIKE 'a%' AS a, note RLIKE 'u' AS u FROM df ORDER BY id", true],
  // window functions
  ["SELECT id, cust, row_number() OVER (PARTITION BY cust ORDER BY id) AS rn FROM df ORDER BY id", true],
  ["SELECT id, rank() OVER (ORDER BY amount DESC) AS r, dense_rank() OVER (ORDER BY amount DESC) AS dr FROM df ORDER BY id", true],
  ["SELECT id, sum(amount) OVER (PARTITION BY cust ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM df ORDER BY id", true],
  ["SELECT id, sum(amount) OVER (PARTITION BY cust) AS cust_total FROM df ORDER BY id", true],
  ["SELECT id, avg(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS smooth FROM df ORDER BY id", true],
  ["SELECT id, sum(qty) OVER (ORDER BY qty RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS near FROM df ORDER BY id", true],
  ["SELECT id, sum(amount) OVER (ORDER BY amount RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto FROM df ORDER BY id", true],
  ["SELECT id, count(*) OVER (ORDER BY day) AS so_far FROM df ORDER BY id", true],
  ["SELECT id, lag(amount, 1) OVER (PARTITION BY cust ORDER BY id) AS prev, lead(amount, 2, 0) OVER (PARTITION BY cust ORDER BY id) AS next2 FROM df ORDER BY id", true],
  ["SELECT id, count(*) OVER (PARTITION BY product) AS same_product FROM df ORDER BY id", true],
  ["SELECT id, min(amount) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS min_after FROM df ORDER BY id", true],
  ["SELECT id, first_value(amount) OVER (PARTITION BY cust ORDER BY id) AS first_amount FROM df ORDER BY id", true],
  ["SELECT id, ntile(3) OVER (ORDER BY id) AS bucket, percent_rank() OVER (ORDER BY id) AS pr, cume_dist() OVER (ORDER BY qty) AS cd FROM df ORDER BY id", true],
  ["SELECT cust, sum(amount) AS total, rank() OVER (ORDER BY sum(amount) DESC) AS r FROM df GROUP BY cust ORDER BY cust NULLS FIRST", true],
  ["SELECT * FROM (SELECT id, cust, row_number() OVER (PARTITION BY cust ORDER BY amount DESC, id) AS rn FROM df) t WHERE rn = 1 ORDER BY id", true],
  ["SELECT id, sum(amount) OVER w AS s, max(amount) OVER w AS m FROM df WINDOW w AS (PARTITION BY product ORDER BY id) ORDER BY id", true],
  ["SELECT name, dept, salary, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r FROM emp ORDER BY name", true],
  ["SELECT id, row_number() OVER (ORDER BY id) AS rn FROM empty_orders", false],
  ["SELECT id, sum(qty) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS prev2 FROM df ORDER BY id", true],
  ["SELECT id, last_value(amount) OVER (PARTITION BY cust ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_amount FROM df ORDER BY id", true],
  // decimal literals (Spark: exact decimals) against doubles
  ["SELECT product, rate FROM products WHERE rate = 0.06 + 0.01 ORDER BY product", true],
  ["SELECT product FROM products WHERE rate = 0.07 ORDER BY product", true],
  ["SELECT product FROM products WHERE rate BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 ORDER BY product", true],
  ["SELECT sum(price * rate) AS revenue FROM products WHERE rate BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 AND stock < 24", false],
  ["SELECT CAST(0.06 + 0.01 AS DOUBLE) = 0.07D AS exact, 0.1 + 0.2 = 0.3 AS also", false],
  ["SELECT product, price * (1 - 0.1) AS discounted, price * (1 + rate) AS taxed FROM products ORDER BY product", true],
  ["SELECT CAST(0.06 + 0.01 AS DOUBLE) AS x", false],
  ["SELECT id FROM df WHERE amount > 0.5 + 0.25 ORDER BY id", true],
  // decimals: literals of exactly their digits, casts, exact arithmetic and aggregates
  ["SELECT 0.06 + 0.01 AS x", false],
  ["SELECT 1.5 * 2.25 AS p, 10.00 / 3 AS q, 7.5 % 2 AS r, -0.5 AS n, 100.50 AS t", false],
  ["SELECT product, CAST(price AS DECIMAL(10,2)) * stock AS value, CAST(rate AS DECIMAL(4,2)) + 1 AS factor FROM products ORDER BY product", true],
  ["SELECT category, sum(CAST(price AS DECIMAL(10,2))) AS total, avg(CAST(price AS DECIMAL(10,2))) AS mean, max(CAST(rate AS DECIMAL(5,3))) AS top FROM products GROUP BY category ORDER BY category", true],
  ["SELECT product FROM products WHERE CAST(price AS DECIMAL(10,2)) > 1.75 ORDER BY product", true],
  ["SELECT round(CAST(price AS DECIMAL(10,3)) / 3, 2) AS third, floor(CAST(price AS DECIMAL(10,2))) AS f FROM products ORDER BY product", true],
  ["SELECT CAST('12.345' AS DECIMAL(5,2)) AS a, CAST(1 AS DECIMAL(3,1)) + 0.05 AS b, 0.1 + 0.2 = 0.3 AS exact", false],
  // refused as Spark refuses them
  ["SELECT nosuch FROM df", false],
  ["SELECT * FROM nosuch_table", false],
  ["SELECT d.nosuch FROM df d", false],
  ["SELECT x.id FROM df d", false],
  ["SELECT product, qty FROM df GROUP BY product", false],
  ["SELECT product, count(*) FROM df", false],
  ["SELECT id FROM df GROUP BY product", false],
  ["SELECT product FROM df GROUP BY 5", false],
  ["SELECT sum(count(*)) FROM df", false],
  ["SELECT cust FROM df JOIN customers ON df.cust = customers.cust", false],
  ["SELECT id FROM df WHERE sum(qty) > 1", false],
  ["SELECT id FROM df UNION SELECT id, cust FROM df", false],
  ["SELECT id FROM df ORDER BY 9", false],
  ["SELECT (SELECT id, name FROM emp) AS two", false],
  ["SELECT id FROM df WHERE cust IN (SELECT id, name FROM emp)", false],
  ["SELECT row_number() FROM df", false],
  ["WITH a AS (SELECT 1 AS x) SELECT * FROM b", false],
  ["SELECT id FROM df WHERE product", false],
  ["SELECT id FROM df WHERE id >", false],
  ["SELECT 1 / 0 AS boom", false],
  ["SELECT * FROM VALUES (1, 'a'), (2, null), (3, 'c') AS t(n, s) WHERE n > 1 ORDER BY n", true],
  ["VALUES (1, 2.5D), (2, null)", false],
  ["SELECT col1 * 2 AS twice FROM VALUES 1, 2, 3", false],
  ["SELECT d.id, v.label FROM df d JOIN (VALUES (1, 'one'), (2, 'two')) AS v(cust, label) ON d.cust = v.cust ORDER BY d.id", true],
  ["SELECT * FROM VALUES (1, 2), (3) AS t(a, b)", false],
  ["SELECT cust, product, sum(qty) AS q FROM df GROUP BY ROLLUP (cust, product)", false],
  ["SELECT cust, product, count(*) AS n, grouping_id() AS g FROM df GROUP BY CUBE (cust, product)", false],
  ["SELECT cust, product, sum(amount) AS s FROM df GROUP BY GROUPING SETS ((cust, product), (cust), ())", false],
  ["SELECT cust, sum(qty) AS q FROM df GROUP BY cust WITH ROLLUP", false],
  ["SELECT cust, sum(qty) AS q FROM df GROUP BY ROLLUP (cust) HAVING sum(qty) > 3 ORDER BY cust NULLS FIRST", true],
  ["SELECT cust, grouping(cust) AS g, sum(qty) AS q FROM df GROUP BY ROLLUP (cust) ORDER BY cust NULLS FIRST, g", true],
  ["SELECT product, count(*) AS n FROM df GROUP BY GROUPING SETS (product, ()) ORDER BY n DESC, product NULLS FIRST", true],
  // Expressions over the keys outside aggregates: a key a set leaves out is null there; aggregates read the input.
  ["SELECT cust, upper(product) AS u, cust + 1 AS c1, sum(cust) AS sc, count(*) AS n FROM df GROUP BY ROLLUP (cust, product)", false],
  ["SELECT coalesce(product, 'ALL') AS label, grouping(product) AS g, sum(qty) AS q FROM df GROUP BY ROLLUP (product) ORDER BY g, label", true],
  ["SELECT concat_ws('/', product, cast(cust AS STRING)) AS k, grouping_id() AS g, count(*) AS n FROM df GROUP BY CUBE (product, cust)", false],
  ["SELECT qty % 2 AS parity, (qty % 2) * 10 AS p10, count(*) AS n FROM df GROUP BY GROUPING SETS ((qty % 2), ())", false],
  // A name both an input column and a select alias under ROLLUP, CUBE and GROUPING SETS: the column, as in a plain GROUP BY.
  ["SELECT coalesce(product, 'ALL') AS product, sum(qty) AS q FROM df GROUP BY ROLLUP (product) ORDER BY q, product", true],
  ["SELECT round(price) AS price, category, sum(stock) AS s FROM products GROUP BY CUBE (price, category)", false],
  ["SELECT upper(product) AS product, grouping(product) AS g, count(*) AS n FROM df GROUP BY GROUPING SETS ((product), ()) ORDER BY g, product NULLS FIRST, n", true],
  // An alias that is no input column: its expression, under ROLLUP too.
  ["SELECT qty % 2 AS parity, count(*) AS n FROM df GROUP BY ROLLUP (parity)", false],
  // A kept key is read whole, even when a key inside it is left out; names in any case or qualified reach the keys.
  ["SELECT substr(product, 1, 2) AS pre, product, sum(qty) AS q FROM df GROUP BY ROLLUP (substr(product, 1, 2), product)", false],
  ["SELECT upper(d.product) AS u, grouping(d.Product) AS g, count(*) AS n FROM df d GROUP BY ROLLUP (product)", false],
  ["SELECT QTY + 1 AS q1, count(*) AS n FROM df GROUP BY CUBE (qty + 1)", false],
  // grouping() in HAVING and ORDER BY only; a grand total over no rows.
  ["SELECT cust, sum(qty) AS q FROM df GROUP BY ROLLUP (cust) HAVING grouping(cust) = 0 ORDER BY cust NULLS FIRST", true],
  ["SELECT cust, count(*) AS n FROM empty_orders GROUP BY ROLLUP (cust)", false],
  // UNION's column types: the wider of each column's types, as Spark's WidenSetOperationTypes finds it.
  ["SELECT interval '3' day AS i UNION ALL SELECT interval '1 02:00:00' day to second", false],
  ["SELECT interval '2' hour AS i UNION ALL SELECT interval '3' day", false],
  ["SELECT CAST(d AS STRING) AS d FROM (SELECT day AS d FROM df UNION ALL SELECT timestamp '2024-01-05 10:00:00')", false],
  ["SELECT CAST(d AS STRING) AS d FROM (SELECT timestamp_ntz '2024-01-05 10:00:00' AS d UNION ALL SELECT day FROM df)", false],
  ["SELECT CAST(1.5 AS DECIMAL(5,2)) AS x UNION ALL SELECT CAST(123456 AS DECIMAL(10,0))", false],
  ["SELECT id FROM df UNION ALL SELECT CAST(2.5 AS DECIMAL(4,1))", false],
  ["SELECT product FROM df UNION ALL SELECT 1", false],
];

/**
 * Known, documented differences: statements Spark answers and sparkfn does not yet, each with
 * the reason and what sparkfn does instead (a clear refusal, or the one documented change).
 * The test checks both sides: Spark answers as described and sparkfn behaves as listed, so a
 * difference that goes away fails here and its statement moves up into QUERIES.
 */
interface KnownDifference {
  readonly sql: string;
  readonly why: string;
  /** What sparkfn does: refuses with this message, or answers with the listed column types and Spark's values. */
  readonly sparkfn: { readonly refuses: RegExp } | { readonly types: readonly string[] };
  /** What Spark does, when it refuses and sparkfn answers. */
  readonly spark?: "refuses";
}

const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
];

describe("spark.sql corpus against Spark", () => {
  const d = useChainDifferential("spark-sql-corpus", TABLES);
  // Spark's answers, all asked for from the start (the oracle answers them in order, two at a
  // time: one per connection), while the tests run sparkfn's.
  const answers = new Map<string, Promise<ChainAnswer>>();
  beforeAll(() => {
    for (const name of Object.keys(TABLES)) d.frames[name]!.createOrReplaceTempView(name);
    for (const [text] of QUERIES) {
      const answer = d.sparkAnswer([["$sql", [text]]]);
      answer.catch(() => undefined);
      answers.set(text, answer);
    }
  });
  for (const [text, ordered] of QUERIES) {
    it(text, async () => {
      let built;
      try {
        built = d.spark().sql(text);
      } catch (error) {
        built = { kind: "refused" as const, message: (error as Error).message };
      }
      // Spark's answer counts a failure while running as a refusal; so does sparkfn's.
      let got: ChainAnswer;
      try {
        got = "kind" in built ? built : await d.sparkfnAnswer(built);
      } catch (error) {
        got = { kind: "refused", message: (error as Error).message };
      }
      const expected = await answers.get(text)!;
      if (expected.kind === "refused" || got.kind === "refused") {
        const said = (x: ChainAnswer) => (x.kind === "refused" ? `refused: ${x.message.split("\n")[0]}` : `answered ${x.rows.length} rows`);
        expect(got.kind, `${text}\nSpark ${said(expected)}\nsparkfn ${said(got)}`).toBe(expected.kind);
        return;
      }
      expect(got.columns, text).toEqual(expected.columns);
      expectSameRows(expected.rows, got.rows, ordered, text);
    });
  }
});

// None are left at the moment: the suite comes back with the next one.
describe.skipIf(KNOWN_DIFFERENCES.length === 0)("known differences from Spark, each documented", () => {
  const d = useChainDifferential("spark-sql-known-differences", TABLES);
  beforeAll(() => {
    for (const name of Object.keys(TABLES)) d.frames[name]!.createOrReplaceTempView(name);
  });
  for (const known of KNOWN_DIFFERENCES) {
    it(`${known.sql} (${known.why})`, async () => {
      const expected = await d.sparkAnswer([["$sql", [known.sql]]]);
      expect(expected.kind, `Spark ${known.spark === "refuses" ? "refuses" : "answers"} ${known.sql}`).toBe(known.spark === "refuses" ? "refused" : "frame");
      let got: ChainAnswer;
      try {
        got = await d.sparkfnAnswer(d.spark().sql(known.sql));
      } catch (error) {
        got = { kind: "refused", message: (error as Error).message };
      }
      if ("refuses" in known.sparkfn) {
        expect(got.kind === "refused" ? got.message : "answered", "sparkfn's refusal (if it now answers, move the statement into QUERIES)").toMatch(known.sparkfn.refuses);
        return;
      }
      if (got.kind !== "frame") throw new Error(`sparkfn refused ${known.sql}: ${got.message}`);
      const [names, types] = [got.columns.map((c) => c.split(": ")[0]), got.columns.map((c) => c.split(": ")[1])];
      expect(types, "sparkfn's column types").toEqual(known.sparkfn.types);
      if (expected.kind === "frame") {
        // Only the types differ: the names and values are Spark's.
        expect(names).toEqual(expected.columns.map((c) => c.split(": ")[0]));
        expect(got.columns).not.toEqual(expected.columns);
        // A decimal comes tagged from the oracle (SparkOther "$decimal", "0.07"): compared as the number it writes.
        const plain = (v: unknown) => (v instanceof SparkOther && v.tag === "$decimal" ? Number(v.value) : Number(v));
        const rows = (xs: readonly (readonly unknown[])[]) => xs.map((r) => JSON.stringify(r.map((v) => (v === null ? null : plain(v))))).sort();
        expect(rows(got.rows)).toEqual(rows(expected.rows));
      }
    });
  }
});
