import type { Parsed, StatusSource } from "../core/records.js";
import type { CodeInfo } from "./catalog.js";

/** `HTTP/1.1 400`, `HTTP/2 429`, or the access-log form `HTTP/1.1" 400`; the last one before the body counts. */
const LINE_STATUS = /HTTP\/\d(?:\.\d)?"? ([1-5]\d\d)(?!\d)/g;

/** The last HTTP status token in the text before the body (an access log puts it right before). */
function statusFromLine(prefix: string): number | null {
  if (prefix.length < 10 || !prefix.includes("HTTP/")) return null;
  let last: string | undefined;
  for (const m of prefix.matchAll(LINE_STATUS)) last = m[1];
  return last === undefined ? null : Number(last);
}

export interface ResolvedStatus {
  readonly status: number | "unknown";
  readonly source: StatusSource;
  /** The status came from the log itself (body, wrapper or line), not from the catalogue. */
  readonly explicit: boolean;
}

const NONE: ResolvedStatus = { status: "unknown", source: "none", explicit: false };

/**
 * docs/design.md §4: body → wrapper → line (the status an SDK error string carries, else an HTTP token before
 * the body) → catalogue → unknown. Explicit statuses win over the catalogue.
 */
export function resolveStatus(parsed: Parsed, prefix: string, info: CodeInfo | undefined): ResolvedStatus {
  if (parsed.bodyStatus !== null) return { status: parsed.bodyStatus, source: "body", explicit: true };
  if (parsed.wrapperStatus !== null)
    return { status: parsed.wrapperStatus, source: "wrapper", explicit: true };
  if (parsed.lineStatus !== null) return { status: parsed.lineStatus, source: "line", explicit: true };
  const fromLine = statusFromLine(prefix);
  if (fromLine !== null) return { status: fromLine, source: "line", explicit: true };
  if (info !== undefined && info.status !== null)
    return { status: info.status, source: "catalog", explicit: false };
  return NONE;
}
