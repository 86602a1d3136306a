/**
 * Read positions that survive a restart: one JSON file (`checkpoints.json`) in a directory,
 * written atomically (temp file, fsync, rename, fsync of the directory) so a crash leaves either
 * the old or the new file, never a torn one.
 *
 * A file is known by its identity, not its path: device + inode + a fingerprint of its first
 * bytes. Paths change with rotation; inodes are reused as soon as a file is deleted, and the
 * fingerprint is what tells a reused inode (a new file) from the file we read. The fingerprint
 * covers the first `min(size, FINGERPRINT_BYTES)` bytes at the time it was stored and records how
 * many that was, so a small file that has grown since still matches its own prefix.
 *
 * Entries are namespaced by source name: two sources reading the same file keep their own offsets.
 * One process per directory: two exporters sharing a checkpoint directory overwrite each other.
 *
 * Without a directory (`dir` null) the store lives in memory only: a file that comes back (a
 * symlink re-pointed to an earlier target, a source stopped and started again by a reload) resumes
 * where it was, as with checkpoints; nothing survives the process (README "Sources").
 */
import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { realTimers } from "./timers.js";
import type { TimerHandle, Timers } from "./types.js";

export const FINGERPRINT_BYTES = 1024;
export const CHECKPOINT_FILE = "checkpoints.json";

export interface FileIdentity {
  readonly dev: bigint | number;
  readonly ino: bigint | number;
  /** The file's first up to FINGERPRINT_BYTES bytes. */
  readonly head: Buffer;
}

export interface CheckpointEntry {
  readonly fingerprint: string;
  readonly fingerprintBytes: number;
  readonly offset: number;
  /** For people reading the file; never used to find a file. */
  readonly path: string;
}

export interface CheckpointHooks {
  /** Every attempt to write the file (the app counts checkpoint_writes_total / checkpoint_errors_total). */
  onCheckpointWrite?(ok: boolean, err?: Error): void;
  /** The file existed but could not be read or parsed; the store starts empty. */
  onLoadError?(err: Error): void;
}

interface SourceState {
  files: Map<string, CheckpointEntry>;
}

export function identityKey(id: { dev: bigint | number; ino: bigint | number }): string {
  return `${id.dev}:${id.ino}`;
}

export function fingerprint(head: Buffer, bytes: number = head.length): string {
  return createHash("sha256").update(head.subarray(0, bytes)).digest("hex").slice(0, 32);
}

export class CheckpointStore {
  /** `checkpoints.json` in `dir`; null for a store in memory. */
  readonly file: string | null;
  private readonly sources = new Map<string, SourceState>();
  /** Bumped by every change; a write that started at generation g leaves the store clean only if nothing changed since. */
  private generation = 0;
  private written = 0;
  private writing: Promise<boolean> = Promise.resolve(true);
  private timer: TimerHandle | undefined;
  private intervalMs = 0;

  constructor(
    readonly dir: string | null,
    private readonly hooks: CheckpointHooks = {},
    private readonly timers: Timers = realTimers,
  ) {
    this.file = dir === null ? null : join(dir, CHECKPOINT_FILE);
  }

  /** Does the store outlive the process? (A stop then leaves pending bytes to the next run.) */
  get persistent(): boolean {
    return this.file !== null;
  }

  /** Reads the file if there is one. A missing file is a first run; a corrupt one is reported and ignored. */
  async load(): Promise<void> {
    if (this.dir === null || this.file === null) return;
    await mkdir(this.dir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      this.hooks.onLoadError?.(err as Error);
      return;
    }
    try {
      this.parse(text);
    } catch (err) {
      this.sources.clear();
      this.hooks.onLoadError?.(new Error(`${this.file}: not a checkpoint file (${(err as Error).message})`));
    }
  }

  /** Has this source run with this checkpoint directory before? (Then files without an entry are new.) */
  hasSource(source: string): boolean {
    return this.sources.has(source);
  }

  /** Records that the source has run, so its next start reads files without an entry from the beginning. */
  addSource(source: string): void {
    if (this.sources.has(source)) return;
    this.sources.set(source, { files: new Map() });
    this.generation++;
  }

