/**
 * A reducer's input as slices of map-output tables (PartitionInput "mapSlices", "joinSlices"):
 * the map objects' URIs come once per map stage (inline, or a stored table this container
 * reads once and keeps by its hash), and each slice is one contiguous byte range of one map
 * object holding the reducer's adjacent reduce partitions back to back, read with one ranged
 * GET and split into blocks by their headers.
 */
import { z } from "zod";
import { createHash } from "node:crypto";
import { SLICE_VALUES, type MapObjects, type MapSlices, type PartitionInput, type StoredSliceIndex } from "../../shared/plan/physical.ts";
import { unpackUint32 } from "../../shared/shuffle-index.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import { fetchVerified } from "./load-plan.ts";

/** A contiguous byte range of one map object and the rows its blocks hold. */
export interface Slice {
  readonly uri: string;
  readonly offset: number;
  readonly length: number;
  readonly rows: number;
}

type StoredObjects = Extract<MapObjects, { kind: "stored" }>;

/** Map-output tables read by this container, by SHA-256: the reducers of one stage share one. */
const tables = new Map<string, Promise<string[]>>();
const TABLES_KEPT = 8;

const Uris = z.array(z.string().min(1));

async function readTable(ref: StoredObjects, store: ObjectStore): Promise<string[]> {
  const bytes = await fetchVerified(ref, "map-output table", store);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new TaskError("InvalidTask", `map-output table ${ref.uri} is not JSON: ${(error as Error).message}`);
  }
  const parsed = Uris.safeParse(json);
  if (!parsed.success || parsed.data.length !== ref.count) {
    throw new TaskError("InvalidTask", `map-output table ${ref.uri} is not a list of ${ref.count} object URIs`);
  }
  return parsed.data;
}

function table(ref: StoredObjects, store: ObjectStore): Promise<string[]> {
  let uris = tables.get(ref.sha256);
  if (!uris) {
    uris = readTable(ref, store);
    uris.catch(() => tables.delete(ref.sha256));
    if (tables.size >= TABLES_KEPT) tables.delete(tables.keys().next().value!);
    tables.set(ref.sha256, uris);
  }
  return uris;
}

/** A reducer's range of a slice file, checked against its hash, as base64. */
async function readIndex(ref: StoredSliceIndex, store: ObjectStore): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(ref.uri, { offset: ref.offset, length: ref.length });
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InvalidTask", `slice file ${ref.uri} does not exist`);
    throw error;
  }
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (bytes.byteLength !== ref.length || sha !== ref.sha256) {
    throw new TaskError("InvalidTask", `bytes ${ref.offset}-${ref.offset + ref.length - 1} of slice file ${ref.uri} do not match their hash (${sha} != ${ref.sha256})`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** A table and a packed index, each inline or stored. */
interface TableAndIndex {
  readonly objects: MapObjects;
  readonly index: string | StoredSliceIndex;
}

/** The same with both read (each stored one's URI passed to `checkUri` first). */
async function inlined<T extends TableAndIndex>(read: T, store: ObjectStore, checkUri?: (uri: string) => void): Promise<T & { objects: { kind: "inline" }; index: string }> {
  const index = read.index;
  if (typeof index !== "string") checkUri?.(index.uri);
  if (read.objects.kind !== "inline") checkUri?.(read.objects.uri);
  const [objects, packed] = await Promise.all([
    read.objects.kind === "inline" ? read.objects : table(read.objects, store).then((uris) => ({ kind: "inline" as const, uris })),
    typeof index === "string" ? index : readIndex(index, store),
  ]);
  return { ...read, objects, index: packed };
}

/**
 * The input with every stored map-output table and slice index read (a combiner's too) (each one's URI passed
 * to `checkUri` first), so that the objects it names can be checked like inline ones; other
 * inputs as they are.
 */
export async function withMapTables(input: PartitionInput, store: ObjectStore, checkUri?: (uri: string) => void): Promise<PartitionInput> {
  const all = (reads: readonly MapSlices[]) => Promise.all(reads.map((r) => inlined(r, store, checkUri)));
  if (input.kind === "mapSlices") return { kind: "mapSlices", reads: await all(input.reads) };
  if (input.kind === "joinSlices") return { kind: "joinSlices", left: await all(input.left), right: await all(input.right) };
  if (input.kind === "combine") return inlined(input, store, checkUri);
  return input;
}

/** The objects the tables name (a table not yet read: its own URI). */
export function sliceUris(reads: readonly MapSlices[]): string[] {
  return reads.flatMap((r) => (r.objects.kind === "inline" ? r.objects.uris : [r.objects.uri]));
}

/** The slices of some map-output tables, in order (tables inlined by withMapTables). */
export function slicesOf(reads: readonly MapSlices[]): Slice[] {
  const out: Slice[] = [];
  for (const read of reads) {
    if (read.objects.kind !== "inline") throw new TaskError("InvalidTask", `map-output table ${read.objects.uri} was not read before the task ran`);
    if (typeof read.index !== "string") throw new TaskError("InvalidTask", `slice file ${read.index.uri} was not read before the task ran`);
    const uris = read.objects.uris;
    const v = unpackUint32(read.index, read.slices * SLICE_VALUES);
    for (let i = 0; i < v.length; i += SLICE_VALUES) {
      const map = v[i]!;
      const uri = uris[map];
      if (uri === undefined) throw new TaskError("InvalidTask", `a shuffle slice names map ${map} of a table of ${uris.length} map outputs`);
      out.push({ uri, offset: v[i + 1]! + v[i + 2]! * 2 ** 32, length: v[i + 3]!, rows: v[i + 4]! });
    }
  }
  return out;
}
