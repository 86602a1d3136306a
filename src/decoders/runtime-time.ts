/**
 * The container runtime's RFC 3339 timestamps (`2026-12-01T08:00:00.123456789Z`, or with an
 * offset `+08:00`) → epoch milliseconds. Consecutive records share their second, so the
 * date-and-time part is parsed once and kept: per record only the fraction and the zone are read
 * (README "Container logs").
 */
export class RuntimeTimes {
  private second = "";
  private secondMs = 0;

  /** Epoch ms, or NaN when `s` is not an RFC 3339 date-time. */
  parse(s: string): number {
    if (s.length < 20 || s.charCodeAt(10) !== 0x54 /* T */) return Number.NaN;
    if (this.second === "" || !s.startsWith(this.second)) {
      const second = s.slice(0, 19);
      const ms = Date.parse(`${second}Z`);
      if (Number.isNaN(ms)) return ms;
      this.second = second;
      this.secondMs = ms;
    }
    let i = 19;
    let frac = 0;
    if (s.charCodeAt(i) === 0x2e /* . */) {
      i++;
      let scale = 100;
      for (let c = s.charCodeAt(i); c >= 0x30 && c <= 0x39; c = s.charCodeAt(++i)) {
        frac += (c - 0x30) * scale;
        scale /= 10;
      }
      frac = Math.floor(frac);
    }
    const zone = s.charCodeAt(i);
    if (zone === 0x5a /* Z */ && i === s.length - 1) return this.secondMs + frac;
    if ((zone !== 0x2b && zone !== 0x2d) || s.length !== i + 6 || s.charCodeAt(i + 3) !== 0x3a) {
      return Number.NaN;
    }
    const hh = Number(s.slice(i + 1, i + 3));
    const mm = Number(s.slice(i + 4, i + 6));
    if (!Number.isInteger(hh) || !Number.isInteger(mm)) return Number.NaN;
    const offsetMs = (hh * 60 + mm) * 60_000;
    return this.secondMs + frac + (zone === 0x2b ? -offsetMs : offsetMs);
  }
}
