/**
 * CSV decoding (RFC 4180): comma-separated fields, fields in double quotes may hold
 * commas, newlines and doubled quotes (`""`); records end with LF or CRLF; a UTF-8 BOM is
 * skipped; blank lines are skipped, as Spark does.
 *
 * Hand-written rather than a library because the executor needs the physical line number
 * of every record (bad-row errors name file and line) and a single tight loop over char
 * codes (this is the hot path of every CSV scan); it is kept small and unit-tested.
 */
import { BadInputError } from "../errors.ts";

export class CsvSyntaxError extends BadInputError {
  override readonly name = "CsvSyntaxError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

/**
 * Calls `onRecord(fields, line, start, end)` for each record of `text`, where `line` is the
 * 1-based physical line on which the record starts and `text.slice(start, end)` is the
 * record's raw text (without its line break). Returning `false` stops the scan.
 */
export function parseCsv(text: string, onRecord: (fields: string[], line: number, start: number, end: number) => void | false): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const recordStart = i;
    let recordEnd = n;
    const fields: string[] = [];
    let endOfRecord = false;
    // Blank line: skip it.
    const first = text.charCodeAt(i);
    if (first === LF || (first === CR && text.charCodeAt(i + 1) === LF)) {
      i += first === LF ? 1 : 2;
      line++;
      continue;
    }
    while (!endOfRecord) {
      if (text.charCodeAt(i) === QUOTE) {
        // Quoted field.
        let value = "";
        let start = ++i;
        for (;;) {
          if (i >= n) {
            throw new CsvSyntaxError(`unterminated quoted field that starts on line ${recordLine}`, recordLine);
          }
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              value += text.slice(start, i + 1);
              i += 2;
              start = i;
              continue;
            }
            value += text.slice(start, i);
            i++;
            break;
          }
          if (c === LF) line++;
          i++;
        }
        fields.push(value);
        const next = i < n ? text.charCodeAt(i) : LF;
        if (next === COMMA) {
          i++;
          if (i >= n) {
            fields.push("");
            endOfRecord = true;
          }
        } else if (next === LF || next === CR) {
          recordEnd = i;
          i += next === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          line++;
          endOfRecord = true;
        } else {
          throw new CsvSyntaxError(
            `unexpected character ${JSON.stringify(text[i])} after a closing quote on line ${line}`,
            line,
          );
        }
      } else {
        // Unquoted field: up to the next comma or end of line.
        const start = i;
        let c = 0;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        fields.push(text.slice(start, i));
        if (i >= n) {
          endOfRecord = true;
        } else if (c === COMMA) {
          i++;
          if (i >= n) {
            fields.push("");
            endOfRecord = true;
          }
        } else {
          recordEnd = i;
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          line++;
          endOfRecord = true;
        }
      }
    }
    if (onRecord(fields, recordLine, recordStart, Math.min(recordEnd, n)) === false) return;
  }
}
