import type { ApiResponse } from "../core/records.js";

/**
 * The responses that the worker of a parallel `analyze` (parallel.ts) read before its request-id
 * window was full: whether they are duplicates depends on the ids at the end of the file's first
 * part, so the main thread decides for them. Kept compactly: each response's id and the index of a
 * shared response with the same totals fields (format, code, status, category, error, action) —
 * 10,000 whole responses kept to the end made the worker's young generation grow to its maximum
 * (test/bench/README.md), and were copied across threads.
 */
export interface RegionHead {
  readonly ids: string[];
  readonly kinds: number[];
  readonly shapes: ApiResponse[];
}

export function emptyHead(): RegionHead {
  return { ids: [], kinds: [], shapes: [] };
}

/** Index of each shape in `shapes`, by its totals fields (worker side only). */
export type ShapeIndex = Map<string, number>;

export function addToHead(head: RegionHead, index: ShapeIndex, r: ApiResponse): void {
  const key = `${r.format}\u0000${r.code}\u0000${r.status}\u0000${r.category}\u0000${r.error}\u0000${r.action}`;
  let kind = index.get(key);
  if (kind === undefined) {
    kind = head.shapes.length;
    head.shapes.push(r);
    index.set(key, kind);
  }
  head.ids.push(r.requestId);
  head.kinds.push(kind);
}

/** The head's responses, in input order: each its own id on its shape (enough for dedup and totals). */
export function headResponses(head: RegionHead): ApiResponse[] {
  return head.ids.map((requestId, i) => ({
    ...(head.shapes[head.kinds[i] as number] as ApiResponse),
    requestId,
  }));
}
