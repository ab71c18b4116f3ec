/**
 * CSV splits as batches, parsed from bytes (RFC 4180: comma-separated fields; fields in
 * double quotes may hold commas, line breaks and doubled quotes; records end with LF, CRLF
 * or a lone CR; a UTF-8 BOM and blank lines are skipped, as shared/codecs/csv.ts does).
 *
 * Two passes per batch of up to BATCH_ROWS records, both over the block's bytes:
 *   1. the delimiter walks the records and notes, for each column the scan reads, its
 *      field's byte span (other fields are only stepped over), plus each record's span and
 *      line for errors;
 *   2. each column is converted in one loop over its spans (csv-convert.ts).
 *
 * Bytes come from SplitLines in blocks of whole lines (split-text.ts): a record is cut by a
 * block's end only inside a quoted field; the rest of the block is then carried into the
 * next one (read on past the split's end if needed) and the record parsed again whole.
 * A quote never closed (by the end of the file, or within MAX_RECORD_BYTES) makes its
 * record malformed: the record is its first line, and parsing resumes on the next line.
 */
import { BATCH_ROWS, denseBatch, selectedBatch, type Batch, type BatchStream } from "../../shared/batch/batch.ts";
import { nullVector, type Vector } from "../../shared/batch/vector.ts";
import type { Field } from "../../shared/plan/types.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import { columnBuilder, type ColumnBuilder, type Problems } from "./csv-convert.ts";
import { hasBom, parseRecord, readHeader } from "./csv-header.ts";
import { failFast, scanColumns, type FileReadCounters, type FileStageSource } from "./scan-support.ts";
import { concatBytes, decodeUtf8, recordLocation, SplitLines, type FileSplit, type SplitReadOptions } from "./split-text.ts";

import { COMMA, CR, ENDS_FIELD, LF, QUOTE } from "./csv-header.ts";

const EMPTY = new Uint8Array(0);

/** A quoted field not closed within this many bytes is taken for an unterminated quote. */
export const MAX_RECORD_BYTES = 64 << 20;

/** Why the delimiter stopped. */
const FULL = 0; // the batch is full
const END = 1; // the buffer is done
const LIMIT = 2; // the next record starts past the split: the split is done
const NEED_MORE = 3; // a record goes on past the buffer (inside quotes): carry it

/** Problems of the current batch's rows: the first reason per row. */
class RowProblems implements Problems {
  readonly reasons: (string | undefined)[] = new Array(BATCH_ROWS).fill(undefined);
  rows: number[] = [];
  constructor(readonly where: (row: number) => string) {}
  fail(row: number, reason: string): void {
    if (this.reasons[row] !== undefined) return;
    this.reasons[row] = reason;
    this.rows.push(row);
  }
  clear(): void {
    for (const r of this.rows) this.reasons[r] = undefined;
    this.rows = [];
  }
}

/** How the file's fields map to the scan's columns. */
interface Layout {
  /** Fields a record should have. */
  readonly expected: number;
  /** Per field: the slot (a distinct field the scan reads) or -1. */
  readonly slotOf: Int32Array;
  /** Per slot: its column's type and name. */
  readonly slotFields: readonly Field[];
  /** Per output column: its slot, or -1 for the corrupt-record column. */
  readonly outSlot: readonly number[];
}

function layoutOf(names: readonly string[], wanted: readonly Field[], corruptIndex: number, uri: string): Layout {
  const slotOf = new Int32Array(names.length).fill(-1);
  const slotFields: Field[] = [];
  const outSlot = wanted.map((f, c) => {
    if (c === corruptIndex) return -1;
    const i = names.indexOf(f.name);
    if (i < 0) throw new TaskError("BadInput", `${uri}: column "${f.name}" not found in the header; the header has: ${names.join(", ")}`);
    if (slotOf[i]! < 0) {
      slotOf[i] = slotFields.length;
      slotFields.push(f);
    }
    return slotOf[i]!;
  });
  return { expected: names.length, slotOf, slotFields, outSlot };
}

/** Pass 1: records' and wanted fields' byte spans for a batch. */
class Delimiter {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly recordStarts = new Int32Array(BATCH_ROWS);
  readonly recordEnds = new Int32Array(BATCH_ROWS);
  readonly lines = new Int32Array(BATCH_ROWS);
  rows = 0;
  pos = 0;
  line = 1;

  constructor(
    private readonly layout: Layout,
    private readonly problems: RowProblems,
    private readonly fieldsOf: string,
  ) {
    this.starts = new Int32Array(layout.slotFields.length * BATCH_ROWS);
    this.ends = new Int32Array(layout.slotFields.length * BATCH_ROWS);
  }

