/**
 * What the decoders of escaped text share (the JSON string decoder, the docker `log` decoder, the
 * Python bytes literal): hex digits, JSON's escapes and UTF-8 writing.
 */

/** What JSON's `\x` decodes to for the one-byte escapes (`x` one of `" \ / b f n r t`); 0 for any other byte. */
export const ONE_BYTE_ESCAPE = new Uint8Array(256);
ONE_BYTE_ESCAPE[0x22] = 0x22;
ONE_BYTE_ESCAPE[0x5c] = 0x5c;
ONE_BYTE_ESCAPE[0x2f] = 0x2f;
ONE_BYTE_ESCAPE[0x62] = 0x08;
ONE_BYTE_ESCAPE[0x66] = 0x0c;
ONE_BYTE_ESCAPE[0x6e] = 0x0a;
ONE_BYTE_ESCAPE[0x72] = 0x0d;
ONE_BYTE_ESCAPE[0x74] = 0x09;

/** The value of the hex digit `c` (a byte), or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** The value of the 4 hex digits at `at` (before `end`), or -1. */
function hex4(buf: Buffer, at: number, end: number): number {
  if (at + 4 > end) return -1;
  let v = 0;
  for (let k = at; k < at + 4; k++) {
    const d = hexDigit(buf[k] as number);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Where the escape read by the last `unicodeEscape` ends. */
export const unicodeEscapeEnd = { at: 0 };

/**
 * The code point of JSON's `\uXXXX` whose digits start at `at` (after the `\u`), joined with the
 * `\uXXXX` right after it when the two are a surrogate pair; -1 when the digits are not 4 hex digits
 * before `end`. A lone surrogate is returned as it is (writeUtf8 writes it as U+FFFD).
 * `unicodeEscapeEnd.at`: where the escape (or the pair) ends.
 */
export function unicodeEscape(buf: Buffer, at: number, end: number): number {
  const cp = hex4(buf, at, end);
  unicodeEscapeEnd.at = at + 4;
  if (cp < 0xd800 || cp >= 0xdc00 || buf[at + 4] !== 0x5c || buf[at + 5] !== 0x75) return cp;
  const low = hex4(buf, at + 6, end);
  if (low < 0xdc00 || low >= 0xe000) return cp;
  unicodeEscapeEnd.at = at + 10;
  return 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
}

/**
 * Writes code point `cp` as UTF-8 into `out` at `n` and returns where it ends. A lone surrogate is
 * written as U+FFFD, as `Buffer.from(JSON.parse(…))` would (the JSON string decoder and the docker
 * `log` decoder, which must both give those bytes).
 */
export function writeUtf8(cp: number, out: Buffer, n: number): number {
  if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
  if (cp < 0x80) out[n++] = cp;
  else if (cp < 0x800) {
    out[n++] = 0xc0 | (cp >> 6);
    out[n++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[n++] = 0xe0 | (cp >> 12);
    out[n++] = 0x80 | ((cp >> 6) & 0x3f);
    out[n++] = 0x80 | (cp & 0x3f);
  } else {
    out[n++] = 0xf0 | (cp >> 18);
    out[n++] = 0x80 | ((cp >> 12) & 0x3f);
    out[n++] = 0x80 | ((cp >> 6) & 0x3f);
    out[n++] = 0x80 | (cp & 0x3f);
  }
  return n;
}
