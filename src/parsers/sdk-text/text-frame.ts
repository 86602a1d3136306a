import type { Parsed } from "../../core/records.js";
import type { TextFields } from "./presets.js";

/** What an SDK string says instead of a request id when it has none (Python prints None). */
const NO_ID = new Set(["", "None", "none", "null", "nil", "<nil>", "undefined"]);

/**
 * The facts of one SDK error string, or null when it has no request id (then it is not a
 * response). Values were matched as latin1 text: they are decoded as UTF-8 and trimmed; a status
 * counts when it is an integer 100–599 (README "SDK error strings").
 */
export function textParsed(f: TextFields): Parsed | null {
  const requestId = f.requestId === undefined ? undefined : utf8(f.requestId).replace(/\.$/, "");
  if (requestId === undefined || NO_ID.has(requestId)) return null;
  const code = f.code === undefined ? "" : utf8(f.code);
  return {
    format: "text",
    requestId,
    hostId: f.hostId === undefined ? null : utf8(f.hostId),
    code: code === "None" ? "" : code,
    message: f.message === undefined ? null : utf8(f.message),
    bodyStatus: null,
    wrapperStatus: null,
    action: null,
    lineStatus: httpStatus(f.status),
    logTime: null,
  };
}

/** A latin1-matched value as the UTF-8 text it was, trimmed. */
function utf8(latin1: string): string {
  const t = latin1.trim();
  return /[\x80-\xff]/.test(t) ? Buffer.from(t, "latin1").toString("utf8") : t;
}

function httpStatus(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  return /^[1-5]\d\d$/.test(t) ? Number(t) : null;
}
