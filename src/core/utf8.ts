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
