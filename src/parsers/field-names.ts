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
 * A cheap pre-check on the first byte of a name: only names starting with one of these letters (any
 * case) or `_`/`-` can be fields, so most keys of a success body are skipped without building a string.
 */
export const FIELD_FIRST_BYTE = (() => {
  const table = new Uint8Array(256);
  for (const ch of "rhcemsa_-") {
    table[ch.charCodeAt(0)] = 1;
    table[ch.toUpperCase().charCodeAt(0)] = 1;
  }
  return table;
})();
