/**
 * Which member names carry which field (DESIGN §4). Shared by every body parser and by the
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

/** The class of a member (JSON key or XML element local name). */
export function classifyName(name: string): FieldClass {
  if (name.length > MAX_FIELD_NAME_LENGTH) return FieldClass.None;
  const lower = name.toLowerCase();
  const direct = BY_LOWER.get(lower);
  if (direct !== undefined) return direct;
  // Request id and status names also drop `_` and `-` (request_id, status_code, Http-Status).
  const folded = lower.replace(/[_-]/g, "");
  if (folded === "requestid") return FieldClass.RequestId;
  if (folded === "statuscode" || folded === "httpstatus") return FieldClass.Status;
  return FieldClass.None;
}

/**
 * FNV-1a over a name's bytes, ASCII letters lower-cased and `_`/`-` skipped: the same for every
 * spelling that classifyName may accept. Lets the JSON scanner skip the keys of a success body
 * without building a string for each (building and classifying them was ~30% of the NDJSON
 * profile); a hash hit is then confirmed by classifyName.
 */
export function foldedHash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let b = buf[i] as number;
    if (b === 0x5f || b === 0x2d) continue;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    h = Math.imul(h ^ b, 0x01000193);
  }
  return h >>> 0;
}

const FIELD_HASHES = new Set(
  [
    "requestid",
    "hostid",
    "code",
    "errorcode",
    "message",
    "errormsg",
    "action",
    "api",
    "statuscode",
    "httpstatus",
  ].map((name) => foldedHash(Buffer.from(name), 0, name.length)),
);

/** Bytes a field name can start with: the first letters of the names above, any case, and `_`/`-`. */
const FIRST_BYTE = new Uint8Array(256);
for (const ch of "rhcemsa_-") {
  FIRST_BYTE[ch.charCodeAt(0)] = 1;
  FIRST_BYTE[ch.toUpperCase().charCodeAt(0)] = 1;
}

/** False when the name can be no field (most names); true means: ask classifyName. */
export function mayBeFieldName(buf: Uint8Array, start: number, end: number): boolean {
  return (
    end - start <= MAX_FIELD_NAME_LENGTH &&
    FIRST_BYTE[buf[start] as number] === 1 &&
    FIELD_HASHES.has(foldedHash(buf, start, end))
  );
}
