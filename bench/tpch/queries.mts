/**
 * The 22 TPC-H queries written with sparkfn's DataFrame API, the way a PySpark user would
 * write them (validation parameters, as bench/tpch/sql.mts). Each is a function of the
 * session and a table loader (`table("lineitem")` reads that table's Parquet files) that
 * returns the query's DataFrame, with the SQL answer's column names in the SQL order.
 *
 * What the engine lacks, and how the queries do without (noted again where it matters):
 *   - no interval or date arithmetic functions: date bounds are computed in plain
 *     JavaScript on the driver (addDays / addMonths below) and compared as date literals;
 *   - no DECIMAL type: Parquet decimals are read as doubles, so money is floating point
 *     (answers are compared with a tolerance). Where SQL compares two separately computed
 *     sums for equality (Q15), the DataFrame compares within a relative 1e-9;
 *   - no subqueries: IN / EXISTS become semi joins, NOT IN / NOT EXISTS anti joins, a
 *     correlated scalar subquery an aggregation joined back on its correlation keys, an
 *     uncorrelated scalar subquery a one-row aggregation joined with a non-equi condition;
 *   - no table aliases: a table used twice (nation in Q7 and Q8, lineitem in Q21) is
 *     selected again with its columns renamed;
 *   - agg() takes aggregate functions only (no `sum(a) / sum(b)`, no `100 * sum(...)`):
 *     such expressions are computed by a select() after the aggregation;
 *   - no `extract(year ...)` in groupBy by name: year(...) is added with withColumn first.
 */
import { avg, col, count, countDistinct, lit, max, min, not, substring, sum, when, year, type Column, type DataFrame, type SparkSession } from "../../driver/index.ts";
import type { TpchTable } from "./generate.mts";

export type TableLoader = (name: TpchTable) => DataFrame;
export type TpchQuery = (spark: SparkSession, table: TableLoader) => DataFrame;

// ---- dates, computed on the driver ----------------------------------------------------------

const parseDay = (s: string) => {
  const [y, m, d] = s.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};
const formatDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** "1998-12-01" minus 90 days, as SQL's `date '1998-12-01' - interval '90' day`. */
export const addDays = (day: string, days: number) => formatDay(parseDay(day) + days * 86_400_000);

/** `date + interval 'n' month` (the TPC-H dates are all on the 1st, so no month-end clamping is needed). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return formatDay(Date.UTC(y, m - 1 + months, d));
}

export const addYears = (day: string, years: number) => addMonths(day, 12 * years);

/** A date literal. */
const date = (day: string) => lit(day).cast("date");

// ---- shared expressions -----------------------------------------------------------------------

/** l_extendedprice * (1 - l_discount) */
const discounted = () => col("l_extendedprice").multiply(lit(1).minus(col("l_discount")));

const eq = (a: string, b: string) => col(a).equalTo(col(b));

// ---- the queries ------------------------------------------------------------------------------

/** Q1 Pricing Summary Report. */
const q01: TpchQuery = (_spark, table) =>
  table("lineitem")
    .filter(col("l_shipdate").leq(date(addDays("1998-12-01", -90))))
    .withColumn("disc_price", discounted())
    .withColumn("charge", col("disc_price").multiply(lit(1).plus(col("l_tax"))))
    .groupBy("l_returnflag", "l_linestatus")
    .agg(
      sum("l_quantity").alias("sum_qty"),
      sum("l_extendedprice").alias("sum_base_price"),
      sum("disc_price").alias("sum_disc_price"),
      sum("charge").alias("sum_charge"),
      avg("l_quantity").alias("avg_qty"),
      avg("l_extendedprice").alias("avg_price"),
      avg("l_discount").alias("avg_disc"),
      count("*").alias("count_order"),
    )
    .orderBy("l_returnflag", "l_linestatus");

/**
 * Q2 Minimum Cost Supplier. The correlated subquery (the lowest supply cost of the part
 * among European suppliers) is an aggregation per part joined back on part and cost.
 */