  /**
   * Delimits records of `buf` (which ends with a line feed) that start before `limit`. A quoted
   * field that goes on past the buffer is unterminated when its record starts before
   * `finalBefore` (no more bytes will come for it), else the record is left for the next buffer.
   */
  run(buf: Uint8Array, limit: number, finalBefore: number): number {
    const len = buf.byteLength;
    const { slotOf, expected } = this.layout;
    const { starts, ends, recordStarts, recordEnds, lines } = this;
    let pos = this.pos;
    let line = this.line;
    let row = this.rows;
    let status = END;
    records: for (;;) {
      if (pos >= limit) {
        status = pos >= len ? END : LIMIT;
        break;
      }
      if (row === BATCH_ROWS) {
        status = FULL;
        break;
      }
      let c = buf[pos]!;
      if (c === LF || (c === CR && buf[pos + 1] === LF)) {
        // A blank line.
        pos += c === LF ? 1 : 2;
        line++;
        continue;
      }
      const recordStart = pos;
      const recordLine = line;
      let reason: string | undefined;
      let f = 0;
      for (;;) {
        let s = pos;
        let e: number;
        if (buf[pos] !== QUOTE) {
          // Most bytes of a field are above the comma (digits, letters, '-', '.', ':').
          for (c = buf[pos]!; c > COMMA || (c !== COMMA && c !== LF && c !== CR); c = buf[++pos]!);
          e = pos;
        } else {
          s = ++pos;
          let escaped = false;
          for (;;) {
            if (pos >= len) {
              if (recordStart >= finalBefore) {
                // Carry the record into the next buffer and parse it again there.
                this.pos = recordStart;
                this.line = recordLine;
                this.rows = row;
                return NEED_MORE;
              }
              this.unterminated(buf, recordStart, recordLine, row++);
              pos = buf.indexOf(LF, recordStart) + 1;
              line = recordLine + 1;
              continue records;
            }
            c = buf[pos]!;
            if (c === QUOTE) {
              if (buf[pos + 1] !== QUOTE) break;
              escaped = true;
              pos += 2;
              continue;
            }
            if (c === LF) line++;
            pos++;
          }
          e = escaped ? ~pos : pos;
          pos++;
          if (ENDS_FIELD[buf[pos]!] === 0) {
            reason ??= `unexpected character ${JSON.stringify(String.fromCharCode(buf[pos]!))} after a closing quote`;
            s = -2;
            while (ENDS_FIELD[buf[pos]!] === 0) pos++;
          }
        }
        if (f < expected) {
          const k = slotOf[f]!;
          if (k >= 0) {
            starts[k * BATCH_ROWS + row] = s;
            ends[k * BATCH_ROWS + row] = e;
          }
        }
        f++;
        c = buf[pos]!;
        if (c === COMMA) {
          pos++;
          continue;
        }
        recordEnds[row] = pos;
        pos += c === CR && buf[pos + 1] === LF ? 2 : 1;
        line++;
        break;
      }
      if (f !== expected) {
        reason ??= `${f} field(s) where the ${this.fieldsOf} has ${expected}`;
        for (let g = f; g < expected; g++) {
          const k = slotOf[g]!;
          if (k >= 0) starts[k * BATCH_ROWS + row] = -1;
        }
      }
      if (reason !== undefined) this.problems.fail(row, reason);
      recordStarts[row] = recordStart;
      lines[row] = recordLine;
      row++;
    }
    this.pos = pos;
    this.line = line;
    this.rows = row;
    return status;
  }

  /** A record whose quote never closes: malformed, and only its first line. */
  private unterminated(buf: Uint8Array, start: number, line: number, row: number): void {
    const lf = buf.indexOf(LF, start);
    const slots = this.layout.slotFields.length;
    for (let k = 0; k < slots; k++) this.starts[k * BATCH_ROWS + row] = -1;
    this.recordStarts[row] = start;
    this.recordEnds[row] = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
    this.lines[row] = line;
    this.problems.fail(row, "unterminated quoted field");
  }
}

/**
 * The records of one split after its header: delimits them into a batch, converts each run
 * of rows delimited in one buffer (a segment) before the buffer is let go, and settles their
 * malformed records; a batch can span buffers.
 */
class CsvBatches {
  readonly problems: RowProblems;
  readonly delimiter: Delimiter;
  private readonly builders: readonly ColumnBuilder[];
  private buf: Uint8Array = EMPTY;
  private offset = 0;
  /** First row of the batch delimited in the current buffer. */
  private segment = 0;
  private dropped: Uint8Array | null = null;
  private corrupt: { values: string[]; nulls: Uint8Array } | null = null;

  constructor(
    private readonly source: FileStageSource,
    private readonly uri: string,
    private readonly startsFile: boolean,
    private readonly layout: Layout,
    private readonly corruptIndex: number,
    private readonly counters: FileReadCounters,
  ) {
    this.problems = new RowProblems((row) => this.where(row));
    this.delimiter = new Delimiter(layout, this.problems, source.options.header ? "header" : "schema");
    this.builders = layout.slotFields.map((f) => columnBuilder(f, source.options));
  }

  /** Continues in a new buffer (after convert()). */
  begin(buf: Uint8Array, offset: number, pos: number, line: number): void {
    this.buf = buf;
    this.offset = offset;
    this.delimiter.pos = pos;
    this.delimiter.line = line;
  }

  private where(row: number): string {
    const d = this.delimiter;
    return recordLocation(this.uri, this.startsFile ? d.lines[row] : undefined, this.offset + d.recordStarts[row]!);
  }

