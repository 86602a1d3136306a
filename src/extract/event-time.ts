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

// 2024-05-01T10:00:00.123+08:00, 2024-05-01 10:00:00,123 (Python), 2024/05/01 10:00:00,
// 2020-01-01T10:00:00:123Z (Java SDK {ts}), CRI 2022-03-08T07:41:19.123456789Z.
const ISO_LIKE =
  /(?<!\d)(\d{4})([-/])(\d{2})\2(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,:](\d{1,9}))?(?: ?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?![\w:]))?/;
// date(1) and ctime: [Tue Mar 08 07:41:19 UTC 2022], Tue Mar  8 07:41:19 2022.
const DATE_CMD =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?: ([A-Z]{1,5}|[+-]\d{4}))? (\d{4})\b/;
// Common Log Format (access logs, the Java SDK's {date_common_log}): [01/May/2024:10:00:00 +0800].
const COMMON_LOG =
  /(?<!\d)(\d{2})\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})/;
const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

/** Epoch values outside 2000-01-01 … 2100-01-01 are not times (a counter, a duration, an id). */
const MIN_MS = 946_684_800_000;
const MAX_MS = 4_102_444_800_000;

/** The first timestamp in the first HEAD_CHARS characters of `text`, as epoch ms; null if none. */
export function timeFromText(text: string): number | null {
  const head = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  if (!/\d\d:\d\d/.test(head)) return null;
  const iso = ISO_LIKE.exec(head);
  if (iso !== null) {
    const [, y, , mo, d, h, mi, s, frac, zone] = iso;
    return fromParts(
      +(y as string),
      +(mo as string),
      +(d as string),
      +(h as string),
      +(mi as string),
      +(s as string),
      millis(frac),
      zone,
    );
  }
  const clf = COMMON_LOG.exec(head);
  if (clf !== null) {
    const [, d, mon, y, h, mi, s, zone] = clf;
    return fromParts(
      +(y as string),
      month(mon),
      +(d as string),
      +(h as string),
      +(mi as string),
      +(s as string),
      0,
      zone,
    );
  }
  const cmd = DATE_CMD.exec(head);
  if (cmd === null) return null;
  const [, mon, d, h, mi, s, zone, y] = cmd;
  return fromParts(
    +(y as string),
    month(mon),
    +(d as string),
    +(h as string),
    +(mi as string),
    +(s as string),
    0,
    zone,
  );
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
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6;
  return ms >= MIN_MS && ms < MAX_MS ? Math.floor(ms) : null;
}

const month = (name: string | undefined): number => MONTHS.indexOf(name as string) / 3 + 1;

function millis(frac: string | undefined): number {
  if (frac === undefined) return 0;
  return Number(`${frac}00`.slice(0, 3));
}

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
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  // Date.UTC rolls 31 April over into May: such a date is not one.
  if (new Date(utc).getUTCDate() !== d) return null;
  let t: number;
  if (zone === "Z" || zone === "UTC" || zone === "GMT") t = utc;
  else if (zone !== undefined && (zone[0] === "+" || zone[0] === "-")) t = utc - offsetMs(zone);
  else t = new Date(y, mo - 1, d, h, mi, sec, ms).getTime();
  return t >= MIN_MS && t < MAX_MS ? t : null;
}

/** `+08:00`, `+0800`, `+08`, `-0530` → ms east of UTC. */
function offsetMs(zone: string): number {
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
  return (zone[0] === "-" ? -minutes : minutes) * 60_000;
}
