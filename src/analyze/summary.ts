import type { ApiResponse, LineCounts } from "../core/records.js";

/** The `analyze --json` object (docs/design.md §7, plus `oversizedLines`). */
export interface Summary {
  lines: number;
  bytes: number;
  responses: number;
  success: number;
  errors: number;
  throttled: number;
  byCode: Record<string, number>;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  unrecognizedLines: number;
  malformedLines: number;
  nonResponseLines: number;
  oversizedLines: number;
  duplicates: number;
}

/** Totals over a whole run, added to once per batch. */
export class SummaryBuilder {
  /** Responses per action, for the readable summary (not part of the JSON object). */
  readonly byAction: Record<string, number> = Object.create(null);
  /** Error responses per code (success codes such as `OK` left out), for the readable summary. */
  readonly errorCodes: Record<string, number> = Object.create(null);
  readonly summary: Summary = {
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

  add(responses: readonly ApiResponse[], counts: LineCounts): void {
    const s = this.summary;
    s.lines += counts.lines;
    s.bytes += counts.bytes;
    s.malformedLines += counts.malformed;
    s.nonResponseLines += counts.nonResponse;
    s.oversizedLines += counts.oversized;
    s.unrecognizedLines += counts.malformed + counts.nonResponse + counts.oversized;
    s.duplicates += counts.duplicate;
    s.responses += responses.length;
    for (const r of responses) {
      if (r.error) {
        s.errors++;
        this.errorCodes[r.code] = (this.errorCodes[r.code] ?? 0) + 1;
      } else s.success++;
      if (r.category === "throttling") s.throttled++;
      s.byCode[r.code] = (s.byCode[r.code] ?? 0) + 1;
      const status = String(r.status);
      s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
      s.byCategory[r.category] = (s.byCategory[r.category] ?? 0) + 1;
      this.byAction[r.action] = (this.byAction[r.action] ?? 0) + 1;
    }
  }

  /** Adds another builder's totals (the other half of a file analysed in parallel). */
  merge(other: {
    summary: Summary;
    byAction: Record<string, number>;
    errorCodes: Record<string, number>;
  }): void {
    const s = this.summary;
    const o = other.summary;
    for (const k of NUMBER_KEYS) s[k] += o[k];
    for (const k of MAP_KEYS) addAll(s[k], o[k]);
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
