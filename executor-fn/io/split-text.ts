/**
 * The text of one split of a line-based file. A split [start, start + length) owns the
 * records that start inside it: when it does not begin the file, the partial line before its
 * first line break belongs to the previous split and is skipped; at its end it reads on to
 * the end of its last line. Byte 0x0A never occurs inside a multi-byte UTF-8 character, so
 * cutting at line breaks is safe. Gzipped files are read whole (they cannot be split).
 */
import { gunzipSync } from "node:zlib";
import { isGzip } from "../../shared/plan/file-source.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";

export interface FileSplit {
  readonly uri: string;
  readonly size: number;
  readonly start?: number | undefined;
  readonly length?: number | undefined;
}

export interface SplitText {
  readonly text: string;
  /** 1-based line number of the text's first line when known (the split starts the file). */
  readonly firstLine: number | undefined;
  /** Byte offset in the file where the text starts. */
  readonly offset: number;
}

/** How far past its end a split reads at once to finish its last line. */
const READ_AHEAD = 64 * 1024;
const LF = 0x0a;

async function read(store: ObjectStore, uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
  try {
    return await store.get(uri, range);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InputNotFound", error.message);
    throw error;
  }
}

function decode(bytes: Uint8Array, uri: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TaskError("BadInput", `${uri}: not valid UTF-8 text`);
  }
}

export async function readSplitText(store: ObjectStore, file: FileSplit): Promise<SplitText> {
  const start = file.start ?? 0;
  const whole = file.start === undefined && file.length === undefined;
  if (whole || isGzip(file.uri)) {
    const bytes = await read(store, file.uri);
    return { text: decode(isGzip(file.uri) ? gunzipSync(bytes) : bytes, file.uri), firstLine: 1, offset: 0 };
  }
  const end = Math.min(file.size, start + (file.length ?? file.size - start));
  // From one byte before the split: if that byte is a line break, the split begins a line.
  const from = start === 0 ? 0 : start - 1;
  let bytes = await read(store, file.uri, { offset: from, length: Math.min(file.size, end + READ_AHEAD) - from });
  // Read on until the last line that starts before `end` is complete (or the file ends).
  const lastNeeded = end - 1 - from;
  let stop = bytes.indexOf(LF, Math.max(0, lastNeeded));
  while (stop < 0 && from + bytes.byteLength < file.size) {
    const more = await read(store, file.uri, { offset: from + bytes.byteLength, length: Math.min(READ_AHEAD * 4, file.size - from - bytes.byteLength) });
    const joined = new Uint8Array(bytes.byteLength + more.byteLength);
    joined.set(bytes);
    joined.set(more, bytes.byteLength);
    bytes = joined;
    stop = bytes.indexOf(LF, Math.max(0, lastNeeded));
  }
  const last = stop < 0 ? bytes.byteLength : stop + 1;
  // Skip the partial first line, which the previous split owns.
  let first = 0;
  if (start > 0) {
    const lf = bytes.indexOf(LF);
    first = lf < 0 || lf >= last ? last : lf + 1;
    if (from + first >= end) first = last; // no line starts inside this split
  }
  return { text: decode(bytes.subarray(first, last), file.uri), firstLine: start === 0 ? 1 : undefined, offset: from + first };
}

/** Where a record is, for error messages: `file:line` when the line is known, else its byte offset. */
export function recordLocation(uri: string, split: SplitText, line: number, charOffset: number): string {
  if (split.firstLine !== undefined) return `${uri}:${split.firstLine + line - 1}`;
  return `${uri} (the record starting near byte ${split.offset + charOffset})`;
}
