/**
 * Where a body may start (DESIGN §3): `{` followed by optional blanks and then `"`, `}` or the end of
 * the line (so `{thread-1}` in a prefix is not one), or `<` followed by a letter, `_` or `?xml`.
 */
export function findCandidate(buf: Buffer, pos: number, end: number): number {
  for (let i = pos; i < end; i++) {
    const b = buf[i];
    if (b === 0x7b) {
      let j = i + 1;
      while (j < end && (buf[j] === 0x20 || buf[j] === 0x09 || buf[j] === 0x0d)) j++;
      if (j === end || buf[j] === 0x22 || buf[j] === 0x7d) return i;
    } else if (b === 0x3c && i + 1 < end) {
      const c = buf[i + 1] as number;
      if (XML_START[c] === 1) return i;
      if (c === 0x3f && buf[i + 2] === 0x78 && buf[i + 3] === 0x6d && buf[i + 4] === 0x6c && i + 4 < end)
        return i;
    }
  }
  return -1;
}

/** Position of the first byte that is not a blank, or `end`. */
export function firstNonBlank(buf: Buffer, pos: number, end: number): number {
  while (pos < end) {
    const b = buf[pos];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c) return pos;
    pos++;
  }
  return end;
}

const XML_START = new Uint8Array(256);
for (let b = 0x41; b <= 0x5a; b++) XML_START[b] = 1;
for (let b = 0x61; b <= 0x7a; b++) XML_START[b] = 1;
XML_START[0x5f] = 1;
