/**
 * Where a body may start (docs/design.md §3): `{` followed by optional blanks and then `"`, `}` or the end of
 * the line (so `{thread-1}` in a prefix is not one), or `<` followed by a letter, `_` or `?xml`.
 *
 * `atLineEnd` false: `end` is only the end of a piece of a long line, and a start that needs bytes
 * past it to be decided (`{` and blanks, `<`, `<?xm`) is returned as `-2 - position`.
 */
export function findCandidate(buf: Buffer, pos: number, end: number, atLineEnd = true): number {
  for (let i = pos; i < end; i++) {
    const b = buf[i];
    if (b === 0x7b) {
      let j = i + 1;
      while (j < end && (buf[j] === 0x20 || buf[j] === 0x09 || buf[j] === 0x0d)) j++;
      if (j === end) return atLineEnd ? i : -2 - i;
      if (buf[j] === 0x22 || buf[j] === 0x7d) return i;
    } else if (b === 0x3c) {
      if (i + 1 >= end) return atLineEnd ? -1 : -2 - i;
      const c = buf[i + 1] as number;
      if (XML_START[c] === 1) return i;
      if (c === 0x3f) {
        let k = 0;
        while (k < 3 && i + 2 + k < end && buf[i + 2 + k] === XML_WORD[k]) k++;
        if (k === 3) return i;
        if (i + 2 + k >= end && !atLineEnd) return -2 - i;
      }
    }
  }
  return -1;
}

const XML_WORD = [0x78, 0x6d, 0x6c]; // "xml"

const XML_START = new Uint8Array(256);
for (let b = 0x41; b <= 0x5a; b++) XML_START[b] = 1;
for (let b = 0x61; b <= 0x7a; b++) XML_START[b] = 1;
XML_START[0x5f] = 1;

/** The first `"` in `buf[pos, limit)`, or -1: the parts of a line that no body covers are short. */
export function quoteIn(buf: Buffer, pos: number, limit: number): number {
  for (let i = pos; i < limit; i++) if (buf[i] === 0x22) return i;
  return -1;
}