const q02: TpchQuery = (_spark, table) => {
  const europeSuppliers = table("region")
    .filter(col("r_name").equalTo("EUROPE"))
    .join(table("nation"), eq("r_regionkey", "n_regionkey"))
    .join(table("supplier"), eq("n_nationkey", "s_nationkey"));
  const europeOffers = table("partsupp").join(europeSuppliers, eq("ps_suppkey", "s_suppkey"));
  const lowest = europeOffers
    .groupBy("ps_partkey")
    .agg(min("ps_supplycost").alias("min_supplycost"))
    .withColumnRenamed("ps_partkey", "min_partkey");
  return table("part")
    .filter(col("p_size").equalTo(15).and(col("p_type").like("%BRASS")))
    .join(europeOffers, eq("p_partkey", "ps_partkey"))
    .join(lowest, eq("ps_partkey", "min_partkey").and(eq("ps_supplycost", "min_supplycost")))
    .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
    .orderBy(col("s_acctbal").desc(), "n_name", "s_name", "p_partkey")
    .limit(100);
};

/** Q3 Shipping Priority. */
const q03: TpchQuery = (_spark, table) =>
  table("customer")
    .filter(col("c_mktsegment").equalTo("BUILDING"))
    .join(table("orders").filter(col("o_orderdate").lt(date("1995-03-15"))), eq("c_custkey", "o_custkey"))
    .join(table("lineitem").filter(col("l_shipdate").gt(date("1995-03-15"))), eq("l_orderkey", "o_orderkey"))
    .withColumn("volume", discounted())
    .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
    .agg(sum("volume").alias("revenue"))
    .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
    .orderBy(col("revenue").desc(), "o_orderdate")
    .limit(10);

/** Q4 Order Priority Checking. EXISTS (late lineitem of the order) is a semi join. */
const q04: TpchQuery = (_spark, table) => {
  const from = "1993-07-01";
  return table("orders")
    .filter(col("o_orderdate").geq(date(from)).and(col("o_orderdate").lt(date(addMonths(from, 3)))))
    .join(table("lineitem").filter(col("l_commitdate").lt(col("l_receiptdate"))), eq("o_orderkey", "l_orderkey"), "semi")
    .groupBy("o_orderpriority")
    .agg(count("*").alias("order_count"))
    .orderBy("o_orderpriority");
};

/** Q5 Local Supplier Volume. */
const q05: TpchQuery = (_spark, table) => {
  const from = "1994-01-01";
  const asia = table("region").filter(col("r_name").equalTo("ASIA")).join(table("nation"), eq("r_regionkey", "n_regionkey"));
  return table("customer")
    .join(table("orders").filter(col("o_orderdate").geq(date(from)).and(col("o_orderdate").lt(date(addYears(from, 1))))), eq("c_custkey", "o_custkey"))
    .join(table("lineitem"), eq("l_orderkey", "o_orderkey"))
    .join(table("supplier"), eq("l_suppkey", "s_suppkey").and(eq("c_nationkey", "s_nationkey")))
    .join(asia, eq("s_nationkey", "n_nationkey"))
    .withColumn("volume", discounted())
    .groupBy("n_name")
    .agg(sum("volume").alias("revenue"))
    .orderBy(col("revenue").desc());
};

/**
 * Q6 Forecasting Revenue Change. `l_discount between 0.06 - 0.01 and 0.06 + 0.01` is
 * written with the bounds 0.05 and 0.07: in doubles 0.06 + 0.01 is 0.06999999999999999,
 * which would leave out the discounts of exactly 0.07 that the decimal SQL keeps.
 */
const q06: TpchQuery = (_spark, table) => {
  const from = "1994-01-01";
  return table("lineitem")
    .filter(
      col("l_shipdate").geq(date(from))
        .and(col("l_shipdate").lt(date(addYears(from, 1))))
        .and(col("l_discount").between(0.05, 0.07))
        .and(col("l_quantity").lt(24)),
    )
    .agg(sum(col("l_extendedprice").multiply(col("l_discount"))).alias("revenue"));
};

