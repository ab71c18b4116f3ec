/**
 * Spark's BINARY values. At run time a binary value is a byte string: a JavaScript string with
 * one character per byte, each character's code 0..255 (what Node calls "latin1"). So rows,
 * vectors (storage "str"), shuffle blocks, spill files, result JSON and plans carry it as they
 * carry text, `===` is byte equality, and `<` on two byte strings compares their UTF-16 code
 * units, which are the bytes: unsigned bytewise order, as Spark's ByteArray.compareBinary.
 * Users meet a Uint8Array instead (collect(), createDataFrame, lit()): the conversions both
 * ways, and the text conversions of casts and functions, live here.
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

/** The byte string of some bytes. */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** The bytes of a byte string (a fresh array). */
export function bytesOf(b: string): Uint8Array {
  return new Uint8Array(Buffer.from(b, "latin1"));
}

/** Whether a value is a byte string (each character 0..255). */
export function isByteString(v: unknown): v is string {
  return typeof v === "string" && !/[^\u0000-\u00ff]/.test(v);
}

/** A string's UTF-8 bytes as a byte string (Spark's cast of a string to binary). */
export const utf8Bytes = (s: string): string => Buffer.from(utf8.encode(s)).toString("latin1");

/** A byte string's bytes read as UTF-8 (Spark's cast of binary to string): a malformed sequence is U+FFFD, as Java's decoder. */
export const utf8Text = (b: string): string => utf8Decoder.decode(Buffer.from(b, "latin1"));

const HEX = "0123456789ABCDEF";

/** The bytes in upper-case hexadecimal, two digits a byte (Spark's hex() of binary). */
export function hexOf(b: string): string {
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    out += HEX[c >> 4]! + HEX[c & 15]!;
  }
  return out;
}

/** The bytes hexadecimal digits spell (an odd count: a leading 0 digit, as Spark's unhex and X'ABC'), or null when a character is not one. */
export function bytesOfHex(text: string): string | null {
  const digits = text.length % 2 === 1 ? `0${text}` : text;
  if (!/^[0-9a-fA-F]*$/.test(digits)) return null;
  return Buffer.from(digits, "hex").toString("latin1");
}

/** How show() prints a binary value: its bytes in hexadecimal between brackets, `[0A 1B]` (Spark's). */
export function showBinary(b: string): string {
  return `[${hexOf(b).replace(/..(?!$)/g, "$& ")}]`;
}

/** The big-endian bytes of an integral value in `width` bytes (Spark's legacy cast of byte/short/int/long to binary). */
export function integralBytes(v: number, width: 1 | 2 | 4 | 8): string {
  let n = BigInt.asUintN(width * 8, BigInt(v));
  let out = "";
  for (let i = 0; i < width; i++) {
    out = String.fromCharCode(Number(n & 0xffn)) + out;
    n >>= 8n;
  }
  return out;
}