  /** The stored offset for this file, if the entry's fingerprint matches the file's first bytes. */
  get(source: string, id: FileIdentity): number | undefined {
    const entry = this.sources.get(source)?.files.get(identityKey(id));
    if (entry === undefined || entry.fingerprintBytes > id.head.length) return undefined;
    return fingerprint(id.head, entry.fingerprintBytes) === entry.fingerprint ? entry.offset : undefined;
  }

  /** Stores `offset` (the caller passes readOffset - sink.pendingBytes) for the file. */
  set(source: string, id: FileIdentity, offset: number, path: string): void {
    this.addSource(source);
    const files = (this.sources.get(source) as SourceState).files;
    const key = identityKey(id);
    const old = files.get(key);
    const fp = fingerprint(id.head);
    if (
      old?.offset === offset &&
      old.fingerprint === fp &&
      old.fingerprintBytes === id.head.length &&
      old.path === path
    ) {
      return;
    }
    files.set(key, { fingerprint: fp, fingerprintBytes: id.head.length, offset, path });
    this.generation++;
  }

  delete(source: string, id: { dev: bigint | number; ino: bigint | number }): void {
    if (this.sources.get(source)?.files.delete(identityKey(id))) this.generation++;
  }

  /** Drops the source's entries whose identity key is not in `keys` (files that are gone). */
  retain(source: string, keys: Iterable<string>): void {
    const files = this.sources.get(source)?.files;
    if (files === undefined) return;
    const keep = new Set(keys);
    for (const key of [...files.keys()]) {
      if (!keep.has(key)) {
        files.delete(key);
        this.generation++;
      }
    }
  }

  /** Entries of one source, for tests and the status page. */
  entries(source: string): ReadonlyMap<string, CheckpointEntry> {
    return this.sources.get(source)?.files ?? new Map();
  }

  /**
   * Writes the file if anything changed. Resolves true when the store is on disk; never rejects.
   * Calls are serialised: a flush that starts while another writes waits for it, then writes the
   * newer state.
   */
  flush(): Promise<boolean> {
    this.writing = this.writing.then(() => this.writeIfDirty());
    return this.writing;
  }

  /** Flushes every `intervalMs` (the crash-loss bound: at most one interval is re-read). */
  startInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.arm();
  }

  /** Stops the interval and writes a last time. */
  async close(): Promise<boolean> {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.intervalMs = 0;
    return this.flush();
  }

  private arm(): void {
    if (this.intervalMs <= 0 || !this.persistent) return;
    this.timer = this.timers.setTimeout(() => {
      void this.flush().then(() => this.arm());
    }, this.intervalMs);
  }

  private async writeIfDirty(): Promise<boolean> {
    const generation = this.generation;
    if (generation === this.written || this.dir === null || this.file === null) return true;
    const text = this.serialise();
    const tmp = `${this.file}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      const fh = await open(tmp, "w", 0o644);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
      // The rename is durable only once the directory entry is.
      const dh = await open(this.dir, "r");
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch (err) {
      this.hooks.onCheckpointWrite?.(false, err as Error);
      return false;
    }
    this.written = generation;
    this.hooks.onCheckpointWrite?.(true);
    return true;
  }

  private serialise(): string {
    const sources: Record<string, { files: Record<string, CheckpointEntry> }> = {};
    for (const [name, state] of this.sources) sources[name] = { files: Object.fromEntries(state.files) };
    return `${JSON.stringify({ version: 1, sources }, null, 1)}\n`;
  }

  private parse(text: string): void {
    const doc = JSON.parse(text) as unknown;
    if (!isObject(doc) || doc.version !== 1 || !isObject(doc.sources))
      throw new Error("expected {version: 1, sources}");
    for (const [name, state] of Object.entries(doc.sources)) {
      if (!isObject(state) || !isObject(state.files)) throw new Error(`sources.${name}.files missing`);
      const files = new Map<string, CheckpointEntry>();
      for (const [key, e] of Object.entries(state.files)) {
        if (
          !isObject(e) ||
          typeof e.fingerprint !== "string" ||
          !isCount(e.fingerprintBytes) ||
          !isCount(e.offset) ||
          typeof e.path !== "string"
        ) {
          throw new Error(`sources.${name}.files.${key} malformed`);
        }
        files.set(key, {
          fingerprint: e.fingerprint,
          fingerprintBytes: e.fingerprintBytes,
          offset: e.offset,
          path: e.path,
        });
      }
      this.sources.set(name, { files });
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
