import type { ApiResponse, Frame, OutputStream } from "../core/records.js";
import type { Catalog } from "./catalog.js";
import { categorize, isError, isRetryable } from "./classify.js";
import { timeFromField, timeFromText } from "./event-time.js";
import { resolveStatus } from "./status.js";

/** `Action=DescribeScalingGroups` in a URL query or a key=value log prefix. */
const ACTION_IN_TEXT = /(?:^|[?&\s])Action=([A-Za-z][\w.]*)/;

/** Frame → ApiResponse (docs/design.md §4–§5): status resolution, action, classification, catalogue. */
export class Extractor {
  constructor(private readonly catalog: Catalog) {}

  /**
   * `readTime`: when the batch was read (epoch ms), the time of responses whose line has none.
   * `lineTimeMs`, `stream`: the container runtime's time and stream of the frame's first line
   * (cri/docker input only).
   */
  extract(
    frame: Frame,
    source: string,
    readTime: number,
    lineTimeMs?: number,
    stream?: OutputStream,
  ): ApiResponse {
    const p = frame.parsed;
    const info = p.code === "" ? undefined : this.catalog.get(p.code);
    const resolved = resolveStatus(p, frame.prefix, info);
    const numeric = resolved.status === "unknown" ? null : resolved.status;
    const error = isError(p.code, resolved.explicit ? numeric : null);
    const category = categorize(p.code, numeric, error, info);
    let parameter: string | null = null;
    if (info?.template && p.message !== null) parameter = info.template.exec(p.message)?.[1] ?? null;
    // The container runtime's time first (README "Container logs"), then the log envelope's time
    // member (structured lines), else a timestamp before the body.
    const logTime =
      lineTimeMs ??
      (p.logTime === null ? null : timeFromField(p.logTime)) ??
      (frame.prefix === "" ? null : timeFromText(frame.prefix));
    return {
      requestId: p.requestId,
      hostId: p.hostId,
      code: p.code,
      message: p.message,
      parameter,
      status: resolved.status,
      statusSource: resolved.source,
      category,
      error,
      retryable: isRetryable(category),
      action: p.action ?? actionFromText(frame.prefix) ?? "unknown",
      format: p.format,
      source,
      lineStart: frame.lineStart,
      lineEnd: frame.lineEnd,
      time: logTime ?? readTime,
      timeSource: logTime === null ? "read" : "log",
      // Undefined for raw input: absent from the JSON, one object shape for both.
      stream,
    };
  }
}

function actionFromText(prefix: string): string | null {
  if (prefix === "" || !prefix.includes("Action=")) return null;
  return ACTION_IN_TEXT.exec(prefix)?.[1] ?? null;
}
