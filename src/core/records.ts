/**
 * The record types that the pipeline stages hand to each other, one per stage boundary:
 *
 *   Source ──bytes──▶ Framer ──Frame[]──▶ Extractor ──ApiResponse──▶ Sinks
 *
 * A source writes the bytes of each file into that file's own pipeline (a ByteSink, see
 * src/sources/types.ts), which knows its source name: the bytes need no record of their own.
 * Framing and body parsing work together (a body's extent is known only once it parses), so a
 * Frame carries the `Parsed` facts of its body. All records are plain readonly objects.
 */

export type BodyFormat = "json" | "xml";

/** The facts a body parser found in one body (the shallowest object or element with a request id) or in one SDK error string (`text`). */
export interface Parsed {
  readonly format: BodyFormat | "text";
  readonly requestId: string;
  /** `HostId` trimmed; `""` when present but empty; null when absent. */
  readonly hostId: string | null;
  /** First of Code, code, ErrorCode, errorCode (case-insensitive); numbers as decimal strings; `""` when absent. */
  readonly code: string;
  readonly message: string | null;
  /** `statusCode`/`HttpStatus`/`status_code` (integer) on the response object itself. */
  readonly bodyStatus: number | null;
  /** The same member on the nearest ancestor object that has one (structured log lines). */
  readonly wrapperStatus: number | null;
  /** `action`/`Action`/`api` on the response object or its nearest ancestor; for XML the `{Action}Response` root. */
  readonly action: string | null;
  /** A status the response's own text carries (SDK error strings: `HTTP Status: 400`); statusSource `line`. */
  readonly lineStatus: number | null;
  /**
   * The raw `time`/`ts`/`timestamp`/`@timestamp` member of the log envelope around the response (the
   * response object itself when it is a log envelope, else its nearest ancestor that has one, also
   * across a string the response was found in); null when there is none.
   */
  readonly logTime: string | number | null;
}

/** One recognised response body and where it stands in the input. */
export interface Frame {
  readonly parsed: Parsed;
  /** 1-based physical lines of the body's first and last character. */
  readonly lineStart: number;
  readonly lineEnd: number;
  /** Text before the body on its first line (timestamps, logger names, access-log fields). */
  readonly prefix: string;
}

export type Category = "success" | "throttling" | "auth_error" | "client_error" | "server_error";
export const CATEGORIES: readonly Category[] = [
  "success",
  "throttling",
  "auth_error",
  "client_error",
  "server_error",
];

export type StatusSource = "body" | "wrapper" | "line" | "catalog" | "none";

/** Where `time` came from: the log line's own timestamp, or the moment the exporter read it. */
export type TimeSource = "log" | "read";

/** The container runtime's stream a line was written to (cri and docker input). */
export type OutputStream = "stdout" | "stderr";

/** One classified API response: the event that `analyze --events` prints and the sinks count. */
export interface ApiResponse {
  readonly requestId: string;
  readonly hostId: string | null;
  readonly code: string;
  readonly message: string | null;
  /** The `<parameter name>` of the catalogue's message template, when the message matches one. */
  readonly parameter: string | null;
  readonly status: number | "unknown";
  readonly statusSource: StatusSource;
  readonly category: Category;
  readonly error: boolean;
  readonly retryable: boolean;
  readonly action: string;
  readonly format: BodyFormat | "text";
  readonly source: string;
  readonly lineStart: number;
  readonly lineEnd: number;
  /** When it happened (epoch ms): the line's timestamp, else when it was read (README, "Event time"). */
  readonly time: number;
  readonly timeSource: TimeSource;
  /** The runtime's stream of its first line, for container logs only (README "Container logs"); never a label. */
  readonly stream?: OutputStream;
}

/** How the lines and bytes of one batch were accounted for (docs/design.md §3). */
export interface LineCounts {
  /** Non-blank physical lines. */
  lines: number;
  bytes: number;
  /** Frames (responses) found. */
  responses: number;
  malformed: number;
  nonResponse: number;
  oversized: number;
  duplicate: number;
}

export function emptyCounts(): LineCounts {
  return { lines: 0, bytes: 0, responses: 0, malformed: 0, nonResponse: 0, oversized: 0, duplicate: 0 };
}

export function addCounts(into: LineCounts, from: LineCounts): void {
  into.lines += from.lines;
  into.bytes += from.bytes;
  into.responses += from.responses;
  into.malformed += from.malformed;
  into.nonResponse += from.nonResponse;
  into.oversized += from.oversized;
  into.duplicate += from.duplicate;
}
