/**
 * Which member names carry which field (docs/design.md §4). Shared by every body parser and by the
 * reference tree walker, so they agree on every name.
 */

export enum FieldClass {
  None = 0,
  RequestId = 1,
  HostId = 2,
  /** `Code`, `code`, … — wins over ErrorCode. */
  Code = 3,
  ErrorCode = 4,
  Message = 5,
  ErrorMsg = 6,
  /** statusCode, HttpStatus, status_code … (not a bare `status`). */
  Status = 7,
  Action = 8,
  /** A logger's own member (`level`, `severity`, `msg`, `pid`, `hostname`, `logger`): a log envelope's mark. */
  Envelope = 9,
  /** A logger's time member (`time`, `ts`, `timestamp`, `@timestamp`): an envelope's mark and its time. */
  Time = 10,
}

/** Names longer than this are never fields: no alias needs more, and it keeps the check cheap. */
export const MAX_FIELD_NAME_LENGTH = 24;

const BY_LOWER = new Map<string, FieldClass>([
  ["hostid", FieldClass.HostId],
  ["code", FieldClass.Code],
  ["errorcode", FieldClass.ErrorCode],
  ["message", FieldClass.Message],
  ["errormsg", FieldClass.ErrorMsg],
  ["action", FieldClass.Action],
  ["api", FieldClass.Action],
]);

/**
 * Log envelope members (docs/design.md §3), matched exactly as loggers write them: response bodies spell their
 * members in PascalCase (`Timestamp`, `Level`), and those are no logger's.
 */
const ENVELOPE_NAMES = new Map<string, FieldClass>([
  ["level", FieldClass.Envelope],
  ["severity", FieldClass.Envelope],
  ["msg", FieldClass.Envelope],
  ["pid", FieldClass.Envelope],
  ["hostname", FieldClass.Envelope],
  ["logger", FieldClass.Envelope],
  ["time", FieldClass.Time],
  ["ts", FieldClass.Time],
  ["timestamp", FieldClass.Time],
  ["@timestamp", FieldClass.Time],
]);

/** The class of a member (JSON key or XML element local name). */
export function classifyName(name: string): FieldClass {
  if (name.length > MAX_FIELD_NAME_LENGTH) return FieldClass.None;
  const envelope = ENVELOPE_NAMES.get(name);
  if (envelope !== undefined) return envelope;
  const lower = name.toLowerCase();
  const direct = BY_LOWER.get(lower);
  if (direct !== undefined) return direct;
  // Request id and status names also drop `_` and `-` (request_id, status_code, Http-Status).
  const folded = lower.replace(/[_-]/g, "");
  if (folded === "requestid") return FieldClass.RequestId;
  if (folded === "statuscode" || folded === "httpstatus") return FieldClass.Status;
  return FieldClass.None;
}

/** The names that carry fields, folded (lower case, no `_`/`-`), and whether `_`/`-` may appear. */
const FOLDED: readonly (readonly [string, FieldClass, boolean])[] = [
  ["requestid", FieldClass.RequestId, true],
  ["hostid", FieldClass.HostId, false],
  ["code", FieldClass.Code, false],
  ["errorcode", FieldClass.ErrorCode, false],
  ["message", FieldClass.Message, false],
  ["errormsg", FieldClass.ErrorMsg, false],
  ["action", FieldClass.Action, false],
  ["api", FieldClass.Action, false],
  ["statuscode", FieldClass.Status, true],
  ["httpstatus", FieldClass.Status, true],
];

interface NameEntry {
  readonly name: Uint8Array;
  readonly cls: FieldClass;
  /** Envelope names: the bytes must be exactly these (no case folding). */
  readonly exact: boolean;
}

/** The longest name without `_`/`-` (a name with them is longer: `request_id`). */
const MAX_PLAIN_LENGTH = 10;

/**
 * A name's shape: its length and the low five bits of its first and last byte (an ASCII letter's
 * are the same in either case). Different names have different shapes (checked below).
 */
function shapeOf(len: number, first: number, last: number): number {
  return (len << 10) | ((first & 31) << 5) | (last & 31);
}