/** Q7 Volume Shipping. nation appears twice, as n1 (the supplier's) and n2 (the customer's), as in the SQL text. */
const q07: TpchQuery = (_spark, table) => {
  const pair = ["FRANCE", "GERMANY"];
  const nations = () => table("nation").filter(col("n_name").isin(pair));
  return table("supplier")
    .join(nations().alias("n1"), eq("s_nationkey", "n1.n_nationkey"))
    .join(table("lineitem").filter(col("l_shipdate").between(date("1995-01-01"), date("1996-12-31"))), eq("s_suppkey", "l_suppkey"))
    .join(table("orders"), eq("o_orderkey", "l_orderkey"))
    .join(table("customer"), eq("c_custkey", "o_custkey"))
    .join(nations().alias("n2"), eq("c_nationkey", "n2.n_nationkey"))
    .filter(
      col("n1.n_name").equalTo("FRANCE").and(col("n2.n_name").equalTo("GERMANY"))
        .or(col("n1.n_name").equalTo("GERMANY").and(col("n2.n_name").equalTo("FRANCE"))),
    )
    .select(col("n1.n_name").alias("supp_nation"), col("n2.n_name").alias("cust_nation"), year("l_shipdate").alias("l_year"), discounted().alias("volume"))
    .groupBy("supp_nation", "cust_nation", "l_year")
    .agg(sum("volume").alias("revenue"))
    .orderBy("supp_nation", "cust_nation", "l_year");
};

/** Q8 National Market Share. nation appears twice, as n1 (the customer's) and n2 (the supplier's); the share (a ratio of two sums) is computed after agg(). */
const q08: TpchQuery = (_spark, table) => {
  return table("part")
    .filter(col("p_type").equalTo("ECONOMY ANODIZED STEEL"))
    .join(table("lineitem"), eq("p_partkey", "l_partkey"))
    .join(table("supplier"), eq("s_suppkey", "l_suppkey"))
    .join(table("orders").filter(col("o_orderdate").between(date("1995-01-01"), date("1996-12-31"))), eq("l_orderkey", "o_orderkey"))
    .join(table("customer"), eq("o_custkey", "c_custkey"))
    .join(table("nation").alias("n1"), eq("c_nationkey", "n1.n_nationkey"))
    .join(table("region").filter(col("r_name").equalTo("AMERICA")), eq("n1.n_regionkey", "r_regionkey"))
    .join(table("nation").alias("n2"), eq("s_nationkey", "n2.n_nationkey"))
    .withColumn("nation", col("n2.n_name"))
    .withColumn("o_year", year("o_orderdate"))
    .withColumn("volume", discounted())
    .withColumn("brazil_volume", when(col("nation").equalTo("BRAZIL"), col("volume")).otherwise(0))
    .groupBy("o_year")
    .agg(sum("brazil_volume").alias("brazil"), sum("volume").alias("total"))
    .select("o_year", col("brazil").divide(col("total")).alias("mkt_share"))
    .orderBy("o_year");
};

/** Q9 Product Type Profit Measure. */
const q09: TpchQuery = (_spark, table) =>
  table("lineitem")
    .join(table("part").filter(col("p_name").like("%green%")), eq("l_partkey", "p_partkey"))
    .join(table("partsupp"), eq("l_suppkey", "ps_suppkey").and(eq("l_partkey", "ps_partkey")))
    .join(table("supplier"), eq("l_suppkey", "s_suppkey"))
    .join(table("orders"), eq("l_orderkey", "o_orderkey"))
    .join(table("nation"), eq("s_nationkey", "n_nationkey"))
    .select(
      col("n_name").alias("nation"),
      year("o_orderdate").alias("o_year"),
      discounted().minus(col("ps_supplycost").multiply(col("l_quantity"))).alias("amount"),
    )
    .groupBy("nation", "o_year")
    .agg(sum("amount").alias("sum_profit"))
    .orderBy("nation", col("o_year").desc());

