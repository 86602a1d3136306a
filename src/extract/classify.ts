import type { Category } from "../core/records.js";
import type { CodeInfo } from "./catalog.js";

/** Codes that mean success even though they are codes (docs/design.md §5). */
const SUCCESS_CODES = new Set(["OK", "Success", "success", "200"]);
const THROTTLING_CODES = new Set(["QpsLimitExceeded", "TooManyRequests"]);
const AUTH_FAMILIES = [
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "Forbidden",
  "InvalidSecurityToken",
  "IncompleteSignature",
  "SignatureNonceUsed",
  "InvalidTimeStamp",
];
const SERVER_FAMILIES = ["InternalError", "ServiceUnavailable", "UnknownError"];

/** `code` is `family` or `family.Something` (InvalidAccessKeyId.NotFound, Forbidden.RiskControl). */
function inFamily(code: string, families: readonly string[]): boolean {
  for (const f of families) {
    if (code === f || (code.length > f.length && code.charCodeAt(f.length) === 0x2e && code.startsWith(f))) {
      return true;
    }
  }
  return false;
}

/** error ⇔ explicit status ≥ 400, or a code outside the success set — even inside a 2xx body. */
export function isError(code: string, explicitStatus: number | null): boolean {
  return (explicitStatus !== null && explicitStatus >= 400) || (code !== "" && !SUCCESS_CODES.has(code));
}

/** The category of a response (docs/design.md §5); `status` is the resolved one, whatever its source. */
export function categorize(
  code: string,
  status: number | null,
  error: boolean,
  info: CodeInfo | undefined,
): Category {
  if (!error) return "success";
  if (info?.category) return info.category;
  if (status === 429 || THROTTLING_CODES.has(code) || code.toLowerCase().includes("throttling"))
    return "throttling";
  if (status === 401 || status === 403 || inFamily(code, AUTH_FAMILIES)) return "auth_error";
  if ((status !== null && status >= 500) || inFamily(code, SERVER_FAMILIES)) return "server_error";
  return "client_error";
}

export function isRetryable(category: Category): boolean {
  return category === "throttling" || category === "server_error";
}
