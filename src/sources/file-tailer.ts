/**
 * One open file (one identity: device + inode), read from its read offset into its own sink.
 *
 * Each poll is one look at the file (a stat): what it saw goes to `decide` (file-decision.ts), which
 * says whether the file was truncated, orphaned or is to be released, how much to read and whether
 * to flush a partial line; the tailer carries that out. Whether a path still leads to the file is
 * the FileSource's to find (`linked`), as it sees the paths.
 *
 * The read offset only moves forward by what the sink was given, and a checkpoint stores
 * readOffset - sink.pendingBytes, so bytes the sink still holds (a partial line) are read again
 * after a restart rather than lost.
 */
import { type BigIntStats, constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { type CheckpointStore, FINGERPRINT_BYTES, type FileIdentity, identityKey } from "./checkpoints.js";
import { decide, type FileLook, type FileRules } from "./file-decision.js";
import { lineStartBefore, readHead, startsWith } from "./file-head.js";
import { type ByteSink, type CloseReason, endSink, type SourceHooks, type Timers } from "./types.js";

/** What the tailers of one source share. */
export interface TailerContext {
  readonly source: string;
  readonly hooks: SourceHooks;
  readonly checkpoints: CheckpointStore | undefined;
  /**
   * The source's two read buffers (64 KiB), reused by every read: the source polls one tailer at a
   * time. Two, so that the next read runs while the sink works on the last one.
   */
  readonly buffers: readonly [Buffer, Buffer];
  readonly rules: FileRules;
  readonly timers: Timers;
}

/** After a poll: read on at once (the budget ran out), wait for the next poll, or release the file. */
export type PollOutcome = "more" | "idle" | CloseReason;

export class FileTailer implements FileIdentity {
  readonly key: string;
  /** The path it was last seen under (it changes when a file is renamed within the globs). */
  path: string;
  /** A watched path led to this file at the source's last path check. */
  linked = true;
  head: Buffer;
  private sink: ByteSink | undefined;
  private orphanedAt: number | undefined;
  private lastGrowthAt: number;
  private readOffset = 0;
  private lastSize: number;
  private lastMtimeNs: bigint;
  private nlink: bigint;
  private saved: { offset: number; head: Buffer; path: string } | undefined;

  private constructor(
    private readonly ctx: TailerContext,
    private readonly fh: FileHandle,
    path: string,
    readonly dev: bigint,
    readonly ino: bigint,
    size: bigint,
    mtimeNs: bigint,
    nlink: bigint,
    head: Buffer,
  ) {
    this.key = identityKey({ dev, ino });
    this.path = path;
    this.head = head;
    this.lastSize = Number(size);
    this.lastMtimeNs = mtimeNs;
    this.nlink = nlink;
    this.lastGrowthAt = ctx.timers.now();
  }

  /** Opens the file and reads its identity; null if it is not a regular file. No sink yet: see `begin`. */
  static async open(ctx: TailerContext, path: string): Promise<FileTailer | null> {
    // O_NONBLOCK: if the path was swapped for a FIFO since it was stat'ed, open must not hang.
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      const head = await readHead(fh, Math.min(Number(st.size), FINGERPRINT_BYTES));
      return new FileTailer(ctx, fh, path, st.dev, st.ino, st.size, st.mtimeNs, st.nlink, head);
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
  }

  /** Closes a tailer that `begin` was never called on (the file turned out to be followed already). */
  async discard(): Promise<void> {
    await this.fh.close();
  }

  /**
   * Chooses the start offset (the checkpoint if the identity has one, else `fallback`), opens the
   * sink and stores the position, so that a restart before any growth resumes here too.
   */
  async begin(fallback: "beginning" | "end"): Promise<void> {
    const { source, hooks, checkpoints } = this.ctx;
    const stored = checkpoints?.get(source, this);
    let truncated = false;
    if (stored !== undefined) {
      // Same first bytes but shorter than where we were: truncated (and regrown) while stopped.
      const look = this.look(this.ctx.timers.now(), this.lastSize, { changed: true, offset: stored });
      truncated = decide(look, this.ctx.rules).truncated;
      this.readOffset = truncated ? 0 : stored;
    } else if (fallback === "end") {
      this.readOffset = await lineStartBefore(this.fh, this.lastSize);
    }
    this.sink = hooks.openSink(source, this.path);
    hooks.onFileOpened?.(source, this.path);
    if (truncated) hooks.onTruncation?.(source, this.path);
    this.saveCheckpoint();
  }

  get offset(): number {
    return this.readOffset;
  }

  /**
   * One look at the file: reads what was appended since the last one, up to `budgetBytes`, into
   * the sink, and carries out what `decide` says about truncation, orphaning, a partial line and
   * release. `observed`: a stat of this file taken after the previous poll (the source's path
   * check), which saves the fstat. `stopping`: the source's last look before it stops. Throws on
   * I/O errors (the source reports them and calls again at the next poll).
   */
  async poll(
    now: number,
    budgetBytes: number,
    observed?: BigIntStats,
    stopping = false,
  ): Promise<PollOutcome> {
    const { hooks, source, rules } = this.ctx;
    const sink = this.sink as ByteSink;
    const st = observed ?? (await this.fh.stat({ bigint: true }));
    this.nlink = st.nlink;
    const size = Number(st.size);
    const changed = size !== this.lastSize || st.mtimeNs !== this.lastMtimeNs;
    // The first bytes are looked at only where they can tell something: a truncation that regrew
    // past the offset, or a head still shorter than a fingerprint.
    const head =
      changed && size >= this.readOffset && (this.readOffset > 0 || this.head.length < FINGERPRINT_BYTES)
        ? await readHead(this.fh, Math.min(size, FINGERPRINT_BYTES))
        : undefined;
    const headChanged = head !== undefined && !startsWith(head, this.head);
    const step = decide(this.look(now, size, { changed, headChanged, budgetBytes, stopping }), rules);
    if (step.truncated) {
      endSink(sink);
      this.readOffset = 0;
      this.head = head ?? (await readHead(this.fh, Math.min(size, FINGERPRINT_BYTES)));
      hooks.onTruncation?.(source, this.path);
    } else if (head !== undefined && (headChanged || head.length > this.head.length)) this.head = head;
    // Only once checked: after an I/O error above, the next poll checks again.
    this.lastSize = size;
    this.lastMtimeNs = st.mtimeNs;
    const orphaned = step.orphanedAt !== undefined && this.orphanedAt === undefined;
    this.orphanedAt = step.orphanedAt;
    if (orphaned && !this.deleted) hooks.onRotation?.(source, this.path);
    const bytes = await this.readInto(sink, step.readBytes);
    if (bytes > 0) hooks.onBytes?.(source, bytes);
    if (step.truncated || bytes > 0) this.lastGrowthAt = now;
    else if (step.flush) sink.flush();
    this.saveCheckpoint();
    if (step.release === "stopped") return step.release;
    return this.readOffset < size ? "more" : (step.release ?? "idle");
  }

  /** What a look at `size` sees, with the tailer's own state. */
  private look(now: number, size: number, seen: Partial<FileLook>): FileLook {
    return {
      now,
      linked: this.linked,
      deleted: this.deleted,
      size,
      changed: false,
      headChanged: false,
      offset: this.readOffset,
      pendingBytes: this.sink?.pendingBytes ?? 0,
      orphanedAt: this.orphanedAt,
      lastGrowthAt: this.lastGrowthAt,
      budgetBytes: 0,
      stopping: false,
      ...seen,
    };
  }

  /** The file is gone from every directory (its link count is 0). */
  private get deleted(): boolean {
    return this.nlink === 0n;
  }

  /**
   * Stops following the file. `stopped`: keep what the sink holds for the next run (its checkpoint
   * excludes it) when `resumes` (a checkpoint directory, or a reload that starts the source again). `rotated`/`deleted`: the
   * file is not expected back, so the sink's partial line is complete. A rotated file keeps its
   * entry (it may come back under a matching name: it then resumes instead of being read twice;
   * otherwise the next start drops the entry); a deleted one cannot come back.
   */
  async close(reason: CloseReason, resumes = this.ctx.checkpoints?.persistent === true): Promise<void> {
    const { source, hooks, checkpoints } = this.ctx;
    if (this.sink && (reason !== "stopped" || !resumes)) endSink(this.sink);
    if (reason === "deleted") checkpoints?.delete(source, this);
    else this.saveCheckpoint();
    await this.fh.close();
    hooks.onFileClosed?.(source, this.path, reason);
  }

  /** Stores readOffset - pendingBytes when it (or the first bytes, or the path) changed. */
  saveCheckpoint(): void {
    const store = this.ctx.checkpoints;
    if (store === undefined || this.sink === undefined) return;
    const offset = Math.max(0, this.readOffset - this.sink.pendingBytes);
    const s = this.saved;
    // `head` is replaced (never mutated) when it changes: a copytruncate can refill the file to the
    // same length with other bytes, and the stored fingerprint must follow.
    if (s?.offset === offset && s.head === this.head && s.path === this.path) return;
    store.set(this.ctx.source, this, offset, this.path);
    this.saved = { offset, head: this.head, path: this.path };
  }

  /**
   * Reads at most `limit` bytes: never past the size that the truncation check looked at. Reading
   * on to the current end would let a copytruncate that lands between the stat and the read (and a
   * writer that refills the file past our offset) feed new bytes from the wrong offset; stopping at
   * the checked size leaves those bytes to the next poll, which sees the truncation first.
   */
  private async readInto(sink: ByteSink, limit: number): Promise<number> {
    const buffers = this.ctx.buffers;
    let which = 0;
    let bytes = 0;
    // Read ahead: the next read is on its way (thread pool) while the sink parses this one. Reading
    // and parsing in turn left the parser idle a fifth of the time (sidecar bench: tailing at 0.7×
    // analyze's rate).
    let next = limit > 0 ? this.read(buffers[0], limit) : null;
    while (next !== null) {
      const bytesRead = await next;
      if (bytesRead === 0) break;
      const current = buffers[which] as Buffer;
      which ^= 1;
      // Advance before pushing: a sink that throws must not get the same bytes (and count them) twice.
      this.readOffset += bytesRead;
      bytes += bytesRead;
      next = bytes < limit ? this.read(buffers[which] as Buffer, limit - bytes) : null;
      try {
        const going = sink.push(current.subarray(0, bytesRead));
        if (going) await going;
      } catch (err) {
        this.ctx.hooks.onReadError?.(this.ctx.source, this.path, err as Error);
      }
    }
    return bytes;
  }

  private async read(buf: Buffer, max: number): Promise<number> {
    const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, max), this.readOffset);
    return bytesRead;
  }
}
