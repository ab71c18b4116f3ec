/**
 * Deterministic benchmark data (seeded; the same size and seed always give the same bytes):
 *
 *   transactions  id LONG, category STRING (12 values), amount DOUBLE (0.01-4999.99, two
 *                 decimals, about 1% null), customer_id INT (0..customers-1), ts STRING
 *                 ("2024-03-07 12:34:56")
 *   customers     customer_id INT, segment STRING (5 values), country STRING (20 values),
 *                 since INT (a year)
 *
 * as CSV (with a header) and as Parquet, written by the engine's own Parquet writer
 * (hyparquet-writer, row groups of 100,000 rows, snappy). Files are kept in the data
 * directory and reused when they already exist (bench/.data by default, git-ignored).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { writeParquetFile } from "../executor-fn/io/parquet-writer.ts";
import type { Row, Schema } from "../shared/plan/types.ts";
import { seededRandom } from "../shared/random.ts";

export const CATEGORIES = ["Electronics", "Clothing", "Groceries", "Books", "Toys", "Home", "Sports", "Beauty", "Automotive", "Garden", "Health", "Music"] as const;
const SEGMENTS = ["consumer", "corporate", "home-office", "small-business", "public"] as const;
const COUNTRIES = ["US", "DE", "FR", "GB", "ES", "IT", "NL", "SE", "PL", "BR", "MX", "CA", "JP", "KR", "IN", "AU", "ZA", "NG", "EG", "AR"] as const;

export const TRANSACTIONS_DDL = "id LONG, category STRING, amount DOUBLE, customer_id INT, ts STRING";
export const TRANSACTIONS_SCHEMA: Schema = {
  fields: [
    { name: "id", type: "long", nullable: true },
    { name: "category", type: "string", nullable: true },
    { name: "amount", type: "double", nullable: true },
    { name: "customer_id", type: "int", nullable: true },
    { name: "ts", type: "string", nullable: true },
  ],
};
export const CUSTOMERS_DDL = "customer_id INT, segment STRING, country STRING, since INT";
export const CUSTOMERS_SCHEMA: Schema = {
  fields: [
    { name: "customer_id", type: "int", nullable: true },
    { name: "segment", type: "string", nullable: true },
    { name: "country", type: "string", nullable: true },
    { name: "since", type: "int", nullable: true },
  ],
};

const TS_START = Date.UTC(2024, 0, 1) / 1000;

/** Transaction rows [id, category, amount | null, customer_id, ts], in id order. */
export function* transactionRows(count: number, customers: number, seed = 42, firstId = 1): Generator<Row> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    const cents = 1 + Math.floor(random() * 499_999);
    const amount = random() < 0.01 ? null : cents / 100;
    const customer = Math.floor(random() * customers);
    const ts = new Date((TS_START + Math.floor(random() * 366 * 86_400)) * 1000).toISOString().slice(0, 19).replace("T", " ");
    yield [firstId + i, category, amount, customer, ts];
  }
}

export function* customerRows(count: number, seed = 7): Generator<Row> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    yield [i, SEGMENTS[Math.floor(random() * SEGMENTS.length)]!, COUNTRIES[Math.floor(random() * COUNTRIES.length)]!, 2010 + Math.floor(random() * 15)];
  }
}

/** A CSV field: null is empty, numbers print as JavaScript does (amounts with up to two decimals). */
const field = (v: Row[number]) => (v === null || v === undefined ? "" : String(v));

export function csvText(header: Schema, rows: Iterable<Row>): string {
  const lines = [header.fields.map((f) => f.name).join(",")];
  for (const row of rows) lines.push(row.map(field).join(","));
  return lines.join("\n") + "\n";
}

/** What the seed query (amount > 1000, group by category, sum amount) must answer. */
export interface AggCheck {
  /** Groups in the answer. */
  readonly groups: number;
  /** Rows that pass the filter. */
  readonly rows: number;
  /** The sum of all groups' totals, in cents (exact). */
  readonly totalCents: number;
}

export interface Dataset {
  readonly rows: number;
  readonly customers: number;
  readonly transactionsCsv: string;
  readonly transactionsParquet: string;
  readonly customersCsv: string;
  readonly customersParquet: string;
  readonly csvBytes: number;
  readonly check: AggCheck;
}

async function atomicWrite(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** The seed query's expected answer, computed in cents. */
export function aggCheck(rows: Iterable<Row>): AggCheck {
  const groups = new Set<string>();
  let n = 0;
  let cents = 0;
  for (const row of rows) {
    const amount = row[2] as number | null;
    if (amount === null || !(amount > 1000)) continue;
    groups.add(row[1] as string);
    n++;
    cents += Math.round(amount * 100);
  }
  return { groups: groups.size, rows: n, totalCents: cents };
}

/** Generates (or reuses) the transactions and customers files for `rows` transactions. */
export async function dataset(dataDir: string, rows: number, customers: number, log: (m: string) => void = () => undefined): Promise<Dataset> {
  await mkdir(dataDir, { recursive: true });
  const base = path.join(dataDir, `transactions-${rows}-c${customers}`);
  const cbase = path.join(dataDir, `customers-${customers}`);
  const files = {
    transactionsCsv: `${base}.csv`,
    transactionsParquet: `${base}.parquet`,
    customersCsv: `${cbase}.csv`,
    customersParquet: `${cbase}.parquet`,
    meta: `${base}.json`,
  };
  if (!Object.values(files).every((f) => existsSync(f))) {
    const start = performance.now();
    const all = [...transactionRows(rows, customers)];
    const check = aggCheck(all);
    const csv = csvText(TRANSACTIONS_SCHEMA, all);
    await atomicWrite(files.transactionsCsv, csv);
    await atomicWrite(files.transactionsParquet, writeParquetFile(all, TRANSACTIONS_SCHEMA));
    const dim = [...customerRows(customers)];
    await atomicWrite(files.customersCsv, csvText(CUSTOMERS_SCHEMA, dim));
    await atomicWrite(files.customersParquet, writeParquetFile(dim, CUSTOMERS_SCHEMA));
    await atomicWrite(files.meta, JSON.stringify({ rows, customers, csvBytes: Buffer.byteLength(csv), check }));
    log(`generated ${rows} transactions and ${customers} customers in ${((performance.now() - start) / 1000).toFixed(1)} s (${dataDir})`);
  }
  const meta = JSON.parse(await readFile(files.meta, "utf8")) as { csvBytes: number; check: AggCheck };
  return { rows, customers, ...files, csvBytes: meta.csvBytes, check: meta.check };
}
