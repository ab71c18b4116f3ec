/**
 * Spark's functions of binary values (`hex`, `unhex`, `base64`, `unbase64`, `encode`, `decode`,
 * `octet_length`, `bit_length`), typed and compiled as the string functions are (strings.ts):
 * kernels over raw values, a binary value being a byte string (shared/plan/binary.ts). A string
 * where bytes are taken is its UTF-8 bytes (coercion.ts casts it, as Spark's implicit cast).
 */
import { BadInputError } from "../../errors.ts";
import { hexOf, bytesOfHex, utf8Bytes } from "../binary.ts";
import type { StringFunction, StringKernel } from "./strings.ts";

/** Java's Base64 alphabet: each character's 6 bits, -1 for others. */
const BASE64 = (() => {
  const table = new Int8Array(256).fill(-1);
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].forEach((c, i) => (table[c.charCodeAt(0)] = i));
  return table;
})();

/** A base64 text Java's MIME decoder cannot read (Spark gives its IllegalArgumentException). */
export class Base64Error extends BadInputError {
  override readonly name = "Base64Error";
}

/**
 * unbase64: Java's MIME decoder (java.util.Base64.getMimeDecoder, as Spark's UnBase64):
 * characters outside the alphabet are skipped, the padding may be missing, and a padding in
 * the wrong place or a dangling single character is an error.
 */
export function unbase64(text: string): string {
  let bits = 0;
  let shift = 18;
  let out = "";
  let i = 0;
  const n = text.length;
  const flush = (count: number) => {
    for (let k = 0; k < count; k++) out += String.fromCharCode((bits >> (16 - 8 * k)) & 0xff);
  };
  while (i < n) {
    const c = text.charCodeAt(i++);
    if (c === 0x3d /* = */) {
      // xx= must be xx==; a = with no character before it in the unit is misplaced.
      if ((shift === 6 && (i === n || text.charCodeAt(i++) !== 0x3d)) || shift === 18) throw new Base64Error("Input byte array has wrong 4-byte ending unit");
      break;
    }
    const b = c < 256 ? BASE64[c]! : -1;
    if (b < 0) continue;
    bits |= b << shift;
    shift -= 6;
    if (shift < 0) {
      flush(3);
      shift = 18;
      bits = 0;
    }
  }
  if (shift === 6) flush(1);
  else if (shift === 0) flush(2);
  else if (shift === 12) throw new Base64Error("Last unit does not have enough valid bits");
  // After the padding only characters outside the alphabet may follow (MIME ignores them).
  while (i < n) {
    const c = text.charCodeAt(i++);
    if (c < 256 && (BASE64[c]! >= 0 || c === 0x3d)) throw new Base64Error(`Input byte array has incorrect ending byte at ${i}`);
  }
  return out;
}

/** The charsets Spark's encode and decode take (Spark 4's, with legacy charsets off), in its message's order. */
const CHARSETS = ["iso-8859-1", "us-ascii", "utf-16", "utf-16be", "utf-16le", "utf-32", "utf-8"] as const;
type Charset = (typeof CHARSETS)[number];

function charsetOf(name: string, fn: "encode" | "decode"): Charset {
  const charset = name.toLowerCase() as Charset;
  if (CHARSETS.includes(charset)) return charset;
  throw new BadInputError(`[INVALID_PARAMETER_VALUE.CHARSET] The value of parameter(s) \`charset\` in \`${fn}\` is invalid: expects one of the ${CHARSETS.join(", ")}, but got ${name}.`);
}

const malformed = (fn: "encode" | "decode", charset: string) => new BadInputError(`[MALFORMED_CHARACTER_CODING] Invalid value found when performing \`${fn}\` with ${charset.toUpperCase()}`);

/** The UTF-16 code units of s, each as two bytes (big- or little-endian). */
function utf16Bytes(s: string, littleEndian: boolean): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out += littleEndian ? String.fromCharCode(u & 0xff, u >> 8) : String.fromCharCode(u >> 8, u & 0xff);
  }
  return out;
}

