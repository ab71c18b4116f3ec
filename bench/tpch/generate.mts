/**
 * TPC-H data for the tpch benchmark and its test: `tpchgen-cli` (PyPI, pinned) installed into
 * an ignored virtualenv (bench/.venv, as localstack/up.sh installs MiniStack into
 * .localstack/venv), writing Parquet (snappy, its default row groups) into
 * `<dataDir>/tpch-sf<sf>/<table>/<table>.<part>.parquet`.
 *
 * The large tables are cut into several files (`--parts`) because sparkfn reads one
 * Parquet file in one task (Parquet files are not split): with one file per table a scan of
 * lineitem would use one core of `local[2]`. The rows are the same as a single-file run.
 * The directory is written under a temporary name and renamed when complete, so an
 * existing `tpch-sf<sf>` is always whole and is reused as it is.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Pinned: the generated rows (and so the answers) are part of what the benchmark checks. */
export const TPCHGEN_VERSION = "4.0.0";

export const TPCH_TABLES = ["lineitem", "orders", "partsupp", "part", "customer", "supplier", "nation", "region"] as const;
export type TpchTable = (typeof TPCH_TABLES)[number];

/** Tables small at every scale factor (supplier is 10,000 rows at SF 1): one file each. */
const SMALL_TABLES: readonly TpchTable[] = ["supplier", "nation", "region"];

export const DEFAULT_VENV = path.join(import.meta.dirname, "..", ".venv");

/** How many files a large table is cut into: at least 2 (one per core of local[2]), 8 per SF. */
export const partsFor = (sf: number) => Math.max(2, Math.ceil(sf * 8));

/** "1", "0.01", "10": the scale factor as it appears in names (tpch-sf0.01, tpch_sf1_vs_duckdb). */
export const sfName = (sf: number) => String(sf);

async function installedVersion(bin: string): Promise<string | undefined> {
  if (!existsSync(bin)) return undefined;
  try {
    const { stdout } = await run(bin, ["--version"]);
    return stdout.trim().split(/\s+/).pop();
  } catch {
    return undefined;
  }
}

/**
 * The tpchgen-cli executable, installing `tpchgen-cli==TPCHGEN_VERSION` into `venv` first
 * when it is missing or another version (python3 -m venv, then pip from PyPI).
 */
export async function ensureTpchgen(venv = DEFAULT_VENV, log: (m: string) => void = () => undefined): Promise<string> {
  const bin = path.join(venv, "bin", "tpchgen-cli");
  if ((await installedVersion(bin)) === TPCHGEN_VERSION) return bin;
  log(`installing tpchgen-cli ${TPCHGEN_VERSION} into ${path.relative(process.cwd(), venv) || venv}`);
  await run("python3", ["-m", "venv", venv]);
  await run(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `tpchgen-cli==${TPCHGEN_VERSION}`], { maxBuffer: 16 << 20 });
  const version = await installedVersion(bin);
  if (version !== TPCHGEN_VERSION) throw new Error(`tpchgen-cli: installed ${version ?? "nothing"} into ${venv}, expected ${TPCHGEN_VERSION}`);
  return bin;
}

/**
 * Generates TPC-H at scale factor `sf` into `<dataDir>/tpch-sf<sf>` unless it is there
 * already; returns that directory.
 */
export async function tpchData(dataDir: string, sf: number, options: { venv?: string; log?: (m: string) => void } = {}): Promise<string> {
  if (!(sf > 0)) throw new Error(`TPC-H scale factor ${sf}: expected a positive number`);
  const log = options.log ?? (() => undefined);
  // Absolute: sparkfn's local listing of a relative path can drop files (see the report).
  const dir = path.resolve(dataDir, `tpch-sf${sfName(sf)}`);
  if (existsSync(dir)) return dir;
  const bin = await ensureTpchgen(options.venv ?? DEFAULT_VENV, log);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const start = performance.now();
  log(`generating TPC-H SF ${sf} as Parquet into ${dir}`);
  const common = ["parquet", "--scale-factor", String(sf), "--output-dir", tmp, "--no-progress", "--quiet"];
  const large = TPCH_TABLES.filter((t) => !SMALL_TABLES.includes(t));
  await run(bin, [...common, "--tables", large.join(","), "--parts", String(partsFor(sf))], { maxBuffer: 16 << 20 });
  await run(bin, [...common, "--tables", SMALL_TABLES.join(","), "--parts", "1"], { maxBuffer: 16 << 20 });
  for (const t of TPCH_TABLES) if (!existsSync(path.join(tmp, t))) throw new Error(`tpchgen-cli wrote no ${t} table into ${tmp}`);
  await rename(tmp, dir);
  log(`generated TPC-H SF ${sf} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return dir;
}

/** Where a table's files are: a folder of Parquet files (sparkfn and DuckDB read all of them). */
export const tableDir = (dir: string, table: TpchTable) => path.join(dir, table);
