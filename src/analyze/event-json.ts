import type { ApiResponse } from "../core/records.js";
import type { Redactor } from "../core/redact.js";

/** One line of `analyze --events`: the response with its time in ISO 8601 and its message masked. */
export function eventJson(r: ApiResponse, redact: Redactor): string {
  return JSON.stringify({
    ...r,
    message: r.message === null ? null : redact(r.message),
    time: new Date(r.time).toISOString(),
  });
}
