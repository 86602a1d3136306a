import { hexDigit } from "../core/escapes.js";

/**
 * A Python 3 bytes literal `b'…'` as aliyunsdkcore logs a body (`Response-body: b'{…}'`, README
 * "What counts as a response"): the repr escapes `\\`, `\'`, `\t`, `\n`, `\r` and every other byte
 * that is not printable ASCII as `\xNN`. `pos` is the first byte after the opening `b'`.
 *
 * Writes the literal's bytes to `out` (at least `end - pos` long) and returns how many (`length`)
 * and the position after its closing `'`, or null when it does not close on the line. One pass
 * over the literal.
 */
export function pythonBytes(
  buf: Buffer,
  pos: number,
  end: number,
  out: Buffer,
): { length: number; after: number } | null {
  let n = 0;
  for (let i = pos; i < end; i++) {
    const b = buf[i] as number;
    if (b === 0x27) return { length: n, after: i + 1 };
    if (b !== 0x5c || i + 1 >= end) {
      out[n++] = b;
      continue;
    }
    const c = buf[++i] as number;
    const hex = c === 0x78 && i + 2 < end ? hexByte(buf[i + 1] as number, buf[i + 2] as number) : -1;
    if (hex >= 0) {
      out[n++] = hex;
      i += 2;
    } else if (c === 0x74) out[n++] = 0x09;
    else if (c === 0x6e) out[n++] = 0x0a;
    else if (c === 0x72) out[n++] = 0x0d;
    else if (c === 0x5c || c === 0x27 || c === 0x22) out[n++] = c;
    else {
      // Python keeps an unknown escape as it is.
      out[n++] = 0x5c;
      out[n++] = c;
    }
  }
  return null;
}

function hexByte(h: number, l: number): number {
  const a = hexDigit(h);
  const b = hexDigit(l);
  return a < 0 || b < 0 ? -1 : a * 16 + b;
}
