/** Reading one partition's input into rows (arrays in the source schema's order). */
import { CsvSyntaxError, parseCsv } from "../../shared/codecs/csv.ts";
import { sourceSchema, type PartitionInput, type ShuffleBlockRef, type StageSource } from "../../shared/plan/physical.ts";
import { CASTS } from "../../shared/plan/semantics.ts";
import type { Row } from "../../shared/plan/types.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import type { CompileContext } from "../compile/expression.ts";
import { hashJoin } from "./join.ts";
import { decodeRows } from "./shuffle.ts";

export interface SourceCounters {
  recordsIn: number;
}

async function readObject(store: ObjectStore, uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
  try {
    return await store.get(uri, range);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InputNotFound", error.message);
    throw error;
  }
}

async function readCsv(source: Extract<StageSource, { kind: "csv" }>, uri: string, store: ObjectStore, out: Row[]): Promise<void> {
  const text = new TextDecoder().decode(await readObject(store, uri));
  const fields = source.fileSchema.fields;
  const wanted = sourceSchema(source).fields;
  // Column pruning: convert only the columns the query uses.
  let indexes: number[] | undefined = source.header ? undefined : wanted.map((f) => fields.indexOf(f));
  const casts = wanted.map((f) => CASTS[f.type]);
  try {
    parseCsv(text, (values) => {
      if (!indexes) {
        indexes = wanted.map((f) => {
          const i = values.indexOf(f.name);
          if (i < 0) {
            throw new TaskError("BadInput", `${uri}: column "${f.name}" not found in the header; the header has: ${values.join(", ")}`);
          }
          return i;
        });
        return;
      }
      // PERMISSIVE, as Spark by default: a missing or unconvertible field becomes null.
      const row: Row = new Array(indexes.length);
      for (let c = 0; c < indexes.length; c++) {
        const raw = values[indexes[c]!];
        row[c] = raw === undefined || raw === "" ? null : casts[c]!(raw);
      }
      out.push(row);
    });
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new TaskError("BadInput", `${uri}:${error.line}: ${error.message}`);
    throw error;
  }
}

async function readBlocks(blocks: readonly ShuffleBlockRef[], store: ObjectStore): Promise<Row[]> {
  const rows: Row[] = [];
  const missing: string[] = [];
  const parts = await Promise.all(
    blocks.map(async (b) => {
      try {
        return { block: b, bytes: await store.get(b.uri, { offset: b.offset, length: b.length }) };
      } catch (error) {
        if (!(error instanceof ObjectNotFoundError)) throw error;
        missing.push(b.uri);
        return undefined;
      }
    }),
  );
  if (missing.length) {
    throw new TaskError("FetchFailed", `shuffle output missing: ${missing.join(", ")}`, true, missing);
  }
  for (const part of parts) decodeRows(part!.bytes, part!.block.uri, part!.block.rows, rows);
  return rows;
}

export async function readPartition(source: StageSource, input: PartitionInput, store: ObjectStore, ctx: CompileContext): Promise<Row[]> {
  const rows: Row[] = [];
  switch (input.kind) {
    case "files":
      if (source.kind !== "csv") throw new TaskError("InvalidTask", `a ${source.kind} stage cannot read files`);
      for (const file of input.files) await readCsv(source, file.uri, store, rows);
      return rows;
    case "rows":
      return input.rows as Row[];
    case "range":
      for (let id = input.start; input.step > 0 ? id < input.end : id > input.end; id += input.step) rows.push([id]);
      return rows;
    case "shuffle":
      return readBlocks(input.blocks, store);
    case "join": {
      if (source.kind !== "join") throw new TaskError("InvalidTask", `a ${source.kind} stage cannot read join input`);
      const [left, right] = await Promise.all([readBlocks(input.left, store), readBlocks(input.right, store)]);
      return hashJoin(source, left, right, ctx);
    }
  }
}
