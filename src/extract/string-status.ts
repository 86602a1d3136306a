import type { Frame } from "../core/records.js";
import { isPlaceholderId } from "./dedup.js";

/**
 * README "One request, counted once": a body keeps precedence for the fields it has; a status it
 * lacks (none on the body, its wrapper or its line) comes from an SDK string of the same request in
 * the same batch (statusSource `line`). Replaces such frames in place; the pipeline calls it only
 * for a batch that holds an SDK string.
 */
export function lendStringStatus(frames: Frame[]): void {
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
    const p = f.parsed;
    if (p.format === "text" || p.bodyStatus !== null || p.wrapperStatus !== null || p.lineStatus !== null)
      continue;
    const lineStatus = statuses.get(p.requestId);
    if (lineStatus !== undefined) frames[i] = { ...f, parsed: { ...p, lineStatus } };
  }
}
