import type { ApiResponse, LineCounts } from "./records.js";

/**
 * Totals of a run: the `analyze --json` object (README "Commands") and the status page's totals.
 * Lines follow the line accounting of docs/design.md §3: every non-blank line is part of a response
 * or unrecognised (malformed, not a response, or oversized).
 */
export interface Totals {
  lines: number;
  bytes: number;
  responses: number;
  success: number;
  errors: number;
  throttled: number;
  /** `""` is the code of responses without one. */
  byCode: Record<string, number>;
  /** HTTP status as a string, or `"unknown"`. */
  byStatus: Record<string, number>;
  /** The categories seen. */
  byCategory: Record<string, number>;
  /** malformed + non-response + oversized lines. */
  unrecognizedLines: number;
  malformedLines: number;
  nonResponseLines: number;
  oversizedLines: number;
  duplicates: number;
}

/** Label values of responses counted together (a metric cell's labels, or one response's fields). */
interface Kind {
  readonly action: string;
  readonly code: string;
  readonly status: string;
  /** A response category; anything else (`__other__`, the overflow series) is in no category, neither success nor error. */
  readonly category: string;
}

const ERROR_CATEGORIES: ReadonlySet<string> = new Set([
  "throttling",
  "auth_error",
  "client_error",
  "server_error",
]);

/** Totals added to once per batch (analyze) or built from the metric cells (status page). */
export class TotalsBuilder {
  /** Responses per action (the readable summary, the status page; not in `analyze --json`). */
  readonly byAction: Record<string, number> = Object.create(null);
  /** Error responses per code, for the readable summary. */
  readonly errorCodes: Record<string, number> = Object.create(null);
  readonly totals: Totals = {
    lines: 0,
    bytes: 0,
    responses: 0,
    success: 0,
    errors: 0,
    throttled: 0,
    // No prototype: a code named `constructor` or `__proto__` is a key like any other.
    byCode: Object.create(null),
    byStatus: Object.create(null),
    byCategory: Object.create(null),
    unrecognizedLines: 0,
    malformedLines: 0,
    nonResponseLines: 0,
    oversizedLines: 0,
    duplicates: 0,
  };

  /** The lines and bytes of a batch (or of the whole run). */
  addLines(counts: LineCounts): void {
    const t = this.totals;
    t.lines += counts.lines;
    t.bytes += counts.bytes;
    t.malformedLines += counts.malformed;
    t.nonResponseLines += counts.nonResponse;
    t.oversizedLines += counts.oversized;
    t.unrecognizedLines += counts.malformed + counts.nonResponse + counts.oversized;
    t.duplicates += counts.duplicate;
  }

  /** A batch: its lines and the responses that count. */
  add(responses: readonly ApiResponse[], counts: LineCounts): void {
    this.addLines(counts);
    for (const r of responses) this.count(r.action, r.code, String(r.status), r.category, 1);
  }

  /** `n` responses of one kind (a metric cell). */
  addKind(kind: Kind, n: number): void {
    this.count(kind.action, kind.code, kind.status, kind.category, n);
  }

  private count(action: string, code: string, status: string, category: string, n: number): void {
    const t = this.totals;
    t.responses += n;
    if (category === "success" || ERROR_CATEGORIES.has(category)) {
      t.byCategory[category] = (t.byCategory[category] ?? 0) + n;
      if (category === "success") t.success += n;
      else {
        t.errors += n;
        if (category === "throttling") t.throttled += n;
        this.errorCodes[code] = (this.errorCodes[code] ?? 0) + n;
      }
    }
    t.byCode[code] = (t.byCode[code] ?? 0) + n;
    t.byStatus[status] = (t.byStatus[status] ?? 0) + n;
    this.byAction[action] = (this.byAction[action] ?? 0) + n;
  }

  /** Adds another builder's totals (the other half of a file analysed in parallel). */
  merge(other: Pick<TotalsBuilder, "totals" | "byAction" | "errorCodes">): void {
    const t = this.totals;
    const o = other.totals;
    for (const k of NUMBER_KEYS) t[k] += o[k];
    for (const k of MAP_KEYS) addAll(t[k], o[k]);
    addAll(this.byAction, other.byAction);
    addAll(this.errorCodes, other.errorCodes);
  }
}

const NUMBER_KEYS = [
  "lines",
  "bytes",
  "responses",
  "success",
  "errors",
  "throttled",
  "unrecognizedLines",
  "malformedLines",
  "nonResponseLines",
  "oversizedLines",
  "duplicates",
] as const;
const MAP_KEYS = ["byCode", "byStatus", "byCategory"] as const;

function addAll(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
