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
  if (f.requestId === undefined) return null;
  let requestId = utf8(f.requestId);
  if (requestId.endsWith(".")) requestId = requestId.slice(0, -1);
  if (NO_ID.has(requestId)) return null;
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

/** An integer 100–599 (three digits, read by hand: one per string). */
function httpStatus(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.length === 3 ? s : s.trim();
  if (t.length !== 3) return null;
  const a = t.charCodeAt(0) - 0x30;
  const b = t.charCodeAt(1) - 0x30;
  const c = t.charCodeAt(2) - 0x30;
  if (a < 1 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9) return null;
  return a * 100 + b * 10 + c;
}
