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

/**
 * FNV-1a over a name's bytes, ASCII letters lower-cased and `_`/`-` skipped: the same for every
 * spelling of a field name.
 */
function foldedHash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let b = buf[i] as number;
    if (b === 0x5f || b === 0x2d) continue;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    h = Math.imul(h ^ b, 0x01000193);
  }
  return h >>> 0;
}

interface HashEntry {
  readonly folded: Uint8Array;
  readonly cls: FieldClass;
  readonly dashes: boolean;
  /** Envelope names: the bytes must be exactly these (no case folding, no `_`/`-`). */
  readonly exact: boolean;
}

const BY_HASH = new Map<number, HashEntry>([
  ...FOLDED.map(([name, cls, dashes]): [number, HashEntry] => [
    foldedHash(Buffer.from(name), 0, name.length),
    { folded: Buffer.from(name), cls, dashes, exact: false },
  ]),
  ...[...ENVELOPE_NAMES].map(([name, cls]): [number, HashEntry] => [
    foldedHash(Buffer.from(name), 0, name.length),
    { folded: Buffer.from(name), cls, dashes: false, exact: true },
  ]),
]);
if (BY_HASH.size !== FOLDED.length + ENVELOPE_NAMES.size) throw new Error("field name hashes collide");

function shape(len: number, first: number, last: number): number {
  return (len << 16) | ((first | 0x20) << 8) | (last | 0x20);
}

const SHAPES = new Set(
  [...FOLDED.map(([name]) => name), ...ENVELOPE_NAMES.keys()].map((name) =>
    shape(name.length, name.charCodeAt(0), name.charCodeAt(name.length - 1)),
  ),
);

/** Bytes a field name can start with: the first letters of the names above, any case, and `_`/`-`. */
const FIRST_BYTE = new Uint8Array(256);
for (const ch of "rhcemsa_-") {
  FIRST_BYTE[ch.charCodeAt(0)] = 1;
  FIRST_BYTE[ch.toUpperCase().charCodeAt(0)] = 1;
}
// Envelope names are matched exactly: only their lower-case first letters (so `PageSize`,
// `TotalCount`, `LifecycleState` keys of success bodies are still rejected by their first byte).
for (const name of ENVELOPE_NAMES.keys()) FIRST_BYTE[name.charCodeAt(0)] = 1;

/**
 * classifyName on the bytes of a name, without building a string: most keys of a success body are
 * rejected by their first byte or their hash (classifying every key as a string was more than half
 * of the NDJSON scan). Equal to classifyName for every name; test/unit/parsers/field-names.test.ts checks it.
 */
export function classifyBytes(buf: Uint8Array, start: number, end: number): FieldClass {
  const len = end - start;
  if (len > MAX_FIELD_NAME_LENGTH || FIRST_BYTE[buf[start] as number] !== 1) return FieldClass.None;
  // Without `_`/`-`, a field name has the length, first and last letter of one of the names.
  if (!SHAPES.has(shape(len, buf[start] as number, buf[end - 1] as number))) {
    let dashes = false;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b === 0x5f || b === 0x2d) {
        dashes = true;
        break;
      }
    }
    if (!dashes) return FieldClass.None;
  }
  const entry = BY_HASH.get(foldedHash(buf, start, end));
  if (entry === undefined) return FieldClass.None;
  const folded = entry.folded;
  if (entry.exact) {
    if (len !== folded.length) return FieldClass.None;
    for (let i = 0; i < len; i++) if (buf[start + i] !== folded[i]) return FieldClass.None;
    return entry.cls;
  }
  let j = 0;
  for (let i = start; i < end; i++) {
    let b = buf[i] as number;
    if (b === 0x5f || b === 0x2d) {
      if (!entry.dashes) return FieldClass.None;
      continue;
    }
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (folded[j++] !== b) return FieldClass.None;
  }
  return j === folded.length ? entry.cls : FieldClass.None;
}
