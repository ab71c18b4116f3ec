/** The RLE / bit-packed hybrid encoding of dictionary indices, booleans and definition levels, decoded into typed arrays; definition levels of a flat column straight into the nulls mask. */
import { type Nulls } from "../../../shared/batch/vector.ts";


/** Where the last run header read by runHeader ended (a second result without an object per run). */
let headerEnd = 0;

/** A run's ULEB128 header at bytes[pos]: (count << 1) for an RLE run, (groups << 1) | 1 for a bit-packed one. */
function runHeader(bytes: Uint8Array, pos: number, end: number): number {
  let header = 0;
  let shift = 0;
  let b: number;
  do {
    if (pos >= end) throw new Error("a run header runs past the end of its data");
    b = bytes[pos++]!;
    header += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  headerEnd = pos;
  return header;
}

/**
 * Decodes `count` values of the RLE/bit-packed hybrid encoding from bytes[pos, end) into
 * out[0, count). Returns the position after the last run read.
 */
export function readHybrid(bytes: Uint8Array, pos: number, end: number, width: number, out: Int32Array | Uint8Array, count: number, bound?: { or: number }): number {
  let seen = 0;
  // Bit-packed values are below 2^width; RLE values are ORed in so `bound` can vouch for all.
  let or = 0;
  let packed = false;
  const valueBytes = (width + 7) >> 3;
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  while (seen < count) {
    if (pos >= end) throw new Error(`RLE data ends after ${seen} of ${count} values`);
    const header = runHeader(bytes, pos, end);
    pos = headerEnd;
    if (header % 2 === 1) {
      // bit-packed: (header >> 1) groups of 8 values, width bytes per group
      const values = Math.floor(header / 2) * 8;
      const take = Math.min(values, count - seen);
      const bytesUsed = (values * width) >> 3;
      packed = true;
      if (pos + ((take * width + 7) >> 3) > end) throw new Error("bit-packed run beyond the page");
      if (width === 1) {
        for (let i = 0; i < take; i++) out[seen + i] = (bytes[pos + (i >> 3)]! >> (i & 7)) & 1;
      } else if (width <= 8) {
        // A group of 8 values is `width` bytes: two little-endian words hold it.
        let p = pos;
        for (let i = 0; i < take; i += 8) {
          let lo = 0;
          let hi = 0;
          for (let k = 0; k < width; k++) {
            const byte = bytes[p + k]!;
            if (k < 4) lo |= byte << (8 * k);
            else hi |= byte << (8 * (k - 4));
          }
          p += width;
          const stop = Math.min(8, take - i);
          for (let j = 0; j < stop; j++) {
            const bit = j * width;
            out[seen + i + j] = (bit >= 32 ? hi >>> (bit - 32) : bit + width <= 32 ? lo >>> bit : (lo >>> bit) | (hi << (32 - bit))) & mask;
          }
        }
      } else if (width <= 24) {
        let p = pos;
        let buf = 0;
        let bits = 0;
        for (let i = 0; i < take; i++) {
          while (bits < width) {
            buf |= bytes[p++]! << bits;
            bits += 8;
          }
          out[seen + i] = buf & mask;
          buf >>>= width;
          bits -= width;
        }
      } else {
        for (let i = 0; i < take; i++) {
          const bit = i * width;
          let v = 0;
          for (let k = 0; k < width; k++) {
            const at = bit + k;
            if ((bytes[pos + (at >> 3)]! >> (at & 7)) & 1) v += 2 ** k;
          }
          out[seen + i] = v | 0;
        }
      }
      seen += take;
      pos += bytesUsed;
    } else {
      const run = Math.floor(header / 2);
      let v = 0;
      for (let k = 0; k < valueBytes; k++) v += bytes[pos + k]! * 2 ** (8 * k);
      pos += valueBytes;
      out.fill(v | 0, seen, seen + Math.min(run, count - seen));
      seen += Math.min(run, count - seen);
      or |= v | 0;
    }
  }
  if (bound) bound.or = !packed ? or : width >= 31 ? -1 : or | ((1 << width) - 1);
  return pos;
}

/**
 * Definition levels of a flat optional column (bit width 1: 1 = a value, 0 = null) decoded
 * straight into the nulls mask (1 = null), counting the nulls as it goes.
 */
export function nullMask(bytes: Uint8Array, pos: number, end: number, count: number): { nulls: Nulls; numNulls: number; pos: number } {
  let mask: Uint8Array | null = null;
  let numNulls = 0;
  let seen = 0;
  while (seen < count) {
    if (pos >= end) throw new Error(`definition levels end after ${seen} of ${count} values`);
    const header = runHeader(bytes, pos, end);
    pos = headerEnd;
    if (header % 2 === 1) {
      const values = Math.floor(header / 2) * 8;
      const take = Math.min(values, count - seen);
      if (pos + ((take + 7) >> 3) > end) throw new Error("bit-packed run beyond the page");
      for (let i = 0; i < take; i += 8) {
        const byte = bytes[pos + (i >> 3)]!;
        if (byte === 0xff) continue;
        mask ??= new Uint8Array(count);
        const stop = Math.min(8, take - i);
        for (let j = 0; j < stop; j++) {
          const isNull = ((byte >> j) & 1) ^ 1;
          mask[seen + i + j] = isNull;
          numNulls += isNull;
        }
      }
      seen += take;
      pos += values >> 3;
    } else {
      const run = Math.min(Math.floor(header / 2), count - seen);
      const value = bytes[pos++]!;
      if (value === 0 && run > 0) {
        mask ??= new Uint8Array(count);
        mask.fill(1, seen, seen + run);
        numNulls += run;
      }
      seen += run;
    }
  }
  return { nulls: numNulls === 0 ? null : mask, numNulls, pos };
}
