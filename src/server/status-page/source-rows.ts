import { statSync } from "node:fs";
import type { SourceStatus } from "../../status.js";
import type { SourceRow } from "../status-page.js";

/** Per source, what the metrics counted: see ExporterMetrics.sourceTotals. */
type Totals = ReadonlyMap<string, { bytes: number; lines: number; malformed: number; readErrors: number }>;

/**
 * The status page's sources table: the running sources (files, hints, open files and their read
 * offsets) joined with what was counted and when data last came. The lag is the bytes written to
 * the open files past their read offsets (one stat per listed file, only when the page is asked for).
 */
export function sourceRows(
  statuses: readonly SourceStatus[],
  totals: Totals,
  lastRead: ReadonlyMap<string, number>,
): SourceRow[] {
  return statuses.map((s) => {
    const t = totals.get(s.name);
    return {
      name: s.name,
      paths: s.paths,
      files: s.files,
      hints: s.hints,
      behindBytes: s.kind === "stdin" ? null : behind(s.openFiles),
      bytes: t?.bytes ?? 0,
      lines: t?.lines ?? 0,
      malformed: t?.malformed ?? 0,
      readErrors: t?.readErrors ?? 0,
      lastReadAt: lastRead.get(s.name) ?? null,
    };
  });
}

function behind(files: SourceStatus["openFiles"]): number {
  let sum = 0;
  for (const f of files) {
    try {
      sum += Math.max(0, statSync(f.path).size - f.offset);
    } catch {
      // Gone since it was listed: nothing left to read there.
    }
  }
  return sum;
}
