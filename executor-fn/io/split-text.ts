/**
 * The bytes of one split of a line-based file, streamed. A split [start, start + length)
 * owns the records that start inside it: when it does not begin the file, the partial line
 * before its first line break belongs to the previous split and is skipped; at its end it
 * reads on to the end of its last line. Byte 0x0A never occurs inside a multi-byte UTF-8
 * character, so cutting at line breaks is safe.
 *
 * Bytes arrive in ranged GETs of CHUNK_BYTES (a few GETs ahead of the parser while inside the
 * split; past its end, small reads to finish the last line), never the whole split at once.
 * Gzipped files cannot be split: they are read whole, streamed through zlib.
 *
 * `SplitLines` hands out blocks of whole lines (each ends with a line feed: one is appended
 * to a last line that lacks it), so a parser of line-based records never sees a record cut
 * by a block's end; a CSV record with a quoted line break may continue in the next block.
 * Blocks are views of the chunks read, not copies: the line that straddles two chunks is
 * copied into a small block of its own.
 */
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { isGzip } from "../../shared/plan/file-source.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";

export interface FileSplit {
  readonly uri: string;
  readonly size: number;
  readonly start?: number | undefined;
  readonly length?: number | undefined;
}

/** Bytes per ranged GET (and per block of decompressed bytes): 4 MiB. */
export const CHUNK_BYTES = 4 << 20;
/** How far past its end a split first reads to finish its last line (then 4× more each time). */
const READ_AHEAD = 64 * 1024;
const LF = 0x0a;
const EMPTY = new Uint8Array(0);

export interface SplitReadOptions {
  /** Bytes per read (tests use tiny ones so that records straddle reads). */
  readonly chunkBytes?: number | undefined;
}

