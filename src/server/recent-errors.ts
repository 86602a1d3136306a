import { DEFAULT_MAX_MESSAGE_LENGTH } from "../core/limits.js";
import type { ApiResponse, Category, OutputStream, TimeSource } from "../core/records.js";
import type { Redactor } from "../core/redact.js";
import { clip } from "../metrics/cell-counter.js";

/** Request id, host id, code and action are cut to this many characters. */
const MAX_ID_LENGTH = 256;
/** A key split by the cut must still be masked: redaction sees this much more than is kept. */
const REDACT_MARGIN = 256;

/** One entry of `/api/v1/recent-errors`: what an Alibaba Cloud support ticket asks for. */
export interface RecentError {
  readonly requestId: string;
  readonly hostId: string | null;
  readonly code: string;
  readonly message: string | null;
  readonly status: number | "unknown";
  readonly action: string;
  readonly category: Category;
  /** When it happened (ISO 8601): the log line's time, else when the exporter read it. */
  readonly time: string;
  readonly timeSource: TimeSource;
  readonly source: string;
  /** stdout or stderr, for container logs (absent otherwise). */
  readonly stream?: OutputStream;
}

/** What a slot holds: bounded, masked copies, so that a kept error never pins a huge string. */
interface Kept extends Omit<RecentError, "time"> {
  readonly time: number;
}

export interface RecentErrorsOptions {
  readonly maxMessageLength?: number;
  /** Applied to every kept text (default: none; the app passes the configured one). */
  readonly redact?: Redactor;
}

/**
 * The last `size` error responses, in a fixed-size ring: adding is O(1) per error and copies only
 * what is kept, shortened and masked; the ISO strings are built only when someone asks. `size` 0
 * keeps nothing.
 */
export class RecentErrors {
  private readonly slots: (Kept | undefined)[];
  /** Next slot to write; the ring holds min(added, size) entries ending just before it. */
  private next = 0;
  private added = 0;
  private readonly maxMessage: number;
  private readonly redact: Redactor;

  constructor(
    readonly size: number,
    private readonly options: RecentErrorsOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`recent-errors size must be a non-negative integer, got ${size}`);
    }
    this.slots = new Array(size);
    this.maxMessage = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.redact = options.redact ?? ((text) => text);
  }

  /** Keeps the error responses of one batch (successes are skipped), in batch order. */
  add(responses: readonly ApiResponse[], source: string): void {
    if (this.size === 0) return;
    for (const r of responses) {
      if (!r.error) continue;
      this.slots[this.next] = {
        requestId: this.text(r.requestId, MAX_ID_LENGTH),
        hostId: r.hostId === null ? null : this.text(r.hostId, MAX_ID_LENGTH),
        code: this.text(r.code, MAX_ID_LENGTH),
        message: r.message === null ? null : this.text(r.message, this.maxMessage),
        status: r.status,
        action: this.text(r.action, MAX_ID_LENGTH),
        category: r.category,
        time: r.time,
        timeSource: r.timeSource,
        source,
        stream: r.stream,
      };
      this.next = this.next + 1 === this.size ? 0 : this.next + 1;
      this.added++;
    }
  }

  /** A ring of another size holding the newest of these entries (a reload changed the size). */
  resized(size: number, options: RecentErrorsOptions = this.options): RecentErrors {
    const next = new RecentErrors(size, options);
    const n = Math.min(this.length, size);
    for (let i = n; i >= 1; i--) {
      next.slots[n - i] = this.slots[(this.next - i + this.size) % this.size];
    }
    next.added = n;
    next.next = n === size ? 0 : n;
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
      const kept = this.slots[(this.next - i + this.size) % this.size];
      if (kept === undefined) break;
      out.push({ ...kept, time: new Date(kept.time).toISOString() });
    }
    return out;
  }

  /** Masked, then cut to `max` characters (`…` marks a cut); a cut copy does not pin the original. */
  private text(value: string, max: number): string {
    if (value.length <= max) return this.redact(value);
    const masked = this.redact(clip(value, max + REDACT_MARGIN));
    if (masked.length <= max) return flat(masked);
    return flat(`${clip(masked, max - 1)}…`);
  }
}

/** A slice of a long string keeps the whole string alive in V8; a copy through UTF-8 does not. */
function flat(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}
