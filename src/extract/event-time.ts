/**
 * The time a log line says it was written (README, "Event time"). Pure functions of their input
 * (text → epoch ms, or null), so that any reader (a container runtime's line prefix, a structured
 * log's time member, the text before a body) can call them. They run once per response, never per
 * line, and look only at the first HEAD_CHARS characters of a text.
 *
 * A time without a zone is local time (the process's `TZ`, UTC in the shipped image).
 */

/** Timestamps are at the start of a line, after at most a thread id, a level or a bracket. */
export const HEAD_CHARS = 80;

// date(1) and ctime: [Tue Mar 08 07:41:19 UTC 2022], Tue Mar  8 07:41:19 2022.
const DATE_CMD =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(?<d>\d{1,2}) (?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?: (?<zone>[A-Z]{1,5}|[+-]\d{4}))? (?<y>\d{4})\b/;
// Common Log Format (access logs, the Java SDK's {date_common_log}): [01/May/2024:10:00:00 +0800].
const COMMON_LOG =
  /(?<!\d)(?<d>\d{2})\/(?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(?<y>\d{4}):(?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2}) (?<zone>[+-]\d{4})/;
const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

/** Epoch values outside 2000-01-01 … 2100-01-01 are not times (a counter, a duration, an id). */
const MIN_MS = 946_684_800_000;
const MAX_MS = 4_102_444_800_000;

/** The first timestamp in the first HEAD_CHARS characters of `text`, as epoch ms; null if none. */
export function timeFromText(text: string): number | null {
  const end = Math.min(text.length, HEAD_CHARS);
  const iso = isoLike(text, end);
  if (iso !== undefined) return iso;
  // The rarer shapes need a colon within the head; a regex runs only then (the head is short).
  const colon = text.indexOf(":");
  if (colon < 0 || colon >= end) return null;
  const head = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  const g = (COMMON_LOG.exec(head) ?? DATE_CMD.exec(head))?.groups;
  if (g === undefined) return null;
  return fromParts(Number(g.y), month(g.mon), Number(g.d), Number(g.h), Number(g.mi), Number(g.s), 0, g.zone);
}

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.,:]fraction? zone?` (or `/` between the date's parts) starting before
 * `end`, read by hand: it is on most lines, and a regex with its match array cost 3× more per line
 * (README, "Event time"). undefined when there is none; null when there is one but it is invalid.
 */
function isoLike(t: string, end: number): number | null | undefined {
  for (let i = 0; i + 19 <= t.length && i < end; i++) {
    const c = t.charCodeAt(i + 4);
    if (c !== 0x2d && c !== 0x2f) {
      // A date starts with four digits: when t[i+4] is not one, none starts at i+1 … i+4 either.
      if (!isDigit(c)) i += 4;
      continue;
    }
    if (t.charCodeAt(i + 7) !== c || !digits(t, i, 4)) continue;
    if (i > 0 && isDigit(t.charCodeAt(i - 1))) continue;
    const sep = t.charCodeAt(i + 10);
    if ((sep !== 0x54 && sep !== 0x20) || t.charCodeAt(i + 13) !== 0x3a || t.charCodeAt(i + 16) !== 0x3a)
      continue;
    if (
      !digits(t, i + 5, 2) ||
      !digits(t, i + 8, 2) ||
      !digits(t, i + 11, 2) ||
      !digits(t, i + 14, 2) ||
      !digits(t, i + 17, 2)
    )
      continue;
    let p = i + 19;
    let ms = 0;
    const f = t.charCodeAt(p);
    if ((f === 0x2e || f === 0x2c || f === 0x3a) && isDigit(t.charCodeAt(p + 1))) {
      let scale = 100;
      for (p++; isDigit(t.charCodeAt(p)); p++) {
        ms += (t.charCodeAt(p) - 0x30) * scale;
        scale /= 10;
      }
      ms = Math.floor(ms);
    }
    return fromParts(
      num(t, i, 4),
      num(t, i + 5, 2),
      num(t, i + 8, 2),
      num(t, i + 11, 2),
      num(t, i + 14, 2),
      num(t, i + 17, 2),
      ms,
      zoneAt(t, p),
    );
  }
  return undefined;
}

/** `Z`, `UTC`, `GMT`, `+08:00`, `+0800`, `+08` at `p` (after an optional space), not followed by a word character. */
function zoneAt(t: string, p: number): string | undefined {
  if (t.charCodeAt(p) === 0x20) p++;
  const c = t.charCodeAt(p);
  let len = 0;
  if (c === 0x5a) len = 1;
  else if (t.startsWith("UTC", p) || t.startsWith("GMT", p)) len = 3;
  else if ((c === 0x2b || c === 0x2d) && digits(t, p + 1, 2)) {
    len = 3;
    const colon = t.charCodeAt(p + 3) === 0x3a ? 1 : 0;
    if (digits(t, p + 3 + colon, 2)) len += colon + 2;
  } else return undefined;
  const next = t.charCodeAt(p + len);
  if (isDigit(next) || next === 0x3a || next === 0x5f || ((next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a))
    return undefined;
  return t.slice(p, p + len);
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function digits(t: string, at: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (!isDigit(t.charCodeAt(at + k))) return false;
  return true;
}

function num(t: string, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) v = v * 10 + t.charCodeAt(at + k) - 0x30;
  return v;
}

/**
 * A structured log's time member (`time`, `ts`, `timestamp`, `@timestamp`): epoch seconds, ms, µs
 * or ns (told apart by size; numbers or digit strings, fractions allowed), or a timestamp text.
 */
export function timeFromField(value: string | number): number | null {
  let n: number;
  if (typeof value === "number") n = value;
  else if (/^\s*\d{9,19}(\.\d+)?\s*$/.test(value)) n = Number(value);
  else return timeFromText(value);
  if (!Number.isFinite(n) || n <= 0) return null;
  // Seconds with a fraction are rounded to the ms (1764576000.123 * 1000 is 1764576000122.9998).
  const ms = n < 1e11 ? Math.round(n * 1000) : Math.floor(n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6);
  return ms >= MIN_MS && ms < MAX_MS ? ms : null;
}

const month = (name: string | undefined): number => MONTHS.indexOf(name as string) / 3 + 1;

function fromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone: string | undefined,
): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const sec = Math.min(s, 59); // a leap second counts as :59
  // 31 April is not a date (Date.UTC would roll it over into May).
  if (d > 28 && d > daysInMonth(y, mo)) return null;
  const utc = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms;
  let t: number;
  if (zone === "Z" || zone === "UTC" || zone === "GMT") t = utc;
  else if (zone !== undefined && (zone[0] === "+" || zone[0] === "-")) t = utc - offsetMs(zone);
  else t = new Date(y, mo - 1, d, h, mi, sec, ms).getTime();
  return t >= MIN_MS && t < MAX_MS ? t : null;
}

function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date object per line. */
function daysFromCivil(y: number, mo: number, d: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** `+08:00`, `+0800`, `+08`, `-0530` → ms east of UTC. */
function offsetMs(zone: string): number {
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
  return (zone[0] === "-" ? -minutes : minutes) * 60_000;
}