async function get(store: ObjectStore, uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
  try {
    return await store.get(uri, range);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InputNotFound", error.message);
    throw error;
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const strictUtf8KeepBom = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** UTF-8 text of some bytes (a leading BOM kept unless `dropBom`); BadInput naming `where` when invalid. */
export function decodeUtf8(bytes: Uint8Array, where: string | (() => string), dropBom = false): string {
  try {
    return (dropBom ? strictUtf8 : strictUtf8KeepBom).decode(bytes);
  } catch {
    throw new TaskError("BadInput", `${typeof where === "string" ? where : where()}: not valid UTF-8 text`);
  }
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  if (b.byteLength === 0) return a;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

type Request = { promise: Promise<Uint8Array>; offset: number; length: number };

/** GETs in flight ahead of the one being parsed, inside the split (S3 streams faster with a few in parallel). */
const READS_AHEAD = 2;

/**
 * Bytes [from, size) of an object in ranged GETs: `chunk` bytes at a time up to `end` (with
 * the next READS_AHEAD GETs in flight while the caller works), then reads growing from READ_AHEAD.
 */
class RangedReader {
  private pos: number;
  private ahead: Request[] = [];
  private tail = READ_AHEAD;

  constructor(
    private readonly store: ObjectStore,
    private readonly uri: string,
    from: number,
    private readonly end: number,
    private size: number,
    private readonly chunk: number,
  ) {
    this.pos = from;
  }

  private request(): Request | null {
    if (this.pos >= this.size) return null;
    let length: number;
    if (this.pos < this.end) length = Math.min(this.chunk, this.end - this.pos);
    else {
      length = Math.min(this.tail, this.chunk);
      this.tail *= 4;
    }
    length = Math.min(length, this.size - this.pos);
    const req = { promise: get(this.store, this.uri, { offset: this.pos, length }), offset: this.pos, length };
    req.promise.catch(() => undefined); // observed when awaited
    this.pos += length;
    return req;
  }

  async next(): Promise<Uint8Array | null> {
    const current = this.ahead.shift() ?? this.request();
    if (current === null) return null;
    while (this.ahead.length < READS_AHEAD && this.pos < this.end) this.ahead.push(this.request()!);
    const bytes = await current.promise;
    if (bytes.byteLength < current.length) {
      // The object is shorter than listed: it ends here.
      this.size = current.offset + bytes.byteLength;
      this.pos = this.size;
      this.ahead = [];
    }
    return bytes.byteLength === 0 ? null : bytes;
  }
}

/** Decompresses a gzip stream (several members allowed) in blocks of about `chunk` bytes. */
async function* gunzip(compressed: () => Promise<Uint8Array | null>, uri: string, chunk: number): AsyncGenerator<Uint8Array> {
  async function* input() {
    for (let bytes = await compressed(); bytes !== null; bytes = await compressed()) yield bytes;
  }
  const unzip = createGunzip({ chunkSize: Math.max(64, Math.min(chunk, 1 << 20)) });
  // pipeline, not pipe: a failed read (a missing object) must reach the loop below.
  const stream = pipeline(Readable.from(input()), unzip, () => undefined);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  try {
    for await (const out of stream as AsyncIterable<Buffer>) {
      pending.push(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      pendingBytes += out.byteLength;
      if (pendingBytes >= chunk) {
        yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
    }
  } catch (error) {
    if (!String((error as { code?: unknown }).code ?? "").startsWith("Z_")) throw error;
    throw new TaskError("BadInput", `${uri}: not a readable gzip file (${error instanceof Error ? error.message : String(error)})`);
  }
  if (pendingBytes > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
}

/** The decompressed bytes of a whole file, in blocks (ranged GETs; gzip streamed through zlib). */
export function wholeFileChunks(store: ObjectStore, file: FileSplit, options: SplitReadOptions = {}): () => Promise<Uint8Array | null> {
  const chunk = options.chunkBytes ?? CHUNK_BYTES;
  const raw = new RangedReader(store, file.uri, 0, file.size, file.size, chunk);
  if (!isGzip(file.uri)) return () => raw.next();
  const blocks = gunzip(() => raw.next(), file.uri, chunk);
  return async () => {
    const next = await blocks.next();
    return next.done ? null : next.value;
  };
}

export interface LineBlock {
  /** Whole lines: the last byte is a line feed. */
  readonly bytes: Uint8Array;
  /** Offset of bytes[0] in the (decompressed) file. */
  readonly offset: number;
  /** Whether the lines start inside the split (false: read on past it, to finish a record). */
  readonly owned: boolean;
  /** Whether the last line feed was added here (the file's last line has none). */
  readonly appendedLineFeed: boolean;
}

/**
 * The lines of a split, in blocks. `next()` gives the split's own lines and then null;
 * `next(true)` goes on past them (to finish a record with a quoted line break).
 */
export class SplitLines {
  /** The split begins the file: line numbers are known. */
  readonly startsFile: boolean;
  private readonly read: () => Promise<Uint8Array | null>;
  private pending: Uint8Array = EMPTY;
  private pendingOffset: number;
  private skipping: boolean;
  private eof = false;
  /** The split's lines end at the first line feed at or after this offset. */
  private readonly stopFrom: number;
  /** Offset just past the split's last line, once found. */
  private ownedEnd = Infinity;
  /** Bytes read but not yet in `pending` (they follow it). */
  private rest: Uint8Array | null = null;

  constructor(store: ObjectStore, file: FileSplit, options: SplitReadOptions = {}) {
    const chunk = options.chunkBytes ?? CHUNK_BYTES;
    const start = file.start ?? 0;
    const whole = (file.start === undefined && file.length === undefined) || isGzip(file.uri);
    if (whole) {
      this.startsFile = true;
      this.read = wholeFileChunks(store, file, options);
      this.pendingOffset = 0;
      this.skipping = false;
      this.stopFrom = Infinity;
      return;
    }
    const end = Math.min(file.size, start + (file.length ?? file.size - start));
    // From one byte before the split: if that byte is a line feed, the split begins a line.
    const from = start === 0 ? 0 : start - 1;
    const reader = new RangedReader(store, file.uri, from, end, file.size, chunk);
    this.read = () => reader.next();
    this.startsFile = start === 0;
    this.pendingOffset = from;
    this.skipping = start > 0;
    this.stopFrom = end - 1;
  }

  async next(readOn = false): Promise<LineBlock | null> {
    for (;;) {
      if (!this.skipping) {
        const block = this.take(readOn);
        if (block !== undefined) return block;
      }
      let chunk = this.rest;
      this.rest = null;
      if (chunk === null) {
        if (this.eof) return null;
        chunk = await this.read();
        if (chunk === null) {
          this.eof = true;
          continue;
        }
      }
      const lf = this.pending.byteLength === 0 || this.skipping ? -1 : chunk.indexOf(LF);
      if (lf >= 0 && lf < chunk.byteLength - 1) {
        // The line carried from the last chunk ends in this one: that line is a block of its
        // own, so the rest of the chunk is handed out as it is (no copy of the whole chunk).
        this.pending = concatBytes(this.pending, chunk.subarray(0, lf + 1));
        this.rest = chunk.subarray(lf + 1);
        continue;
      }
      this.pending = concatBytes(this.pending, chunk);
      if (this.skipping) {
        // The partial first line belongs to the previous split.
        const lf = this.pending.indexOf(LF);
        if (lf < 0) {
          this.pendingOffset += this.pending.byteLength;
          this.pending = EMPTY;
          continue;
        }
        this.skipping = false;
        this.drop(lf + 1);
        if (this.pendingOffset - 1 >= this.stopFrom) this.ownedEnd = this.pendingOffset; // no line starts inside the split
      }
    }
  }

  private drop(n: number): void {
    this.pending = n >= this.pending.byteLength ? EMPTY : this.pending.subarray(n);
    this.pendingOffset += n;
  }

  /** The next block from what was read: a block, null when there is no more, undefined to read more. */
  private take(readOn: boolean): LineBlock | null | undefined {
    const offset = this.pendingOffset;
    if (offset >= this.ownedEnd && !readOn) return null;
    const pending = this.pending;
    if (pending.byteLength === 0) return this.eof ? null : undefined;
    if (this.ownedEnd === Infinity && this.stopFrom !== Infinity && offset + pending.byteLength > this.stopFrom) {
      const lf = pending.indexOf(LF, Math.max(0, this.stopFrom - offset));
      if (lf >= 0) this.ownedEnd = offset + lf + 1;
    }
    const owned = offset < this.ownedEnd;
    let cut = owned && this.ownedEnd <= offset + pending.byteLength ? this.ownedEnd - offset : pending.lastIndexOf(LF) + 1;
    if (cut === 0) {
      if (!this.eof) return undefined;
      // The file's last line has no line feed: give it one.
      const bytes = new Uint8Array(pending.byteLength + 1);
      bytes.set(pending);
      bytes[pending.byteLength] = LF;
      this.drop(pending.byteLength);
      return { bytes, offset, owned, appendedLineFeed: true };
    }
    const bytes = cut === pending.byteLength ? pending : pending.subarray(0, cut);
    this.drop(cut);
    return { bytes, offset, owned, appendedLineFeed: false };
  }
}

/** Where a record is, for error messages: `file:line` when the line is known, else its byte offset. */
export function recordLocation(uri: string, line: number | undefined, byteOffset: number): string {
  if (line !== undefined) return `${uri}:${line}`;
  return `${uri} (the record starting at byte ${byteOffset})`;
}
