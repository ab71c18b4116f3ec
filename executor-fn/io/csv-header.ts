/**
 * CSV header records: the split that starts a file parses its first record into names; a
 * later split reads them from the file's first bytes. Slow and simple (one record per file).
 */
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import { fieldText } from "./csv-convert.ts";
import { concatBytes, SplitLines, type FileSplit } from "./split-text.ts";

export const QUOTE = 34;
export const COMMA = 44;
export const LF = 10;
export const CR = 13;
/** 1 for the bytes that end an unquoted field. */
export const ENDS_FIELD = new Uint8Array(256);
ENDS_FIELD[COMMA] = ENDS_FIELD[LF] = ENDS_FIELD[CR] = 1;
const EMPTY = new Uint8Array(0);

/**
 * One record's fields as strings (the header): its fields (null when no record starts before
 * `limit`: blank lines only), where the next record starts and the lines it took; "more"
 * when it goes on past `buf`.
 */
export function parseRecord(buf: Uint8Array, from: number, limit: number, final: boolean, where: string): { fields: string[] | null; next: number; lines: number } | "more" {
  let pos = from;
  let lines = 0;
  while (pos < limit && (buf[pos] === LF || (buf[pos] === CR && buf[pos + 1] === LF))) {
    pos += buf[pos] === LF ? 1 : 2;
    lines++;
  }
  if (pos >= limit) return { fields: null, next: pos, lines };
  const fields: string[] = [];
  for (;;) {
    if (buf[pos] === QUOTE) {
      const s = pos + 1;
      let escaped = false;
      for (pos = s; ; pos++) {
        if (pos >= buf.byteLength) {
          if (!final) return "more";
          throw new TaskError("BadInput", `${where}: the header has an unterminated quoted field`);
        }
        if (buf[pos] === LF) lines++;
        if (buf[pos] === QUOTE) {
          if (buf[pos + 1] !== QUOTE) break;
          escaped = true;
          pos++;
        }
      }
      fields.push(fieldText(buf, s, escaped ? ~pos : pos, () => where));
      pos++;
      if (ENDS_FIELD[buf[pos]!] === 0) throw new TaskError("BadInput", `${where}: the header has a character after a closing quote`);
    } else {
      const s = pos;
      while (ENDS_FIELD[buf[pos]!] === 0) pos++;
      fields.push(fieldText(buf, s, pos, () => where));
    }
    if (buf[pos] === COMMA) {
      pos++;
      continue;
    }
    pos += buf[pos] === CR && buf[pos + 1] === LF ? 2 : 1;
    return { fields, next: pos, lines: lines + 1 };
  }
}

/** Whether a buffer that starts the file (offset 0) starts with a UTF-8 byte order mark. */
export const hasBom = (buf: Uint8Array, offset: number) => offset === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;

/** The header of a file whose split does not start it: the first record of the file. */
export async function readHeader(store: ObjectStore, file: FileSplit): Promise<string[]> {
  const lines = new SplitLines(store, { uri: file.uri, size: file.size, start: 0, length: Math.min(file.size, 1) }, { chunkBytes: 64 * 1024 });
  let carry: Uint8Array = EMPTY;
  for (;;) {
    const block = await lines.next(true);
    const buf = concatBytes(carry, block?.bytes ?? EMPTY);
    if (buf.byteLength === 0) return [];
    const record = parseRecord(buf, hasBom(buf, 0) ? 3 : 0, buf.byteLength, block === null, `${file.uri}:1`);
    if (record === "more") carry = buf;
    else if (record.fields !== null) return record.fields;
    else if (block === null) return [];
    else carry = hasBom(buf, 0) ? buf.subarray(0, 3) : EMPTY;
  }
}

