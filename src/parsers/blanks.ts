/** Position of the first byte that is not a blank (space, tab, CR, VT, FF), or `end`. */
export function firstNonBlank(buf: Buffer, pos: number, end: number): number {
  while (pos < end) {
    const b = buf[pos];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c) return pos;
    pos++;
  }
  return end;
}
