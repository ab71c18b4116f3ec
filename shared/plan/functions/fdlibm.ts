/**
 * fdlibm functions whose results V8's Math does not reproduce bit for bit, ported so sparkfn
 * gives what Spark gets from java.lang.StrictMath (Java's FdLibm, a port of the same C).
 */

const view = new DataView(new ArrayBuffer(8));
const hi = (x: number) => (view.setFloat64(0, x), view.getInt32(0));
const lo = (x: number) => (view.setFloat64(0, x), view.getInt32(4));
/** x with its high word replaced. */
const withHi = (x: number, high: number) => (view.setFloat64(0, x), view.setInt32(0, high), view.getFloat64(0));
/** The double whose high word is `high` and low word 0. */
const fromHi = (high: number) => (view.setInt32(0, high), view.setInt32(4, 0), view.getFloat64(0));

/**
 * sqrt(x² + y²) without undue overflow or underflow, within 1 ulp: fdlibm's e_hypot.c as
 * java.lang.StrictMath.hypot (and so Math.hypot, which Spark's hypot calls) computes it.
 * V8's Math.hypot sums scaled squares and can differ by 2 ulps (hypot(2.5, 3)).
 */
export function hypot(x: number, y: number): number {
  let a = Math.abs(x);
  let b = Math.abs(y);
  let ha = hi(a);
  let hb = hi(b);
  if (hb > ha) {
    [a, b] = [b, a];
    [ha, hb] = [hb, ha];
  }
  if (ha - hb > 0x3c00000) return a + b; // a/b > 2^60
  let k = 0;
  if (ha > 0x5f300000) {
    // a > 2^500
    if (ha >= 0x7ff00000) {
      // Inf or NaN: Inf wins over NaN
      let w = a + b;
      if (((ha & 0xfffff) | lo(a)) === 0) w = a;
      if (((hb ^ 0x7ff00000) | lo(b)) === 0) w = b;
      return w;
    }
    // scale a and b by 2^-600
    ha -= 0x25800000;
    hb -= 0x25800000;
    k += 600;
    a = withHi(a, ha);
    b = withHi(b, hb);
  }
  if (hb < 0x20b00000) {
    // b < 2^-500
    if (hb <= 0x000fffff) {
      // subnormal b or 0
      if ((hb | lo(b)) === 0) return a;
      const t1 = fromHi(0x7fd00000); // 2^1022
      b *= t1;
      a *= t1;
      k -= 1022; // ha and hb stay unscaled, as in fdlibm (the split below is then coarser, not wrong)
    } else {
      // scale a and b by 2^600
      ha += 0x25800000;
      hb += 0x25800000;
      k -= 600;
      a = withHi(a, ha);
      b = withHi(b, hb);
    }
  }
  // medium size a and b
  let w = a - b;
  if (w > b) {
    const t1 = fromHi(ha);
    const t2 = a - t1;
    w = Math.sqrt(t1 * t1 - (b * -b - t2 * (a + t1)));
  } else {
    a = a + a;
    const y1 = fromHi(hb);
    const y2 = b - y1;
    const t1 = fromHi(ha + 0x00100000);
    const t2 = a - t1;
    w = Math.sqrt(t1 * y1 - (w * -w - (t1 * y2 + t2 * b)));
  }
  return k === 0 ? w : fromHi(0x3ff00000 + (k << 20)) * w;
}

const CBRT_B1 = 715094163; // (682 - 0.03306235651) * 2^20
const CBRT_B2 = 696219795; // (664 - 0.03306235651) * 2^20
const CBRT_C = 5.42857142857142815906e-1; // 19/35
const CBRT_D = -7.05306122448979611050e-1; // -864/1225
const CBRT_E = 1.41428571428571436819; // 99/70
const CBRT_F = 1.60714285714285720630; // 45/28
const CBRT_G = 3.57142857142857150787e-1; // 5/14

/**
 * The cube root within 0.667 ulps: fdlibm's s_cbrt.c as java.lang.StrictMath.cbrt (and so
 * Math.cbrt) computes it. V8's Math.cbrt is FreeBSD's later algorithm, 1 ulp away at times.
 */
export function cbrt(x: number): number {
  let hx = hi(x);
  const sign = hx & 0x80000000;
  hx ^= sign;
  if (hx >= 0x7ff00000) return x + x; // NaN, ±Infinity
  if ((hx | lo(x)) === 0) return x; // ±0
  x = withHi(x, hx); // |x|
  // rough cube root to 5 bits
  let t: number;
  if (hx < 0x00100000) {
    // subnormal: scale by 2^54 first (the low word of t * x stays)
    t = fromHi(0x43500000) * x;
    t = withHi(t, ((hi(t) / 3) | 0) + CBRT_B2);
  } else t = fromHi(((hx / 3) | 0) + CBRT_B1);
  // to 23 bits
  let r = (t * t) / x;
  let s = CBRT_C + r * t;
  t *= CBRT_G + CBRT_F / (s + CBRT_E + CBRT_D / s);
  // chopped to 20 bits and made larger than the cube root
  t = fromHi(hi(t) + 1);
  // one Newton step to 53 bits
  s = t * t;
  r = x / s;
  const w = t + t;
  r = (r - t) / (w + r);
  t = t + t * r;
  return withHi(t, hi(t) | sign);
}
