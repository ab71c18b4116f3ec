/**
 * Sorted runs on local disk, for blocking operators that outgrow their memory budget (Spark's
 * spill files): an operator sorts what it holds by a string key, writes it as one run, frees
 * the memory and goes on; at the end it merges the runs (up to MAX_MERGE_FAN_IN at once, in
 * passes beyond), reading each incrementally.
 *
 * Run format: a sequence of blocks, each a 4-byte little-endian length followed by that many
 * bytes of `node:v8` `serialize()` output of an array of up to BLOCK_RECORDS records (one
 * serialisation per block rather than per record keeps the garbage collector out of the way).
 * v8 serialisation keeps numbers exact (NaN, -0, Infinity included, unlike JSON) and needs no
 * schema. A merge holds one block per run in memory. The files live in one `mkdtemp` folder
 * per operator under the task's `spillDir`, which `remove()` deletes.
 */
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import * as path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { MemoryContext } from "./memory.ts";

/** Runs merged at once; more are merged in passes (each pass writes fewer, longer runs). */
export const MAX_MERGE_FAN_IN = 64;
/** Bytes collected before one write to a run file. */
const WRITE_BUFFER_BYTES = 256 * 1024;
/** Bounds of the read buffer per run while merging: the budget's share per run, within these. */
const MIN_READ_BYTES = 64 * 1024;
const MAX_READ_BYTES = 1024 * 1024;
/** Records per serialised block of a run file. */
const BLOCK_RECORDS = 128;
/** Records per batch that a merge yields. */
const MERGE_BATCH = 1024;
const HEADER_BYTES = 4;

export class SpillFolder {
  private written = 0;

  private constructor(
    readonly dir: string,
    private readonly memory: MemoryContext,
  ) {}

  /** A new, empty folder under `memory.spillDir`. */
  static async create(memory: MemoryContext, prefix: string): Promise<SpillFolder> {
    await mkdir(memory.spillDir, { recursive: true });
    return new SpillFolder(await mkdtemp(path.join(memory.spillDir, prefix)), memory);
  }