/** Q10 Returned Item Reporting. */
const q10: TpchQuery = (_spark, table) => {
  const from = "1993-10-01";
  return table("customer")
    .join(table("orders").filter(col("o_orderdate").geq(date(from)).and(col("o_orderdate").lt(date(addMonths(from, 3))))), eq("c_custkey", "o_custkey"))
    .join(table("lineitem").filter(col("l_returnflag").equalTo("R")), eq("l_orderkey", "o_orderkey"))
    .join(table("nation"), eq("c_nationkey", "n_nationkey"))
    .withColumn("volume", discounted())
    .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
    .agg(sum("volume").alias("revenue"))
    .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
    .orderBy(col("revenue").desc())
    .limit(20);
};

/**
 * Q11 Important Stock Identification. The HAVING's scalar subquery (a fraction of the
 * German total) is a one-row aggregation joined with the non-equi condition.
 */
const q11: TpchQuery = (_spark, table) => {
  const germanStock = table("partsupp")
    .join(table("supplier"), eq("ps_suppkey", "s_suppkey"))
    .join(table("nation").filter(col("n_name").equalTo("GERMANY")), eq("s_nationkey", "n_nationkey"))
    .withColumn("stock_value", col("ps_supplycost").multiply(col("ps_availqty")));
  const threshold = germanStock.agg(sum("stock_value").alias("total_value")).select(col("total_value").multiply(0.0001).alias("threshold"));
  return germanStock
    .groupBy("ps_partkey")
    .agg(sum("stock_value").alias("value"))
    .join(threshold, col("value").gt(col("threshold")))
    .select("ps_partkey", "value")
    .orderBy(col("value").desc());
};

/** Q12 Shipping Modes and Order Priority. */
const q12: TpchQuery = (_spark, table) => {
  const from = "1994-01-01";
  const high = col("o_orderpriority").equalTo("1-URGENT").or(col("o_orderpriority").equalTo("2-HIGH"));
  const low = col("o_orderpriority").notEqual("1-URGENT").and(col("o_orderpriority").notEqual("2-HIGH"));
  return table("orders")
    .join(
      table("lineitem").filter(
        col("l_shipmode").isin("MAIL", "SHIP")
          .and(col("l_commitdate").lt(col("l_receiptdate")))
          .and(col("l_shipdate").lt(col("l_commitdate")))
          .and(col("l_receiptdate").geq(date(from)))
          .and(col("l_receiptdate").lt(date(addYears(from, 1)))),
      ),
      eq("o_orderkey", "l_orderkey"),
    )
    .groupBy("l_shipmode")
    .agg(sum(when(high, 1).otherwise(0)).alias("high_line_count"), sum(when(low, 1).otherwise(0)).alias("low_line_count"))
    .orderBy("l_shipmode");
};

/**
 * Q13 Customer Distribution. The outer join's extra condition on orders (`o_comment not
 * like ...`) filters orders before the join, which is the same for a left join's right side.
 */
const q13: TpchQuery = (_spark, table) =>
  table("customer")
    .join(table("orders").filter(not(col("o_comment").like("%special%requests%"))), eq("c_custkey", "o_custkey"), "left")
    .groupBy("c_custkey")
    .agg(count("o_orderkey").alias("c_count"))
    .groupBy("c_count")
    .agg(count("*").alias("custdist"))
    .orderBy(col("custdist").desc(), col("c_count").desc());

/** Q14 Promotion Effect. `100.00 * sum(...) / sum(...)` is computed after agg(). */
const q14: TpchQuery = (_spark, table) => {
  const from = "1995-09-01";
  return table("lineitem")
    .filter(col("l_shipdate").geq(date(from)).and(col("l_shipdate").lt(date(addMonths(from, 1)))))
    .join(table("part"), eq("l_partkey", "p_partkey"))
    .withColumn("volume", discounted())
    .agg(sum(when(col("p_type").like("PROMO%"), col("volume")).otherwise(0)).alias("promo"), sum("volume").alias("total"))
    .select(lit(100).multiply(col("promo")).divide(col("total")).alias("promo_revenue"));
};

/**
 * Q15 Top Supplier. The view revenue0 is a DataFrame used twice; `total_revenue = (select
 * max(total_revenue) ...)` compares within a relative 1e-9, because the two sides are double
 * sums computed by two branches of the plan (SQL compares exact decimals).
 */
