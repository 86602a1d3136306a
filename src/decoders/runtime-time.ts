/**
 * The container runtime's RFC 3339 timestamps (`2026-12-01T08:00:00.123456789Z`, or with an
 * offset `+08:00`) → epoch milliseconds, read from the record's bytes. Consecutive records share
 * their second, so the date-and-time part is parsed once and kept: per record only 19 bytes are
 * compared and the fraction and zone read, without a string (README "Container logs").
 */
const SECOND_BYTES = 19;
/** `.5` is 500 ms, `.05` 50 ms. */
const SHORT_FRACTION_SCALE = [0, 100, 10];

export class RuntimeTimes {
  private readonly second = Buffer.alloc(SECOND_BYTES);
  private secondMs = Number.NaN;

  /** Epoch ms of the timestamp `buf[start, end)`, or NaN when it is not an RFC 3339 date-time. */
  parse(buf: Buffer, start: number, end: number): number {
    if (end - start < SECOND_BYTES + 1 || buf[start + 10] !== 0x54 /* T */) return Number.NaN;
    if (Number.isNaN(this.secondMs) || !this.sameSecond(buf, start)) {
      const ms = Date.parse(`${buf.latin1Slice(start, start + SECOND_BYTES)}Z`);
      if (Number.isNaN(ms)) return ms;
      buf.copy(this.second, 0, start, start + SECOND_BYTES);
      this.secondMs = ms;
    }
    let i = start + SECOND_BYTES;
    let frac = 0;
    if (buf[i] === 0x2e /* . */) {
      // Milliseconds are the first three digits; the others only have to be digits.
      let digits = 0;
      for (i++; i < end; i++) {
        const d = (buf[i] as number) - 0x30;
        if (d < 0 || d > 9) break;
        if (digits < 3) frac = frac * 10 + d;
        digits++;
      }
      if (digits < 3) frac *= SHORT_FRACTION_SCALE[digits] as number;
    }
    const zone = buf[i];
    if (zone === 0x5a /* Z */ && i === end - 1) return this.secondMs + frac;
    if ((zone !== 0x2b && zone !== 0x2d) || end !== i + 6 || buf[i + 3] !== 0x3a) return Number.NaN;
    const hh = digits2(buf, i + 1);
    const mm = digits2(buf, i + 4);
    if (hh < 0 || mm < 0) return Number.NaN;
    const offsetMs = (hh * 60 + mm) * 60_000;
    return this.secondMs + frac + (zone === 0x2b ? -offsetMs : offsetMs);
  }

  /** The same for a string (a record read through JSON.parse). */
  parseString(s: string): number {
    const b = Buffer.from(s, "latin1");
    return this.parse(b, 0, b.length);
  }

  private sameSecond(buf: Buffer, start: number): boolean {
    const second = this.second;
    // Backwards: the seconds change first.
    for (let k = SECOND_BYTES - 1; k >= 0; k--) if (buf[start + k] !== second[k]) return false;
    return true;
  }
}

function digits2(buf: Buffer, at: number): number {
  const a = (buf[at] as number) - 0x30;
  const b = (buf[at + 1] as number) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
