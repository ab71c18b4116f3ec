/**
 * Text splits as batches: one row per line (lines end at \n, \r\n or a lone \r, as Hadoop's
 * LineRecordReader reads them; empty lines are rows too), in a `value` column; or, with
 * `wholeText`, one row per file: [path, whole content]. The split streams in blocks of whole
 * lines, each decoded once.
 */
import { BATCH_ROWS, denseBatch, type Batch, type BatchStream } from "../../shared/batch/batch.ts";
import { constantVector, nullVector, type Vector } from "../../shared/batch/vector.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import type { Field } from "../../shared/plan/types.ts";
import { scanColumns, type FileReadCounters, type FileStageSource } from "./scan-support.ts";
import { decodeUtf8, SplitLines, wholeFileChunks, type FileSplit, type SplitReadOptions } from "./split-text.ts";

const LINE_BREAK = /\r\n|\n|\r/;

/** The batch of some rows: `value` is the text, `path` the file (wholeText), anything else null. */
function textBatch(wanted: readonly Field[], uri: string, values: string[]): Batch {
  const n = values.length;
  const columns = wanted.map((f): Vector => {
    if (f.name === "value") return { kind: "str", values, nulls: null };
    if (f.name === "path") return constantVector("string", uri, n);
    return nullVector(n);
  });
  return denseBatch(columns, n);
}

async function wholeText(file: FileSplit, store: ObjectStore, options: SplitReadOptions): Promise<string> {
  // Streamed through one decoder: a character cut by a block's end is completed by the next.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const next = wholeFileChunks(store, file, options);
  const parts: string[] = [];
  try {
    for (let bytes = await next(); bytes !== null; bytes = await next()) parts.push(decoder.decode(bytes, { stream: true }));
    parts.push(decoder.decode());
  } catch (error) {
    if (error instanceof TypeError) throw new TaskError("BadInput", `${file.uri}: not valid UTF-8 text`);
    throw error;
  }
  return parts.join("");
}

export async function* readTextSplit(source: FileStageSource, file: FileSplit, store: ObjectStore, _counters: FileReadCounters, options: SplitReadOptions = {}): BatchStream {
  const { wanted } = scanColumns(source);
  if (source.options.wholeText) {
    // A whole-text file is one record: the split that starts the file reads it.
    if ((file.start ?? 0) === 0) yield textBatch(wanted, file.uri, [await wholeText(file, store, options)]);
    return;
  }
  const lines = new SplitLines(store, file, options);
  let pending: string[] = [];
  for (let block = await lines.next(); block !== null; block = await lines.next()) {
    // A BOM is dropped at the start of the file only.
    const text = decodeUtf8(block.bytes, file.uri, block.offset === 0);
    const values = text.split(LINE_BREAK);
    values.pop(); // the block ends with a line break: the last part is empty
    if (pending.length > 0) {
      values.unshift(...pending);
      pending = [];
    }
    for (let i = 0; i < values.length; i += BATCH_ROWS) {
      const part = i === 0 && values.length <= BATCH_ROWS ? values : values.slice(i, i + BATCH_ROWS);
      if (part.length < BATCH_ROWS) pending = part;
      else yield textBatch(wanted, file.uri, part);
    }
  }
  if (pending.length > 0) yield textBatch(wanted, file.uri, pending);
}