const q15: TpchQuery = (_spark, table) => {
  const from = "1996-01-01";
  const revenue = table("lineitem")
    .filter(col("l_shipdate").geq(date(from)).and(col("l_shipdate").lt(date(addMonths(from, 3)))))
    .withColumn("volume", discounted())
    .groupBy("l_suppkey")
    .agg(sum("volume").alias("total_revenue"))
    .withColumnRenamed("l_suppkey", "supplier_no");
  const top = revenue.agg(max("total_revenue").alias("max_revenue"));
  return table("supplier")
    .join(revenue, eq("s_suppkey", "supplier_no"))
    .join(top, col("total_revenue").geq(col("max_revenue").multiply(1 - 1e-9)))
    .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
    .orderBy("s_suppkey");
};

/** Q16 Parts/Supplier Relationship. NOT IN (complaining suppliers) is an anti join (s_suppkey is never null). */
const q16: TpchQuery = (_spark, table) => {
  const complaints = table("supplier").filter(col("s_comment").like("%Customer%Complaints%")).select("s_suppkey");
  return table("part")
    .filter(
      col("p_brand").notEqual("Brand#45")
        .and(not(col("p_type").like("MEDIUM POLISHED%")))
        .and(col("p_size").isin(49, 14, 23, 45, 19, 3, 36, 9)),
    )
    .join(table("partsupp"), eq("p_partkey", "ps_partkey"))
    .join(complaints, eq("ps_suppkey", "s_suppkey"), "anti")
    .groupBy("p_brand", "p_type", "p_size")
    .agg(countDistinct("ps_suppkey").alias("supplier_cnt"))
    .orderBy(col("supplier_cnt").desc(), "p_brand", "p_type", "p_size");
};

/**
 * Q17 Small-Quantity-Order Revenue. The correlated subquery (a fifth of the part's average
 * quantity) is an aggregation per part joined back on the part; `sum(...) / 7.0` after agg().
 */
const q17: TpchQuery = (_spark, table) => {
  const lines = table("lineitem").join(
    table("part").filter(col("p_brand").equalTo("Brand#23").and(col("p_container").equalTo("MED BOX"))),
    eq("l_partkey", "p_partkey"),
  );
  const limits = lines.groupBy("l_partkey").agg(avg("l_quantity").alias("avg_quantity")).select(col("l_partkey").alias("limit_partkey"), lit(0.2).multiply(col("avg_quantity")).alias("quantity_limit"));
  return lines
    .join(limits, eq("l_partkey", "limit_partkey"))
    .filter(col("l_quantity").lt(col("quantity_limit")))
    .agg(sum("l_extendedprice").alias("total"))
    .select(col("total").divide(7.0).alias("avg_yearly"));
};

/** Q18 Large Volume Customer. IN (orders over 300 units) is a semi join. */
const q18: TpchQuery = (_spark, table) => {
  const large = table("lineitem")
    .groupBy("l_orderkey")
    .agg(sum("l_quantity").alias("order_quantity"))
    .filter(col("order_quantity").gt(300))
    .select(col("l_orderkey").alias("large_orderkey"));
  return table("orders")
    .join(large, eq("o_orderkey", "large_orderkey"), "semi")
    .join(table("customer"), eq("o_custkey", "c_custkey"))
    .join(table("lineitem"), eq("o_orderkey", "l_orderkey"))
    .groupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
    .agg(sum("l_quantity").alias("sum(l_quantity)"))
    .orderBy(col("o_totalprice").desc(), "o_orderdate")
    .limit(100);
};

