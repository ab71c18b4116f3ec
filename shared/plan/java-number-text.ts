/**
 * Java's text of doubles and floats, as Spark's casts to string print them: Double.toString and
 * Float.toString of JDK 17 (FloatingDecimal's digits, which for a float are not always the
 * shortest, and its layout: plain between 10^-3 and 10^7, else d.dddE±n). One home for the
 * casts (casts.ts), format_string's %s (functions/format-string.ts) and timestamp casts.
 */

/** JDK 17's FloatingDecimal table: decimal digits below an integer's 2^p that carry no information. */
const INSIGNIFICANT = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19];

/**
 * Java's Float.toString as JDK 17 (Spark's Java) writes it: FloatingDecimal's digits, which are
 * not always the shortest (JDK-4511638, fixed in Java 19): an integral float below 2^63 prints
 * its integer with only the digits its last bits cannot tell apart rounded off (1.23456792E8);
 * others take digits until the rest is within half a unit in the last place (a quarter at a
 * power of two), two digits at least in E notation (1.4E-45), the last rounded half-even on a
 * tie. Exact, in BigInt arithmetic.
 */
export function javaFloatText(x: number): string {
  if (x !== x || !Number.isFinite(x) || x === 0) return javaDoubleText(x);
  const sign = x < 0 ? "-" : "";
  const [digits, decExp] = floatDigits(Math.abs(x));
  return sign + javaLayout(digits, decExp);
}

/** A float's significand bits (an integer), its exponent (value = significand × 2^exponent) and the exponent of its leading bit. */
function floatParts(v: number): { significand: bigint; exponent: number; leading: number; bits: number } {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v);
  const raw = view.getUint32(0);
  const biased = (raw >>> 23) & 0xff;
  const fraction = raw & 0x7fffff;
  if (biased === 0) {
    // A subnormal: its significant bits are those of the fraction.
    const bits = 32 - Math.clz32(fraction);
    return { significand: BigInt(fraction), exponent: -149, leading: -149 + bits - 1, bits };
  }
  return { significand: BigInt(fraction | 0x800000), exponent: biased - 150, leading: biased - 127, bits: 24 };
}

/** FloatingDecimal's digits of a positive finite float, and its decimal exponent (value = 0.digits × 10^decExp). */
function floatDigits(v: number): [string, number] {
  const { significand, exponent, leading, bits } = floatParts(v);
  if (Number.isInteger(v) && leading <= 62) {
    // The easy case: the integer itself, less the digits beyond the float's precision (rounded half up).
    const insignificant = leading > bits ? (leading - bits - 1 > 1 && leading - bits - 1 < INSIGNIFICANT.length ? INSIGNIFICANT[leading - bits - 1]! : 0) : 0;
    let n = BigInt(v);
    let decExp = 0;
    if (insignificant > 0) {
      const pow = 10n ** BigInt(insignificant);
      const residue = n % pow;
      n /= pow;
      decExp += insignificant;
      if (residue >= pow / 2n) n += 1n;
    }
    const text = n.toString();
    return [text.replace(/0+$/, "") || "0", decExp + text.length];
  }
  // value = significand × 2^exponent; half a unit in the last place is 2^(leading - bits), a quarter at a power of two.
  const powerOfTwo = (significand & (significand - 1n)) === 0n;
  const mExp = leading - bits - (powerOfTwo ? 1 : 0);
  // The decimal exponent k: 10^k <= v < 10^(k+1).
  let k = Math.floor(Math.log10(v));
  const scale = (e: number) => (e >= 0 ? [2n ** BigInt(e), 1n] : [1n, 2n ** BigInt(-e)]) as [bigint, bigint];
  const [vn, vd] = scale(exponent);
  const [mn, md] = scale(mExp);
  // b / s = v / 10^k, m / s = half-ulp / 10^k, over one denominator.
  const fraction = (kk: number) => {
    const tenNum = kk < 0 ? 10n ** BigInt(-kk) : 1n;
    const tenDen = kk > 0 ? 10n ** BigInt(kk) : 1n;
    const s = vd * md * tenDen;
    return { b: significand * vn * md * tenNum, m: mn * vd * tenNum, s };
  };
  let { b, m, s } = fraction(k);
  if (b >= 10n * s) ({ b, m, s } = fraction(++k));
  if (b < s) ({ b, m, s } = fraction(--k));
  let decExp = k + 1;
  const tens = 10n * s;
  let q = b / s;
  b = 10n * (b % s);
  m *= 10n;
  let low = b < m;
  let high = b + m > tens;
  const out: number[] = [Number(q)];
  // Java's E notation has a digit after the point: it takes a second digit whatever the first left.
  if (decExp < -3 || decExp >= 8) low = high = false;
  while (!low && !high) {
    q = b / s;
    b = 10n * (b % s);
    m *= 10n;
    low = b < m;
    high = b + m > tens;
    out.push(Number(q));
  }
  const lowDigitDifference = 2n * b - tens;
  const up = high && (!low || lowDigitDifference > 0n || (lowDigitDifference === 0n && out[out.length - 1]! % 2 === 1));
  if (up) {
    let i = out.length - 1;
    while (i >= 0 && out[i] === 9) out[i--] = 0;
    if (i < 0) {
      out.unshift(1);
      out.pop();
      decExp++;
    } else out[i]!++;
  }
  return [out.join("").replace(/0+$/, "") || "0", decExp];
}

/** Double.toString's layout of digits and a decimal exponent (value = 0.digits × 10^decExp). */
function javaLayout(digits: string, decExp: number): string {
  if (decExp > 0 && decExp < 8) {
    const whole = digits.slice(0, decExp).padEnd(decExp, "0");
    const rest = digits.slice(decExp);
    return `${whole}.${rest || "0"}`;
  }
  if (decExp <= 0 && decExp > -3) return `0.${"0".repeat(-decExp)}${digits}`;
  return `${digits[0]}.${digits.slice(1) || "0"}E${decExp - 1}`;
}

/** Java's Double.toString: plain between 10^-3 and 10^7, else d.dddE±n; always a fraction digit; -0.0, NaN, Infinity. */
export function javaDoubleText(x: number): string {
  if (x !== x) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(x);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${exponent.replace("+", "")}`;
}
