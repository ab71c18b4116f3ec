/**
 * Spark's random numbers (org.apache.spark.util.random.XORShiftRandom, as rand() and randn()
 * draw them): a 64-bit xorshift generator seeded through MurmurHash3 of the seed's bytes,
 * read as java.util.Random reads its generator (nextDouble from 26 + 27 bits, nextGaussian by
 * the polar method, the second value kept for the next call). rand(seed) in partition p draws
 * from seed + p, as Spark's does, so a partition's values are Spark's for the same rows.
 * The 64-bit state is held as two 32-bit halves.
 */

/** Scala's MurmurHash3.bytesHash of a long's 8 big-endian bytes. */
function bytesHash(bytes: Uint8Array, seed: number): number {
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const mixLast = (h: number, k: number) => {
    k = Math.imul(k, 0xcc9e2d51);
    k = rotl(k, 15);
    k = Math.imul(k, 0x1b873593);
    return h ^ k;
  };
  let h = seed | 0;
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h = mixLast(h, k);
    h = rotl(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Scala's MurmurHash3.arraySeed. */
const ARRAY_SEED = 0x3c074a61;

export class XORShiftRandom {
  private hi: number;
  private lo: number;
  private nextNextGaussian: number | undefined;

  /** `seed`: a long (a safe integer). */
  constructor(seed: number) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt(seed));
    const low = bytesHash(bytes, ARRAY_SEED);
    const high = bytesHash(bytes, low);
    this.hi = high >>> 0;
    this.lo = low >>> 0;
  }

  /** The low `bits` (at most 31) of the next state. */
  private next(bits: number): number {
    let { hi, lo } = this;
    // s ^= s << 21
    let h = (hi << 21) | (lo >>> 11);
    let l = lo << 21;
    hi ^= h;
    lo ^= l;
    // s ^= s >>> 35
    lo ^= hi >>> 3;
    // s ^= s << 4
    h = (hi << 4) | (lo >>> 28);
    l = lo << 4;
    hi ^= h;
    lo ^= l;
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return (this.lo & ((1 << bits) - 1)) >>> 0;
  }

  /** java.util.Random.nextDouble: 53 random bits in [0, 1). */
  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) * 2 ** -53;
  }

  /** java.util.Random.nextGaussian: the polar method, pairs of values. */
  nextGaussian(): number {
    if (this.nextNextGaussian !== undefined) {
      const kept = this.nextNextGaussian;
      this.nextNextGaussian = undefined;
      return kept;
    }
    let v1: number;
    let v2: number;
    let s: number;
    do {
      v1 = 2 * this.nextDouble() - 1;
      v2 = 2 * this.nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    // V8's Math.log is fdlibm's, as Java's StrictMath.log; sqrt is correctly rounded in both.
    const multiplier = Math.sqrt((-2 * Math.log(s)) / s);
    this.nextNextGaussian = v2 * multiplier;
    return v1 * multiplier;
  }
}
