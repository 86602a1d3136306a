import { CATEGORIES, type Category, type LineCounts } from "../core/records.js";
import type { Cell } from "./cell-counter.js";

/** Totals since start, for the status page and `analyze` (label values as served, after the caps). */
export interface MetricsSnapshot {
  /** Non-blank lines and bytes read. */
  readonly lines: number;
  readonly bytes: number;
  readonly responses: number;
  readonly success: number;
  readonly errors: number;
  readonly throttled: number;
  readonly byCategory: Readonly<Record<Category, number>>;
  /** `""` is the code of responses without one (successes). */
  readonly byCode: Readonly<Record<string, number>>;
  /** HTTP status as a string, or `"unknown"`. */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byAction: Readonly<Record<string, number>>;
  /** malformed + nonResponse lines. */
  readonly unrecognized: number;
  readonly malformed: number;
  readonly nonResponse: number;
  readonly oversized: number;
  readonly duplicates: number;
  /** Label values replaced by `__other__`, by label. */
  readonly labelOverflow: Readonly<Record<string, number>>;
}

export function snapshotOf(
  responseCells: readonly Cell[],
  counts: LineCounts,
  labelOverflow: Readonly<Record<string, number>>,
): MetricsSnapshot {
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  // No prototype: a code or action named `__proto__` is a key like any other.
  const byCode: Record<string, number> = Object.create(null);
  const byStatus: Record<string, number> = Object.create(null);
  const byAction: Record<string, number> = Object.create(null);
  let responses = 0;
  for (const cell of responseCells) {
    if (cell.n === 0) continue;
    const { action = "", code = "", status = "", category = "" } = cell.labels;
    responses += cell.n;
    // The overflow series (past maxSeries) has category `__other__`: in no category.
    if (category in byCategory) byCategory[category as Category] += cell.n;
    byCode[code] = (byCode[code] ?? 0) + cell.n;
    byStatus[status] = (byStatus[status] ?? 0) + cell.n;
    byAction[action] = (byAction[action] ?? 0) + cell.n;
  }
  return {
    lines: counts.lines,
    bytes: counts.bytes,
    responses,
    success: byCategory.success,
    errors: CATEGORIES.reduce((sum, c) => (c === "success" ? sum : sum + byCategory[c]), 0),
    throttled: byCategory.throttling,
    byCategory,
    byCode,
    byStatus,
    byAction,
    unrecognized: counts.malformed + counts.nonResponse,
    malformed: counts.malformed,
    nonResponse: counts.nonResponse,
    oversized: counts.oversized,
    duplicates: counts.duplicate,
    labelOverflow,
  };
}
