/**
 * The files a file source follows, by identity (device:inode): opening one (positioned at its
 * checkpoint or its start, file-tailer.ts `begin`), releasing one, and the checkpoint entries of
 * the files released after a rotation (README "Sources: how files are followed", checkpoints).
 */
import type { BigIntStats } from "node:fs";
import { FileTailer, type PollOutcome, type TailerContext } from "./file-tailer.js";
import type { CloseReason } from "./types.js";

const READ_BUFFER_BYTES = 64 * 1024;

/** Released rotated files whose checkpoint entries are kept (they may come back under a matching name). */
const MAX_RELEASED_ENTRIES = 32;

export class FollowedFiles {
  private readonly byKey = new Map<string, FileTailer>();
  /** Rotated files released while running, oldest first (their checkpoint entries are kept). */
  private readonly released: FileTailer[] = [];
  private reportedCount = -1;
  private readonly ctx: TailerContext;

  constructor(
    shared: Omit<TailerContext, "buffers">,
    /** A file that cannot be opened or positioned (reported once per path by the caller). */
    private readonly reportOnce: (path: string, err: Error) => void,
  ) {
    this.ctx = {
      ...shared,
      buffers: [Buffer.allocUnsafe(READ_BUFFER_BYTES), Buffer.allocUnsafe(READ_BUFFER_BYTES)],
    };
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): FileTailer | undefined {
    return this.byKey.get(key);
  }

  has(file: FileTailer): boolean {
    return this.byKey.get(file.key) === file;
  }

  all(): FileTailer[] {
    return [...this.byKey.values()];
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** Opens and positions the file at `path`; the one already followed if it turns out to be. */
  async open(path: string, fallback: "beginning" | "end"): Promise<FileTailer | undefined> {
    let t: FileTailer | null;
    try {
      t = await FileTailer.open(this.ctx, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") this.reportOnce(path, err as Error);
      return undefined;
    }
    if (t === null) return undefined;
    const existing = this.byKey.get(t.key);
    if (existing !== undefined) {
      // The path was replaced between stat and open by a file we already follow.
      await t.discard().catch(() => {});
      return existing;
    }
    try {
      await t.begin(fallback);
    } catch (err) {
      await t.discard().catch(() => {});
      this.reportOnce(path, err as Error);
      return undefined;
    }
    this.byKey.set(t.key, t);
    return t;
  }

  /** One poll of `t` (FileTailer.poll); an I/O error is reported ("idle": tried again at the next pass). */
  async poll(
    t: FileTailer,
    now: number,
    budgetBytes: number,
    observed?: BigIntStats,
    stopping = false,
  ): Promise<PollOutcome> {
    try {
      return await t.poll(now, budgetBytes, observed, stopping);
    } catch (err) {
      this.ctx.hooks.onReadError?.(this.ctx.source, t.path, err as Error);
      return "idle";
    }
  }

  /** Stops following `t`; `resumes`: a next run takes over what its sink still holds. */
  async release(t: FileTailer, reason: CloseReason, resumes: boolean): Promise<void> {
    const { source, hooks, checkpoints } = this.ctx;
    this.byKey.delete(t.key);
    try {
      await t.close(reason, resumes);
    } catch (err) {
      hooks.onReadError?.(source, t.path, err as Error);
    }
    if (reason !== "rotated") return;
    // Only the latest few keep their entries, so a long run with many rotations does not grow the
    // checkpoint file.
    this.released.push(t);
    const oldest = this.released.length > MAX_RELEASED_ENTRIES ? this.released.shift() : undefined;
    if (oldest !== undefined && !this.byKey.has(oldest.key)) checkpoints?.delete(source, oldest);
  }

  /** Tells `onFilesWatched` the number of open files when it changed. */
  reportCount(): void {
    if (this.byKey.size === this.reportedCount) return;
    this.reportedCount = this.byKey.size;
    this.ctx.hooks.onFilesWatched?.(this.reportedCount);
  }
}
