/**
 * Result rows travel back to the driver as JSON (a Lambda response), which has no NaN,
 * ±Infinity or bigint (a decimal's unscaled value): before that, such values become a tagged
 * object, and the driver turns them back. Rows without them are passed through untouched.
 */
const TAG = "$sparkfn.number";
const BIG = "$sparkfn.bigint";
type Tagged = { [TAG]: "NaN" | "Infinity" | "-Infinity" };
type TaggedBig = { [BIG]: string };

function hasNonFinite(v: unknown, depth = 0): boolean {
  if (typeof v === "number") return !Number.isFinite(v);
  if (typeof v === "bigint") return true;
  if (typeof v !== "object" || v === null || depth > 100) return false;
  if (Array.isArray(v)) return v.some((x) => hasNonFinite(x, depth + 1));
  return Object.values(v).some((x) => hasNonFinite(x, depth + 1));
}

function encode(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : ({ [TAG]: String(v) } as Tagged);
  if (typeof v === "bigint") return { [BIG]: v.toString() } as TaggedBig;
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(encode);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
}

function isTagged(v: object): v is Tagged {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === TAG;
}

function isTaggedBig(v: object): v is TaggedBig {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === BIG && typeof (v as TaggedBig)[BIG] === "string" && /^-?\d+$/.test((v as TaggedBig)[BIG]);
}

function decode(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(decode);
  if (isTagged(v)) return Number(v[TAG]);
  if (isTaggedBig(v)) return BigInt(v[BIG]);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
}

/** Rows as JSON can carry them (a copy, only when a non-finite number is inside). */
export function encodeResultValues<T extends readonly unknown[]>(rows: T): T {
  return rows.some((r) => hasNonFinite(r)) ? (rows.map(encode) as unknown as T) : rows;
}

const mayBeTagged = (v: unknown, depth = 0): boolean => {
  if (typeof v !== "object" || v === null || depth > 100) return false;
  if (Array.isArray(v)) return v.some((x) => mayBeTagged(x, depth + 1));
  return TAG in v || BIG in v || Object.values(v).some((x) => mayBeTagged(x, depth + 1));
};

/** The rows as the task computed them. */
export function decodeResultValues<T extends readonly unknown[]>(rows: T): T {
  return rows.some((r) => mayBeTagged(r)) ? (rows.map(decode) as unknown as T) : rows;
}