  /**
   * Writes the records, in the order given (the caller sorts them), as one run file and
   * returns its path. Counts the bytes and the file in `memory.spilled`.
   */
  async writeRun(batches: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>): Promise<string> {
    const file = path.join(this.dir, `run-${String(this.written++).padStart(6, "0")}.bin`);
    const handle = await open(file, "wx");
    let bytes = 0;
    try {
      let block: unknown[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const addBlock = () => {
        const body = serialize(block);
        const header = Buffer.allocUnsafe(HEADER_BYTES);
        header.writeUInt32LE(body.length, 0);
        pending.push(header, body);
        pendingBytes += HEADER_BYTES + body.length;
        block = [];
      };
      const flush = async () => {
        const buffer = Buffer.concat(pending, pendingBytes);
        for (let offset = 0; offset < buffer.length; ) offset += (await handle.write(buffer, offset)).bytesWritten;
        bytes += pendingBytes;
        pending = [];
        pendingBytes = 0;
      };
      for await (const batch of batches) {
        for (const record of batch) {
          block.push(record);
          if (block.length < BLOCK_RECORDS) continue;
          addBlock();
          if (pendingBytes >= WRITE_BUFFER_BYTES) await flush();
        }
      }
      if (block.length > 0) addBlock();
      if (pendingBytes > 0) await flush();
    } finally {
      await handle.close();
      this.memory.spilled.bytes += bytes;
      this.memory.spilled.files += 1;
    }
    return file;
  }

  /**
   * Merges sorted runs into one stream in key order, as batches of [key, record]. Records of
   * equal keys come in the order of `files` (so merging runs written one after another keeps
   * the input order, which `first()` relies on). Reads each run in chunks of its share of the
   * budget (64 KiB to 1 MiB); closes the files when done, on error, or when the consumer stops early.
   */
  async *mergeRuns<T>(files: readonly string[], keyOf: (record: T) => string, compare?: (a: T, b: T) => number): AsyncGenerator<[string, T][]> {
    const share = Math.floor(this.memory.budgetBytes / Math.max(1, files.length));
    const chunkBytes = Math.min(MAX_READ_BYTES, Math.max(MIN_READ_BYTES, share));
    const cursors: RunCursor<T>[] = [];
    try {
      const heap = new CursorHeap<T>(compare);
      for (const [run, file] of files.entries()) {
        const cursor = new RunCursor(run, readRun(file, chunkBytes) as AsyncGenerator<T[]>, keyOf);
        cursors.push(cursor);
        if (await cursor.advance()) heap.push(cursor);
      }
      let out: [string, T][] = [];
      for (let top = heap.peek(); top; top = heap.peek()) {
        out.push([top.key, top.record]);
        if (await top.advance()) heap.updateTop();
        else heap.pop();
        if (out.length === MERGE_BATCH) {
          yield out;
          out = [];
        }
      }
      if (out.length > 0) yield out;
    } finally {
      await Promise.all(cursors.map((c) => c.close()));
    }
  }

  /**
   * Merges any number of sorted runs into one stream of records in key order, `fold`ed (e.g.
   * equal keys combined): past MAX_MERGE_FAN_IN runs, consecutive runs are first merged (and
   * folded) into longer ones, pass after pass, so few files are open and read at once.
   */
  async *mergeInPasses<T>(
    runs: readonly string[],
    keyOf: (record: T) => string,
    compare: ((a: T, b: T) => number) | undefined,
    fold: (merged: AsyncIterable<[string, T][]>) => AsyncIterable<T[]>,
  ): AsyncGenerator<T[]> {
    let current = runs;
    while (current.length > MAX_MERGE_FAN_IN) {
      const next: string[] = [];
      for (let i = 0; i < current.length; i += MAX_MERGE_FAN_IN) {
        const slice = current.slice(i, i + MAX_MERGE_FAN_IN);
        if (slice.length === 1) {
          next.push(slice[0]!);
          continue;
        }
        next.push(await this.writeRun(fold(this.mergeRuns(slice, keyOf, compare))));
        await this.deleteRuns(slice);
      }
      current = next;
    }
    yield* fold(this.mergeRuns(current, keyOf, compare));
  }

  /** Deletes runs already merged into a longer one (frees local disk between merge passes). */
  async deleteRuns(files: readonly string[]): Promise<void> {
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The records of one run file, a block at a time, reading `chunkBytes` at a time (more for a longer block). */
export async function* readRun(file: string, chunkBytes: number): AsyncGenerator<unknown[]> {
  const handle = await open(file, "r");
  try {
    let buffered = Buffer.alloc(0);
    for (;;) {
      // Read at least the rest of a block whose header says it is longer than a chunk.
      const needed = buffered.length >= HEADER_BYTES ? HEADER_BYTES + buffered.readUInt32LE(0) - buffered.length : 0;
      const chunk = Buffer.allocUnsafe(Math.max(chunkBytes, needed));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const read = chunk.subarray(0, bytesRead);
      buffered = buffered.length > 0 ? Buffer.concat([buffered, read]) : read;
      while (buffered.length >= HEADER_BYTES) {
        const end = HEADER_BYTES + buffered.readUInt32LE(0);
        if (buffered.length < end) break;
        const block = deserialize(buffered.subarray(HEADER_BYTES, end)) as unknown[];
        buffered = buffered.subarray(end);
        yield block;
      }
    }
    if (buffered.length > 0) throw new Error(`Spill file ${file} ends inside a block.`);
  } finally {
    await handle.close();
  }
}

/** The current record of one run during a merge. */
class RunCursor<T> {
  key = "";
  record!: T;
  private batch: T[] = [];
  private next = 0;

  constructor(
    readonly run: number,
    private readonly source: AsyncGenerator<T[]>,
    private readonly keyOf: (record: T) => string,
  ) {}

  /** Moves to the next record; false at the end of the run. */
  async advance(): Promise<boolean> {
    while (this.next === this.batch.length) {
      const result = await this.source.next();
      if (result.done) return false;
      this.batch = result.value;
      this.next = 0;
    }
    this.record = this.batch[this.next++]!;
    this.key = this.keyOf(this.record);
    return true;
  }

  async close(): Promise<void> {
    await this.source.return(undefined);
  }
}

/**
 * A binary min-heap of cursors by (key, run): the smallest key first (by `compare` on the
 * records when given, else by the key strings), earlier runs first on ties.
 */
class CursorHeap<T> {
  private readonly items: RunCursor<T>[] = [];
  private readonly before: (a: RunCursor<T>, b: RunCursor<T>) => boolean;

  constructor(compare?: (a: T, b: T) => number) {
    this.before = compare
      ? (a, b) => {
          const c = compare(a.record, b.record);
          return c < 0 || (c === 0 && a.run < b.run);
        }
      : (a, b) => a.key < b.key || (a.key === b.key && a.run < b.run);
  }

  peek(): RunCursor<T> | undefined {
    return this.items[0];
  }

  push(cursor: RunCursor<T>): void {
    const items = this.items;
    items.push(cursor);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): void {
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.updateTop();
    }
  }

  /** Restores the order after the top cursor advanced. */
  updateTop(): void {
    const items = this.items;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.before(items[left]!, items[smallest]!)) smallest = left;
      if (right < items.length && this.before(items[right]!, items[smallest]!)) smallest = right;
      if (smallest === i) return;
      [items[i], items[smallest]] = [items[smallest]!, items[i]!];
      i = smallest;
    }
  }
}
