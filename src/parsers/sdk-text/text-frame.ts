import type { Frame, Parsed } from "../../core/records.js";
import type { TextFields } from "./presets.js";

/** What an SDK string says instead of a request id when it has none (Python prints None). */
const NO_ID = new Set(["", "None", "none", "null", "nil", "<nil>", "undefined"]);

/** The longest prefix kept for `Action=` and `HTTP/1.1 400` look-ups, as for bodies (README). */
const MAX_PREFIX_CHARS = 8192;

/**
 * The frame of one SDK error string, or null when it has no request id (then it is not a
 * response). Fields are trimmed; a status counts when it is an integer 100–599.
 */
export function textFrame(f: TextFields, prefix: string, lineStart: number, lineEnd: number): Frame | null {
  const requestId = f.requestId?.trim().replace(/\.$/, "");
  if (requestId === undefined || NO_ID.has(requestId)) return null;
  const code = f.code?.trim() ?? "";
  const parsed: Parsed = {
    format: "text",
    requestId,
    hostId: f.hostId === undefined ? null : f.hostId.trim(),
    code: code === "None" ? "" : code,
    message: f.message === undefined ? null : f.message.trim(),
    bodyStatus: null,
    wrapperStatus: null,
    action: null,
    lineStatus: httpStatus(f.status),
  };
  const p = prefix.length > MAX_PREFIX_CHARS ? prefix.slice(-MAX_PREFIX_CHARS) : prefix;
  return { parsed, lineStart, lineEnd, prefix: p };
}

function httpStatus(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (!/^[1-5]\d\d$/.test(t)) return null;
  return Number(t);
}
