import type { Frame } from "../core/records.js";
import { isPlaceholderId } from "./dedup.js";

/**
 * README "One request, counted once": a body keeps precedence for the fields it has; a status it
 * lacks (none on the body, its wrapper or its line) comes from an SDK string of the same request in
 * the same batch (statusSource `line`). Replaces such frames in place; the pipeline calls it only
 * for a batch that holds an SDK string.
 */
export function lendStringStatus(frames: Frame[]): void {
  // A batch of strings alone (a line of thousands of them) has no body to lend to: no map of them.
  if (!frames.some(lacksStatus)) return;
  let statuses: Map<string, number> | null = null;
  for (const f of frames) {
    const p = f.parsed;
    if (p.format === "text" && p.lineStatus !== null && !isPlaceholderId(p.requestId)) {
      statuses ??= new Map();
      statuses.set(p.requestId, p.lineStatus);
    }
  }
  if (statuses === null) return;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as Frame;
    if (!lacksStatus(f)) continue;
    const p = f.parsed;
    const lineStatus = statuses.get(p.requestId);
    if (lineStatus !== undefined) frames[i] = { ...f, parsed: { ...p, lineStatus } };
  }
}

/** A body (not a string) with no status of its own, its wrapper's or its line's. */
function lacksStatus(f: Frame): boolean {
  const p = f.parsed;
  return p.format !== "text" && p.bodyStatus === null && p.wrapperStatus === null && p.lineStatus === null;
}
