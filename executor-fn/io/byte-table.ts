/**
 * A hash table from byte strings to entries, each with its string decoded once (when first
 * met): how a CSV string column finds a value's dictionary entry from the field's bytes
 * without making a string per row. Open addressing on FNV-1a hashes; the bytes of every
 * entry are kept in one arena to compare against.
 */

/** Past these, the table starts over (it is a cache of decoded strings). */
const MAX_ENTRIES = 1 << 16;
const MAX_BYTES = 8 << 20;

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

export class ByteTable {
  private slots = new Int32Array(1024); // entry + 1; 0 = empty
  private hashes: Int32Array = new Int32Array(256);
  private offsets: Int32Array = new Int32Array(256);
  private lengths: Int32Array = new Int32Array(256);
  private arena = new Uint8Array(64 * 1024);
  private arenaUsed = 0;
  /** Each entry's string. */
  strings: string[] = [];

  /** Whether the table has outgrown its limits (the caller resets it between batches). */
  get full(): boolean {
    return this.strings.length >= MAX_ENTRIES || this.arenaUsed >= MAX_BYTES;
  }

  /** The hash of the bytes last looked up (for add()). */
  private lastHash = 0;

  /** The entry of bytes [s, e), or -1 (then add() them). */
  find(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    this.lastHash = h;
    const len = e - s;
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const slot = slots[p]!;
      if (slot === 0) break;
      const entry = slot - 1;
      if (this.hashes[entry] !== h || this.lengths[entry] !== len) continue;
      const arena = this.arena;
      let o = this.offsets[entry]!;
      let i = s;
      while (i < e && arena[o] === buf[i]) {
        i++;
        o++;
      }
      if (i === e) return entry;
    }
    return -1;
  }

  /** Adds bytes [s, e) that find() just missed, with their string. */
  add(buf: Uint8Array, s: number, e: number, text: string): number {
    const h = this.lastHash;
    const len = e - s;
    const entry = this.strings.length;
    if (entry === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.offsets = grow(this.offsets);
      this.lengths = grow(this.lengths);
    }
    if (this.arenaUsed + len > this.arena.byteLength) {
      const bigger = new Uint8Array(Math.max(this.arena.byteLength * 2, this.arenaUsed + len));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    this.arena.set(buf.subarray(s, e), this.arenaUsed);
    this.hashes[entry] = h;
    this.offsets[entry] = this.arenaUsed;
    this.lengths[entry] = len;
    this.arenaUsed += len;
    this.strings.push(text);
    if ((entry + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(entry);
    return entry;
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let p = this.hashes[entry]! & mask;
    while (this.slots[p] !== 0) p = (p + 1) & mask;
    this.slots[p] = entry + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    for (let entry = 0; entry < this.strings.length; entry++) this.place(entry);
  }

  reset(): void {
    this.strings = [];
    this.arenaUsed = 0;
    this.slots.fill(0);
  }
}