/** Q19 Discounted Revenue. The join key common to the three OR branches is the join condition. */
const q19: TpchQuery = (_spark, table) => {
  const branch = (brand: string, containers: string[], quantity: number, maxSize: number): Column =>
    col("p_brand").equalTo(brand)
      .and(col("p_container").isin(containers))
      .and(col("l_quantity").geq(quantity))
      .and(col("l_quantity").leq(quantity + 10))
      .and(col("p_size").between(1, maxSize));
  return table("lineitem")
    .filter(col("l_shipmode").isin("AIR", "AIR REG").and(col("l_shipinstruct").equalTo("DELIVER IN PERSON")))
    .join(table("part"), eq("l_partkey", "p_partkey"))
    .filter(
      branch("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
        .or(branch("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10))
        .or(branch("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 15)),
    )
    .agg(sum(discounted()).alias("revenue"));
};

/**
 * Q20 Potential Part Promotion. The nested IN subqueries are semi joins; the correlated
 * `0.5 * sum(l_quantity)` is an aggregation per (part, supplier) joined back (an inner join:
 * with no shipments the SQL subquery is null and the comparison fails, as a missing match does).
 */
const q20: TpchQuery = (_spark, table) => {
  const from = "1994-01-01";
  const shipped = table("lineitem")
    .filter(col("l_shipdate").geq(date(from)).and(col("l_shipdate").lt(date(addYears(from, 1)))))
    .groupBy("l_partkey", "l_suppkey")
    .agg(sum("l_quantity").alias("shipped_quantity"));
  const excess = table("partsupp")
    .join(table("part").filter(col("p_name").like("forest%")), eq("ps_partkey", "p_partkey"), "semi")
    .join(shipped, eq("ps_partkey", "l_partkey").and(eq("ps_suppkey", "l_suppkey")))
    .filter(col("ps_availqty").gt(lit(0.5).multiply(col("shipped_quantity"))))
    .select("ps_suppkey");
  return table("supplier")
    .join(table("nation").filter(col("n_name").equalTo("CANADA")), eq("s_nationkey", "n_nationkey"))
    .join(excess, eq("s_suppkey", "ps_suppkey"), "semi")
    .select("s_name", "s_address")
    .orderBy("s_name");
};

/**
 * Q21 Suppliers Who Kept Orders Waiting. lineitem appears three times, as l1, l2 and l3 in
 * the SQL text; EXISTS is a semi join and NOT EXISTS an anti join, both with the residual
 * condition `l_suppkey <> other supplier`.
 */
const q21: TpchQuery = (_spark, table) => {
  const late = () => table("lineitem").filter(col("l_receiptdate").gt(col("l_commitdate")));
  return table("supplier")
    .join(table("nation").filter(col("n_name").equalTo("SAUDI ARABIA")), eq("s_nationkey", "n_nationkey"))
    .join(late().alias("l1"), eq("s_suppkey", "l1.l_suppkey"))
    .join(table("orders").filter(col("o_orderstatus").equalTo("F")), eq("o_orderkey", "l1.l_orderkey"))
    .join(table("lineitem").alias("l2"), eq("l1.l_orderkey", "l2.l_orderkey").and(col("l2.l_suppkey").notEqual(col("l1.l_suppkey"))), "semi")
    .join(late().alias("l3"), eq("l1.l_orderkey", "l3.l_orderkey").and(col("l3.l_suppkey").notEqual(col("l1.l_suppkey"))), "anti")
    .groupBy("s_name")
    .agg(count("*").alias("numwait"))
    .orderBy(col("numwait").desc(), "s_name")
    .limit(100);
};

/**
 * Q22 Global Sales Opportunity. The scalar subquery (average positive balance) is a one-row
 * aggregation joined with the non-equi condition; NOT EXISTS (orders) is an anti join.
 */
const q22: TpchQuery = (_spark, table) => {
  const codes = ["13", "31", "23", "29", "30", "18", "17"];
  const candidates = table("customer").withColumn("cntrycode", substring("c_phone", 1, 2)).filter(col("cntrycode").isin(codes));
  const average = candidates.filter(col("c_acctbal").gt(0)).agg(avg("c_acctbal").alias("avg_acctbal"));
  return candidates
    .join(average, col("c_acctbal").gt(col("avg_acctbal")))
    .join(table("orders"), eq("c_custkey", "o_custkey"), "anti")
    .groupBy("cntrycode")
    .agg(count("*").alias("numcust"), sum("c_acctbal").alias("totacctbal"))
    .orderBy("cntrycode");
};

export const TPCH_QUERIES: Readonly<Record<string, TpchQuery>> = {
  q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11,
  q12, q13, q14, q15, q16, q17, q18, q19, q20, q21, q22,
};
