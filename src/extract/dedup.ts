import type { ApiResponse } from "../core/records.js";
import type { RequestIdWindow } from "./request-id-window.js";

/** README "One request, counted once": how many of the last request ids a source remembers. */
export const DEFAULT_DEDUP_WINDOW_IDS = 10_000;

/** `""`, `xxx`, `****` and the like: ids of redacted or made-up examples, never deduplicated. */
export function isPlaceholderId(id: string): boolean {
  if (id === "") return true;
  const c = id.charCodeAt(0);
  // Real ids (hex, UUIDs, OSS ids) rarely start with one of these: the regex runs almost never.
  return (c === 0x2a || c === 0x78 || c === 0x58) && /^[*xX]+$/.test(id);
}

/**
 * The responses of one batch that count (input order kept) and how many were duplicates: a response
 * whose request id is in the window is a duplicate. Within the batch, an SDK string followed (within
 * the window) by a body of the same request leaves the count to the body: its fields win.
 * `withStrings` false: the caller knows the batch holds no SDK string (nothing to pair).
 */
export function dedupBatch(
  responses: readonly ApiResponse[],
  window: RequestIdWindow,
  withStrings = true,
): { kept: readonly ApiResponse[]; duplicates: number } {
  /** Null until the first duplicate: a batch without one keeps `responses` itself (no copy). */
  let kept: ApiResponse[] | null = null;
  const later = withStrings ? laterBodies(responses) : null;
  /** Ids whose SDK string left the count to a later body of the batch. */
  const deferred = later === null ? null : new Set<string>();
  let k = 0;
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i] as ApiResponse;
    const id = r.requestId;
    if (isPlaceholderId(id)) {
      kept?.push(r);
      continue;
    }
    let duplicate: boolean;
    if (deferred?.delete(id) === true) {
      duplicate = false;
      window.add(id);
    } else {
      duplicate = window.seen(id);
      const body = later === null || duplicate || r.format !== "text" ? undefined : later.next(id, i);
      if (body !== undefined && body - k <= window.size) {
        duplicate = true;
        deferred?.add(id);
      }
    }
    k++;
    if (!duplicate) kept?.push(r);
    else kept ??= responses.slice(0, i);
  }
  return kept === null
    ? { kept: responses, duplicates: 0 }
    : { kept, duplicates: responses.length - kept.length };
}

/**
 * The bodies of the batch whose request id an SDK string of the batch has (null when the batch has
 * no SDK string: the usual case, no extra work). `next(id, i)`: the window position (count of
 * non-placeholder responses before it) of the first such body after index `i`.
 */
function laterBodies(
  responses: readonly ApiResponse[],
): { next(id: string, i: number): number | undefined } | null {
  let textIds: Set<string> | null = null;
  for (const r of responses) {
    if (r.format === "text" && !isPlaceholderId(r.requestId)) {
      textIds ??= new Set();
      textIds.add(r.requestId);
    }
  }
  if (textIds === null) return null;
  const bodies = new Map<string, { index: number; k: number }[]>();
  let k = 0;
  responses.forEach((r, index) => {
    if (isPlaceholderId(r.requestId)) return;
    if (r.format !== "text" && textIds.has(r.requestId)) {
      const list = bodies.get(r.requestId);
      if (list === undefined) bodies.set(r.requestId, [{ index, k }]);
      else list.push({ index, k });
    }
    k++;
  });
  return {
    next: (id, i) => bodies.get(id)?.find((b) => b.index > i)?.k,
  };
}
