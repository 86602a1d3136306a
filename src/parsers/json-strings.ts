/**
 * JSON string scanning for the JSON scanner and for quoted strings in free text: where a string
 * ends, whether it is valid JSON, and — in the same pass — what its raw bytes hold that a body or an
 * SDK error string inside it would need (docs/design.md §3, bodies inside strings): a `\` escape, a
 * `<`, a request-id name. A string with none of these is skipped by one table lookup per byte,
 * and no second search over the line decides which strings are worth decoding.
 */
import { hexDigit, ONE_BYTE_ESCAPE, unicodeEscape, unicodeEscapeEnd, writeUtf8 } from "../core/escapes.js";

/** The string has a `\` escape (it must be decoded; escaped JSON lives in such strings). */
export const ESCAPED = 1;
/** The string has a `<` (an XML body needs one). */
export const LT = 2;
/** The string has a request-id name: `[Rr]equest`, an optional ` `, `_` or `-`, `[Ii][Dd]`. */
export const NAME = 4;

/** What the last string scanned by `scanMarkedString` held: ESCAPED | LT | NAME bits. */
export const stringMarks = { bits: 0 };

/** 1 for bytes that may stand in a JSON string as they are (not `"`, `\\`, or below 0x20). */
export const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let b = 0x20; b < 256; b++) PLAIN_STRING_BYTE[b] = b === 0x22 || b === 0x5c ? 0 : 1;

/** PLAIN_STRING_BYTE without `<` and `q` (the `q` of a request-id name): they are looked at. */
export const UNMARKED_STRING_BYTE = PLAIN_STRING_BYTE.slice();
UNMARKED_STRING_BYTE[0x3c] = 0;
UNMARKED_STRING_BYTE[0x71] = 0;

/**
 * The closing quote of a string whose content starts at `pos` (after its opening quote), with
 * `stringMarks` set to what it holds; -(errorPos+1) when the string is not valid JSON (a bad escape,
 * a control byte, or no closing quote before `end`). `from` ≥ `pos`: where to go on from (the bytes
 * before it are plain).
 */
export function scanMarkedString(buf: Buffer, pos: number, from: number, end: number): number {
  let bits = 0;
  let p = from;
  for (;;) {
    while (UNMARKED_STRING_BYTE[buf[p] as number] === 1) p++;
    if (p >= end) return -(end + 1);
    const b = buf[p] as number;
    if (b === 0x22) {
      stringMarks.bits = bits;
      return p;
    }
    if (b === 0x3c) {
      bits |= LT;
      p++;
    } else if (b === 0x71) {
      if (requestIdNameAt(buf, pos, p, end)) bits |= NAME;
      p++;
    } else if (b === 0x5c) {
      bits |= ESCAPED;
      p = escapeEnd(buf, p, end);
      if (p < 0) return p;
    } else return -(p + 1); // a control byte
  }
}

/**
 * The closing quote of a string whose content starts at `pos`, escapes checked; -(errorPos+1) when
 * the string is not valid JSON (a bad escape, a control byte, or no closing quote before `end`).
 */
export function scanEscapedString(buf: Buffer, pos: number, end: number): number {
  for (;;) {
    while (PLAIN_STRING_BYTE[buf[pos] as number] === 1) pos++;
    if (pos >= end) return -(end + 1);
    const b = buf[pos] as number;
    if (b === 0x22) return pos;
    if (b !== 0x5c) return -(pos + 1); // a control byte
    pos = escapeEnd(buf, pos, end);
    if (pos < 0) return pos;
  }
}

/** The position after the escape at `pos` (a `\`), or -(errorPos+1). */
function escapeEnd(buf: Buffer, pos: number, end: number): number {
  if (pos + 1 >= end) return -(end + 1);
  const e = buf[pos + 1] as number;
  if (e === 0x75) {
    for (let i = pos + 2; i < pos + 6; i++) {
      if (i >= end || hexDigit(buf[i] as number) < 0) return -(Math.min(i, end) + 1);
    }
    return pos + 6;
  }
  return ONE_BYTE_ESCAPE[e] !== 0 ? pos + 2 : -(pos + 2);
}

/** Whether the `q` at `q` is that of a request-id name inside `buf[start, end)`. */
function requestIdNameAt(buf: Buffer, start: number, q: number, end: number): boolean {
  if (q - 2 < start || q + 7 > end) return false;
  const r = buf[q - 2];
  if ((r !== 0x52 && r !== 0x72) || buf[q - 1] !== 0x65) return false;
  if (buf[q + 1] !== 0x75 || buf[q + 2] !== 0x65 || buf[q + 3] !== 0x73 || buf[q + 4] !== 0x74) return false;
  let i = q + 5;
  const c = buf[i];
  if (c === 0x20 || c === 0x5f || c === 0x2d) i++;
  return i + 2 <= end && ((buf[i] as number) | 0x20) === 0x69 && ((buf[i + 1] as number) | 0x20) === 0x64;
}

/**
 * Decodes the content `buf[start, end)` of a valid JSON string (scanned by `scanMarkedString`) as
 * UTF-8 bytes into `out` (at least `end - start` long: no escape decodes to more bytes than it
 * takes) and returns how many it wrote (`decodedText.newline`: whether one was a newline): for valid UTF-8, the bytes `Buffer.from(JSON.parse(…))`
 * would hold (a lone surrogate as U+FFFD), without the two copies of the text that took. Bytes
 * that are not escapes are copied as they are.
 */
export function decodeJsonString(buf: Buffer, start: number, end: number, out: Buffer): number {
  let n = 0;
  let i = start;
  let newline = false;
  while (i < end) {
    const b = buf[i] as number;
    if (b !== 0x5c) {
      out[n++] = b;
      i++;
      continue;
    }
    const e = buf[i + 1] as number;
    if (e !== 0x75) {
      out[n++] = ONE_BYTE_ESCAPE[e] as number;
      if (e === 0x6e) newline = true;
      i += 2;
      continue;
    }
    // Valid (scanMarkedString checked it): a code point, a pair joined, a lone surrogate as U+FFFD.
    const cp = unicodeEscape(buf, i + 2, end);
    i = unicodeEscapeEnd.at;
    if (cp === 0x0a) newline = true;
    n = writeUtf8(cp, out, n);
  }
  decodedText.newline = newline;
  return n;
}

/** Whether the text `decodeJsonString` decoded last holds a newline (a JSON string's raw bytes never do). */
export const decodedText = { newline: false };
