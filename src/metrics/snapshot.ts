import type { LineCounts } from "../core/records.js";
import { type Totals, TotalsBuilder } from "../core/totals.js";
import type { Cell } from "./cell-counter.js";

/** Totals since start for the status page (label values as served, after the caps): the totals of `analyze`. */
export interface MetricsSnapshot extends Readonly<Totals> {
  readonly byAction: Readonly<Record<string, number>>;
  /** Label values replaced by `__other__`, by label. */
  readonly labelOverflow: Readonly<Record<string, number>>;
}

export function snapshotOf(
  responseCells: readonly Cell[],
  counts: LineCounts,
  labelOverflow: Readonly<Record<string, number>>,
): MetricsSnapshot {
  const totals = new TotalsBuilder();
  totals.addLines(counts);
  for (const cell of responseCells) {
    if (cell.n === 0) continue;
    const { action = "", code = "", status = "", category = "" } = cell.labels;
    totals.addKind({ action, code, status, category }, cell.n);
  }
  return { ...totals.totals, byAction: totals.byAction, labelOverflow };
}