const FOLDED_ENTRIES: readonly NameEntry[] = FOLDED.map(([name, cls]) => ({
  name: Buffer.from(name),
  cls,
  exact: false,
}));

const ENTRIES: readonly NameEntry[] = [
  ...FOLDED_ENTRIES,
  ...[...ENVELOPE_NAMES].map(([name, cls]) => ({ name: Buffer.from(name), cls, exact: true })),
];

/** By shape: 1 + the index in ENTRIES of the name of that shape, 0 for none. */
const BY_SHAPE = new Uint8Array((MAX_PLAIN_LENGTH + 1) << 10);
for (const [i, { name }] of ENTRIES.entries()) {
  const shape = shapeOf(name.length, name[0] as number, name[name.length - 1] as number);
  if (name.length > MAX_PLAIN_LENGTH || BY_SHAPE[shape] !== 0) throw new Error("field name shapes collide");
  BY_SHAPE[shape] = i + 1;
}

/** The names that may have `_`/`-` in them. */
const DASHED: readonly NameEntry[] = FOLDED_ENTRIES.filter((_, i) => FOLDED[i]?.[2] === true);

/** By byte: 1 + the index in DASHED of the name starting with that letter (either case); `_`/`-`: DASH. */
const DASHED_START = new Uint8Array(256);
const DASH = 255;
for (const [i, { name }] of DASHED.entries()) {
  DASHED_START[name[0] as number] = i + 1;
  DASHED_START[(name[0] as number) & ~0x20] = i + 1;
}
DASHED_START[0x5f] = DASH;
DASHED_START[0x2d] = DASH;

/** ASCII upper-case letters lower-cased; every other byte as it is. */
function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/**
 * classifyName on the bytes of a name, without building a string: most keys of a success body are
 * rejected by one look at their shape (classifying every key as a string was more than half of the
 * NDJSON scan), a name with that shape is compared byte by byte. Equal to classifyName for every
 * name; test/unit/parsers/field-names.test.ts checks it.
 */
export function classifyBytes(buf: Uint8Array, start: number, end: number): FieldClass {
  const len = end - start;
  if (len <= 0 || len > MAX_FIELD_NAME_LENGTH) return FieldClass.None;
  if (len <= MAX_PLAIN_LENGTH) {
    const at = BY_SHAPE[shapeOf(len, buf[start] as number, buf[end - 1] as number)] as number;
    if (at !== 0 && sameName(ENTRIES[at - 1] as NameEntry, buf, start, len))
      return (ENTRIES[at - 1] as NameEntry).cls;
  }
  // `request_id`, `Status-Code`: nine letters at least and a `_` or `-`.
  return len > 9 && DASHED_START[buf[start] as number] !== 0 ? dashedClass(buf, start, end) : FieldClass.None;
}

function sameName(entry: NameEntry, buf: Uint8Array, start: number, len: number): boolean {
  const name = entry.name;
  if (name.length !== len) return false;
  if (entry.exact) {
    for (let i = 0; i < len; i++) if (buf[start + i] !== name[i]) return false;
  } else {
    for (let i = 0; i < len; i++) if (lower(buf[start + i] as number) !== name[i]) return false;
  }
  return true;
}

/** The class of a name that spells `requestid`, `statuscode` or `httpstatus` with `_`/`-` left out. */
function dashedClass(buf: Uint8Array, start: number, end: number): FieldClass {
  let i = start;
  while (i < end && DASHED_START[buf[i] as number] === DASH) i++;
  const at = i < end ? (DASHED_START[buf[i] as number] as number) : 0;
  if (at === 0 || at === DASH) return FieldClass.None;
  const entry = DASHED[at - 1] as NameEntry;
  const name = entry.name;
  let j = 0;
  for (; i < end; i++) {
    const b = buf[i] as number;
    if (b === 0x5f || b === 0x2d) continue;
    if (j >= name.length || lower(b) !== name[j++]) return FieldClass.None;
  }
  return j === name.length ? entry.cls : FieldClass.None;
}
