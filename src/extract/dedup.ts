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
 * whose request id is in the window is a duplicate. Within the batch, when an SDK string and a body
 * share an id, the body is the one counted, wherever it stands (its fields win).
 */
export function dedupBatch(
  responses: readonly ApiResponse[],
  window: RequestIdWindow,
): { kept: ApiResponse[]; duplicates: number } {
  const kept: ApiResponse[] = [];
  const bodyFirst = bodiesBeatingText(responses, window);
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i] as ApiResponse;
    const id = r.requestId;
    if (isPlaceholderId(id)) {
      kept.push(r);
      continue;
    }
    const winner = bodyFirst?.get(id);
    const duplicate = winner === undefined ? window.has(id) : winner !== i;
    window.add(id);
    if (!duplicate) kept.push(r);
  }
  return { kept, duplicates: responses.length - kept.length };
}

/**
 * For the ids of this batch's SDK strings that a body of the batch also has and the window has not
 * seen: the index of that body, the one to count. Null when the batch has no SDK string (the usual
 * case: no extra work).
 */
function bodiesBeatingText(
  responses: readonly ApiResponse[],
  window: RequestIdWindow,
): Map<string, number> | null {
  let textIds: Set<string> | null = null;
  for (const r of responses) {
    if (r.format === "text" && !isPlaceholderId(r.requestId) && !window.has(r.requestId)) {
      textIds ??= new Set();
      textIds.add(r.requestId);
    }
  }
  if (textIds === null) return null;
  const first = new Map<string, number>();
  responses.forEach((r, i) => {
    if (r.format !== "text" && textIds.has(r.requestId) && !first.has(r.requestId)) first.set(r.requestId, i);
  });
  return first.size === 0 ? null : first;
}
