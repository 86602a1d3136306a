/**
 * What the decoders of escaped text share (the JSON string decoder, the docker `log` decoder, the
 * Python bytes literal): hex digits and UTF-8 writing.
 */

/** The value of the hex digit `c` (a byte), or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** The value of the 4 hex digits at `at` (before `end`), or -1. */
export function hex4(buf: Buffer, at: number, end: number): number {
  if (at + 4 > end) return -1;
  let v = 0;
  for (let k = at; k < at + 4; k++) {
    const d = hexDigit(buf[k] as number);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
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
