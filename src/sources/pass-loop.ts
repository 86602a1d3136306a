/**
 * The file source's scheduler: one pass at a time (passes share the read buffer and the file
 * maps), run by a timer or sooner on request. After each pass it asks the source how soon the
 * next one is due.
 */
import type { TimerHandle, Timers } from "./types.js";

export class PassLoop {
  private queue: Promise<void> = Promise.resolve();
  private busy = false;
  private timer: TimerHandle | undefined;
  private dueAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly timers: Timers,
    /** One pass; must not throw. */
    private readonly pass: () => Promise<void>,
    /** Milliseconds until the next pass is due, asked after each pass. */
    private readonly nextDelayMs: () => number,
  ) {}

  /** Runs `fn` after every earlier pass and before any later one; then plans the next pass. */
  async exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      this.busy = true;
      try {
        await fn();
      } finally {
        this.busy = false;
      }
    });
    this.queue = run.catch(() => {});
    await run;
    this.plan();
  }

  /** A pass within `delayMs` (never later than already planned). While a pass runs, it plans the next. */
  request(delayMs: number): void {
    if (this.closed || this.busy) return;
    const at = this.timers.now() + delayMs;
    if (at >= this.dueAt) return;
    this.cancel();
    this.dueAt = at;
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.dueAt = Number.POSITIVE_INFINITY;
        if (!this.closed) void this.exclusive(this.pass);
      },
      Math.max(0, delayMs),
    );
  }

  /** No more passes (a pass already running finishes); `exclusive` still runs what it is given. */
  close(): void {
    this.closed = true;
    this.cancel();
  }

  private plan(): void {
    if (!this.closed) this.request(this.nextDelayMs());
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
  }
}
