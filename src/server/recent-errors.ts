import type { ApiResponse, Category } from "../core/records.js";

/** One entry of `/api/v1/recent-errors`: what an Alibaba Cloud support ticket asks for. */
export interface RecentError {
  readonly requestId: string;
  readonly hostId: string | null;
  readonly code: string;
  readonly message: string | null;
  readonly status: number | "unknown";
  readonly action: string;
  readonly category: Category;
  /** When the exporter read it (ISO 8601); logs have no common timestamp format to trust. */
  readonly time: string;
  readonly source: string;
}

interface Slot {
  readonly response: ApiResponse;
  readonly source: string;
  readonly time: number;
}

/**
 * The last `size` error responses, in a fixed-size ring: adding is O(1) per error and allocates one
 * small slot; the ISO strings are built only when someone asks. `size` 0 keeps nothing.
 */
export class RecentErrors {
  private readonly slots: (Slot | undefined)[];
  /** Next slot to write; the ring holds min(added, size) entries ending just before it. */
  private next = 0;
  private added = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`recent-errors size must be a non-negative integer, got ${size}`);
    }
    this.slots = new Array(size);
  }

  /** Keeps the error responses of one batch (successes are skipped), in batch order. */
  add(responses: readonly ApiResponse[], source: string, time: number | Date = Date.now()): void {
    if (this.size === 0) return;
    const ms = typeof time === "number" ? time : time.getTime();
    for (const response of responses) {
      if (!response.error) continue;
      this.slots[this.next] = { response, source, time: ms };
      this.next = this.next + 1 === this.size ? 0 : this.next + 1;
      this.added++;
    }
  }

  /** A ring of another size holding the newest of these entries (a reload changed the size). */
  resized(size: number): RecentErrors {
    const next = new RecentErrors(size);
    const n = Math.min(this.length, size);
    for (let i = n; i >= 1; i--) {
      const slot = this.slots[(this.next - i + this.size) % this.size] as Slot;
      next.add([slot.response], slot.source, slot.time);
    }
    return next;
  }

  /** Entries held now (at most `size`). */
  get length(): number {
    return Math.min(this.added, this.size);
  }

  /** Newest first, at most `limit` (default: all held). */
  list(limit: number = this.size): RecentError[] {
    const n = Math.min(Math.max(0, Math.floor(limit)), this.length);
    const out: RecentError[] = [];
    for (let i = 1; i <= n; i++) {
      const slot = this.slots[(this.next - i + this.size) % this.size];
      if (slot === undefined) break;
      const r = slot.response;
      out.push({
        requestId: r.requestId,
        hostId: r.hostId,
        code: r.code,
        message: r.message,
        status: r.status,
        action: r.action,
        category: r.category,
        time: new Date(slot.time).toISOString(),
        source: slot.source,
      });
    }
    return out;
  }
}