  /** Converts the rows delimited in the current buffer since the last call, and settles their malformed records. */
  convert(): void {
    const d = this.delimiter;
    const from = this.segment;
    const to = d.rows;
    if (to === from) return;
    this.segment = to;
    const { buf, problems } = this;
    for (let k = 0; k < this.builders.length; k++) {
      this.builders[k]!.convert({ buf, starts: d.starts, ends: d.ends, base: k * BATCH_ROWS }, from, to, problems);
    }
    if (problems.rows.length === 0) return;
    const mode = this.source.options.mode;
    for (const r of problems.rows.sort((a, b) => a - b)) {
      this.counters.malformed++;
      if (mode === "FAILFAST") throw failFast(this.where(r), problems.reasons[r]!);
      if (mode === "DROPMALFORMED") (this.dropped ??= new Uint8Array(BATCH_ROWS))[r] = 1;
      else if (this.corruptIndex >= 0) {
        this.corrupt ??= { values: new Array<string>(BATCH_ROWS).fill(""), nulls: new Uint8Array(BATCH_ROWS).fill(1) };
        this.corrupt.values[r] = decodeUtf8(buf.subarray(d.recordStarts[r]!, d.recordEnds[r]!), () => this.where(r));
        this.corrupt.nulls[r] = 0;
      }
    }
    problems.clear();
  }

  /** The batch of the rows delimited and converted so far, or null when there are none (or all were dropped). */
  finish(): Batch | null {
    const n = this.delimiter.rows;
    if (n === 0) return null;
    this.delimiter.rows = 0;
    this.segment = 0;
    const vectors = this.builders.map((b) => b.finish(n));
    const columns: Vector[] = this.layout.outSlot.map((k) => (k < 0 ? this.corruptVector(n) : vectors[k]!));
    this.corrupt = null;
    const batch = denseBatch(columns, n);
    const dropped = this.dropped;
    if (dropped === null) return batch;
    this.dropped = null;
    const selection = new Int32Array(n);
    let m = 0;
    for (let r = 0; r < n; r++) if (dropped[r] === 0) selection[m++] = r;
    return m === 0 ? null : selectedBatch(batch, selection, m);
  }

  private corruptVector(n: number): Vector {
    if (this.corrupt === null) return nullVector(n);
    this.corrupt.values.length = n;
    return { kind: "str", values: this.corrupt.values, nulls: this.corrupt.nulls.subarray(0, n) };
  }
}

export async function* readCsvSplit(source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters, options: SplitReadOptions = {}): BatchStream {
  const { wanted, corruptIndex } = scanColumns(source);
  const lines = new SplitLines(store, file, options);
  const batches = (names: readonly string[]) => new CsvBatches(source, file.uri, lines.startsFile, layoutOf(names, wanted, corruptIndex, file.uri), corruptIndex, counters);
  let reader: CsvBatches | null = null;
  if (!source.options.header) reader = batches(source.fileSchema.fields.filter((f) => f.name !== source.options.corruptColumn).map((f) => f.name));
  else if (!lines.startsFile) reader = batches(await readHeader(store, file));
  let carry: Uint8Array = EMPTY;
  let carryOffset = 0;
  let carryLimit = 0;
  let line = 1;
  for (;;) {
    const block = await lines.next(carry.byteLength > 0);
    let buf: Uint8Array;
    let offset: number;
    let limit: number;
    // Records starting before this are not continued in a later buffer (an open quote in them is unterminated).
    let finalBefore = 0;
    if (carry.byteLength > 0) {
      buf = concatBytes(carry, block?.bytes ?? EMPTY);
      offset = carryOffset;
      limit = block?.owned ? buf.byteLength : carryLimit;
      finalBefore = block === null ? Infinity : buf.byteLength > MAX_RECORD_BYTES ? 1 : 0;
      carry = EMPTY;
    } else {
      if (block === null) break;
      ({ bytes: buf, offset } = block);
      limit = buf.byteLength;
    }
    let pos = hasBom(buf, offset) ? 3 : 0;
    if (reader === null) {
      // This split starts the file: its first record is the header.
      const header = parseRecord(buf, pos, limit, finalBefore > 0, `${file.uri}:${line}`);
      if (header === "more") {
        [carry, carryOffset, carryLimit] = [buf, offset, limit];
        continue;
      }
      line += header.lines;
      if (header.fields === null) {
        if (limit < buf.byteLength) return;
        continue;
      }
      reader = batches(header.fields);
      pos = header.next;
    }
    reader.begin(buf, offset, pos, line);
    for (;;) {
      const status = reader.delimiter.run(buf, limit, finalBefore);
      line = reader.delimiter.line;
      reader.convert();
      if (status === FULL || status === LIMIT) {
        const batch = reader.finish();
        if (batch !== null) yield batch;
        if (status === LIMIT) return;
        continue;
      }
      if (status === NEED_MORE) {
        const at = reader.delimiter.pos;
        [carry, carryOffset, carryLimit] = [buf.subarray(at), offset + at, limit - at];
      }
      break;
    }
  }
  const last = reader === null ? null : reader.finish();
  if (last !== null) yield last;
}
