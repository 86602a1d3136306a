/**
 * One open file (one identity: device + inode), read from its read offset into its own sink.
 *
 * The tailer decides about truncation itself, at each poll: the file is shorter than the read
 * offset, or its first bytes are no longer the ones it saw (truncated and regrown past the offset
 * between two polls). Either way the sink is flushed and reading starts again at 0. Rotation and
 * deletion are decided by the FileSource, which sees paths; the tailer only reports `nlink`.
 *
 * The read offset only moves forward by what the sink was given, and a checkpoint stores
 * readOffset - sink.pendingBytes, so bytes the sink still holds (a partial line) are read again
 * after a restart rather than lost.
 */
import { type BigIntStats, constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { type CheckpointStore, FINGERPRINT_BYTES, type FileIdentity, identityKey } from "./checkpoints.js";
import { endSink, type RecordSink, type SourceHooks, type Timers } from "./types.js";

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
  readonly partialLineTimeoutMs: number;
  readonly timers: Timers;
}

export type CloseReason = "deleted" | "rotated" | "stopped";

/** How far back `startAt: end` looks for the last newline, so reading starts at a line boundary. */
const END_SCAN_BYTES = 64 * 1024;

export class FileTailer implements FileIdentity {
  readonly key: string;
  /** The path it was last seen under (it changes when a file is renamed within the globs). */
  path: string;
  /** Set when no watched path leads to this file any more (renamed away or deleted). */
  orphanedAt: number | undefined;
  lastGrowthAt: number;
  head: Buffer;
  private sink: RecordSink | undefined;
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
      truncated = stored > this.lastSize;
      this.readOffset = truncated ? 0 : stored;
    } else if (fallback === "end") {
      this.readOffset = await this.lineStartBefore(this.lastSize);
    }
    this.sink = hooks.openSink(source, this.path);
    hooks.onFileOpened?.(source, this.path);
    if (truncated) hooks.onTruncation?.(source, this.path);
    this.saveCheckpoint();
  }

  /** The file is gone from every watched path and no longer linked anywhere. */
  get deleted(): boolean {
    return this.nlink === 0n;
  }

  get offset(): number {
    return this.readOffset;
  }

  /** Refreshes `deleted` (the link count) without reading. */
  async checkLinks(): Promise<void> {
    this.nlink = (await this.fh.stat({ bigint: true })).nlink;
  }

  /**
   * Reads what was appended since the last poll, up to `budgetBytes`, into the sink; flushes a
   * partial line that has waited `partialLineTimeoutMs`. `observed`: a stat of this file taken
   * after the previous poll (the source's path check), which saves the fstat. Returns true when the budget ran out
   * before the size seen at this poll (call again soon). Throws on I/O errors (the source
   * reports them and calls again at the next poll).
   */
  async poll(now: number, budgetBytes: number, observed?: BigIntStats): Promise<boolean> {
    const sink = this.sink as RecordSink;
    const st = observed ?? (await this.fh.stat({ bigint: true }));
    this.nlink = st.nlink;
    const size = Number(st.size);
    let grew = false;
    if (size !== this.lastSize || st.mtimeNs !== this.lastMtimeNs) {
      if (await this.truncatedAt(size)) {
        endSink(sink);
        this.readOffset = 0;
        this.head = await readHead(this.fh, Math.min(size, FINGERPRINT_BYTES));
        grew = true;
        this.ctx.hooks.onTruncation?.(this.ctx.source, this.path);
      }
      // Only once checked: after an I/O error above, the next poll checks again.
      this.lastSize = size;
      this.lastMtimeNs = st.mtimeNs;
    }
    const bytes = await this.readInto(sink, Math.max(0, Math.min(budgetBytes, size - this.readOffset)));
    if (bytes > 0) {
      grew = true;
      this.ctx.hooks.onBytes?.(this.ctx.source, bytes);
    }
    if (grew) this.lastGrowthAt = now;
    else if (sink.pendingBytes > 0 && now - this.lastGrowthAt >= this.ctx.partialLineTimeoutMs) sink.flush();
    this.saveCheckpoint();
    return this.readOffset < size;
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
  private async readInto(sink: RecordSink, limit: number): Promise<number> {
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
        sink.push(current.subarray(0, bytesRead));
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

  /**
   * Shorter than the read offset, or the first bytes changed under a read offset past them: the
   * file was truncated (copytruncate). Grows the remembered head while the file is small.
   */
  private async truncatedAt(size: number): Promise<boolean> {
    if (size < this.readOffset) return true;
    if (this.head.length === FINGERPRINT_BYTES && this.readOffset === 0) return false;
    const current = await readHead(this.fh, Math.min(size, FINGERPRINT_BYTES));
    const same =
      current.length >= this.head.length && current.subarray(0, this.head.length).equals(this.head);
    if (!same && this.readOffset > 0) return true;
    if (!same || current.length > this.head.length) this.head = current;
    return false;
  }

  /** The offset just after the last newline before `size`, looking back at most END_SCAN_BYTES. */
  private async lineStartBefore(size: number): Promise<number> {
    const n = Math.min(size, END_SCAN_BYTES);
    if (n === 0) return size;
    const tail = Buffer.alloc(n);
    const { bytesRead } = await this.fh.read(tail, 0, n, size - n);
    const nl = tail.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl >= 0) return size - n + nl + 1;
    // No newline at all: the file is one unfinished line; otherwise it is too long to look back over.
    return n === size ? 0 : size;
  }
}

async function readHead(fh: FileHandle, n: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(buf, got, n - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === n ? buf : buf.subarray(0, got);
}