/** encode(str, charset): the string's bytes in the charset; a character it cannot hold is MALFORMED_CHARACTER_CODING (Spark 4). */
export function encode(s: string, name: string): string {
  const charset = charsetOf(name, "encode");
  switch (charset) {
    case "utf-8":
      return utf8Bytes(s);
    case "iso-8859-1":
    case "us-ascii": {
      const limit = charset === "us-ascii" ? 0x7f : 0xff;
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > limit) throw malformed("encode", name);
      return s;
    }
    case "utf-16":
      // Java's UTF-16 encoder writes a byte-order mark, then big-endian units (nothing for "").
      return s === "" ? "" : `\u00fe\u00ff${utf16Bytes(s, false)}`;
    case "utf-16be":
    case "utf-16le":
      return utf16Bytes(s, charset === "utf-16le");
    case "utf-32": {
      let out = "";
      for (const ch of s) {
        const c = ch.codePointAt(0)!;
        out += String.fromCharCode(0, c >> 16, (c >> 8) & 0xff, c & 0xff);
      }
      return out;
    }
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Code units read two bytes at a time from `from` (big- or little-endian); a lone surrogate or an odd byte is malformed. */
function utf16Text(b: string, from: number, littleEndian: boolean, name: string): string {
  if ((b.length - from) % 2 !== 0) throw malformed("decode", name);
  const units: number[] = [];
  for (let i = from; i < b.length; i += 2) units.push(littleEndian ? b.charCodeAt(i) | (b.charCodeAt(i + 1) << 8) : (b.charCodeAt(i) << 8) | b.charCodeAt(i + 1));
  const text = String.fromCharCode(...units);
  if (LONE_SURROGATE.test(text)) throw malformed("decode", name);
  return text;
}

/** decode(bin, charset): the bytes read in the charset; bytes it cannot read are MALFORMED_CHARACTER_CODING (Spark 4). */
export function decode(b: string, name: string): string {
  const charset = charsetOf(name, "decode");
  switch (charset) {
    case "utf-8":
      try {
        return strictUtf8.decode(Buffer.from(b, "latin1"));
      } catch {
        throw malformed("decode", name);
      }
    case "iso-8859-1":
      return b;
    case "us-ascii":
      if (/[^\u0000-\u007f]/.test(b)) throw malformed("decode", name);
      return b;
    case "utf-16": {
      // A byte-order mark says the order (and is dropped); without one, big-endian (Java's UTF-16 decoder).
      const bom = b.length >= 2 ? (b.charCodeAt(0) << 8) | b.charCodeAt(1) : 0;
      return bom === 0xfeff ? utf16Text(b, 2, false, name) : bom === 0xfffe ? utf16Text(b, 2, true, name) : utf16Text(b, 0, false, name);
    }
    case "utf-16be":
    case "utf-16le":
      return utf16Text(b, 0, charset === "utf-16le", name);
    case "utf-32": {
      if (b.length % 4 !== 0) throw malformed("decode", name);
      let out = "";
      for (let i = 0; i < b.length; i += 4) {
        const c = ((b.charCodeAt(i) << 24) | (b.charCodeAt(i + 1) << 16) | (b.charCodeAt(i + 2) << 8) | b.charCodeAt(i + 3)) >>> 0;
        if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw malformed("decode", name);
        // A leading byte-order mark is dropped (Java's UTF-32 decoder).
        if (i === 0 && c === 0xfeff) continue;
        out += String.fromCodePoint(c);
      }
      return out;
    }
  }
}

/** hex of a long: its two's-complement digits in upper case, no leading zeros (Java's Long.toHexString); of bytes: two digits a byte. */
const hex = (v: string | number): string => (typeof v === "number" ? BigInt.asUintN(64, BigInt(v)).toString(16).toUpperCase() : hexOf(v));

const unary = (kernel: (b: string) => string | number | null, result: "string" | "int" | "binary", arg: "binary" | "string" = "binary"): StringFunction => ({
  args: [arg],
  result,
  kernel: kernel as StringKernel,
});

/** The functions of binary values (test/spark/functions/binary.test.ts covers each). */
export const BINARY_FUNCTIONS = {
  /** hex(long | binary | string): a string's UTF-8 bytes. */
  hex: { args: ["binaryOrLong"], result: "string", kernel: hex as StringKernel },
  /** unhex(str): the bytes its hex digits spell (an odd count has a leading 0), null when a character is not a digit. */
  unhex: unary(bytesOfHex, "binary", "string"),
  /** base64 as MIME writes it: lines of 76 characters ended by CRLF (Spark 4's default, spark.sql.chunkBase64String.enabled). */
  base64: unary((b) => Buffer.from(b, "latin1").toString("base64").replace(/.{76}(?=.)/g, "$&\r\n"), "string"),
  unbase64: unary(unbase64, "binary", "string"),
  encode: { args: ["string", "string"], result: "binary", kernel: encode as StringKernel },
  decode: { args: ["binary", "string"], result: "string", kernel: decode as StringKernel },
  /** The number of bytes (a string's UTF-8 bytes). */
  octet_length: unary((b) => b.length, "int"),
  bit_length: unary((b) => b.length * 8, "int"),
} as const satisfies Record<string, StringFunction>;
