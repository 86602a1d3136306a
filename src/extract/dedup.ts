import type { ApiResponse } from "../core/records.js";

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
 * The last `size` request ids seen (duplicates included, placeholders not), in bounded memory: a
 * ring of the ids and a Map from each id to the last position it was added at.
 */
export class RequestIdWindow {
  private readonly ring: (string | undefined)[];
  private readonly lastAt = new Map<string, number>();
  /** Ids added so far. */
  added = 0;

  constructor(readonly size: number) {
    this.ring = new Array<string | undefined>(size);
  }

  has(id: string): boolean {
    return this.lastAt.has(id);
  }

  add(id: string): void {
    const size = this.size;
    const slot = this.added % size;
    const old = this.ring[slot];
    // The slot's id leaves the window unless it was added again since.
    if (old !== undefined && this.lastAt.get(old) === this.added - size) this.lastAt.delete(old);
    this.ring[slot] = id;
    this.lastAt.set(id, this.added);
    this.added++;
  }
}

/**
 * The responses of one batch that count (input order kept) and how many were duplicates: a response
 * whose request id is in the window is a duplicate. Within the batch, an SDK string followed (within
 * the window) by a body of the same request leaves the count to the body: its fields win.
 */
export function dedupBatch(
  responses: readonly ApiResponse[],
  window: RequestIdWindow,
): { kept: ApiResponse[]; duplicates: number } {
  const kept: ApiResponse[] = [];
  const later = laterBodies(responses);
  /** Ids whose SDK string left the count to a later body of the batch. */
  const deferred = later === null ? null : new Set<string>();
  let k = 0;
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i] as ApiResponse;
    const id = r.requestId;
    if (isPlaceholderId(id)) {
      kept.push(r);
      continue;
    }
    let duplicate: boolean;
    if (deferred?.delete(id) === true) duplicate = false;
    else {
      duplicate = window.has(id);
      const body = later === null || duplicate || r.format !== "text" ? undefined : later.next(id, i);
      if (body !== undefined && body - k <= window.size) {
        duplicate = true;
        deferred?.add(id);
      }
    }
    window.add(id);
    k++;
    if (!duplicate) kept.push(r);
  }
  return { kept, duplicates: responses.length - kept.length };
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
