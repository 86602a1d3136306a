/**
 * A file source: the files that match a set of globs, each followed by one FileTailer.
 *
 * Files are tracked by identity (device + inode), not by path (MatchedPaths). A path that leads to
 * an identity nobody follows is a new file: it starts at its checkpoint, else at `startAt` on the
 * first start of the source, else at 0 (it appeared after the start, or while the exporter was
 * stopped). What becomes of a followed file (truncated, orphaned by a rename or deletion, read on
 * for `rotateWaitMs`, released) is decided at each of its polls by `decide` (file-decision.ts);
 * the source releases it when its tailer says so.
 *
 * Wake-ups: fs.watch on the directories involved (a `change` polls that file, a `rename` checks the
 * paths) plus a timer every `pollIntervalMs` as the safety net: one stat per path and one fstat per
 * open file, nothing when nothing changed. The globs are expanded every `globIntervalMs`. All this
 * runs in one serialised loop (PassLoop), so the tailers never race for the shared read buffer.
 */
import type { BigIntStats } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_ROTATE_WAIT_MS } from "../core/limits.js";
import { CheckpointStore } from "./checkpoints.js";
import { DirWatchers } from "./dir-watchers.js";
import {
  FileTailer,
  type PollOutcome,
  type FileTailer as Tailer,
  type TailerContext,
} from "./file-tailer.js";
import { compileExclude, compileGlob } from "./glob.js";
import { MatchedPaths } from "./matched-paths.js";
import { PassLoop } from "./pass-loop.js";
import { realTimers } from "./timers.js";
import type { CloseReason, FileSourceOptions, SourceHooks, Timers } from "./types.js";

export interface FileSourceDeps {
  /**
   * Where offsets are kept: a directory (they persist), or in memory (the default: a file that
   * comes back resumes, but every process start begins at `startAt`).
   */
  checkpoints?: CheckpointStore;
  timers?: Timers;
  /** Set false to rely on the poll alone (tests of the safety net; file systems where watch misbehaves). */
  watch?: boolean;
}

const READ_BUFFER_BYTES = 64 * 1024;
/** Bytes one file may read per pass before the others get their turn (fairness under a flood). */
const READ_BUDGET_BYTES = 1024 * 1024;
/** How long a stop may spend reading renamed-away or deleted files to their end. */
const STOP_READ_MS = 2000;
/** Coalesces bursts of watch events: a busy file is read at most every few ms, not per write. */
const WAKE_DELAY_MS = 5;
const MAX_RELEASED_ENTRIES = 32;

interface Work {
  scan: boolean;
  paths: boolean;
  all: boolean;
  files: Set<Tailer>;
}

export class FileSource {
  /** Resolves once the first glob expansion has been followed (files opened and positioned). */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly timers: Timers;
  private readonly ctx: TailerContext;
  private readonly loop: PassLoop;
  private readonly watchers: DirWatchers | undefined;
  private readonly paths: MatchedPaths<Tailer>;
  private readonly tailers = new Map<string, Tailer>();
  /** Rotated files released while running, oldest first (their checkpoint entries are kept). */
  private readonly released: Tailer[] = [];
  /**
   * The path check's stat of each file it found already open: newer than that file's last poll, so
   * the poll in the same pass uses it instead of an fstat (half the syscalls of an idle poll).
   */
  private observed = new Map<Tailer, BigIntStats>();
  /** The set of directories to watch may have changed (a scan ran, a file was opened or closed). */
  private watchesStale = true;
  private work: Work = { scan: true, paths: true, all: true, files: new Set() };
  private nextFullAt = 0;
  private nextScanAt = 0;
  private started = false;
  private stopping: Promise<void> | undefined;
  /** The stop leaves pending bytes (a partial line) to a next start: checkpoints, or a reload. */
  private resumes = false;
  private watchedCount = -1;

  constructor(
    readonly options: FileSourceOptions,
    private readonly hooks: SourceHooks,
    deps: FileSourceDeps = {},
  ) {
    this.paths = new MatchedPaths(
      options.paths.map((p) => compileGlob(p)),
      compileExclude(options.exclude),
      (path, err) => this.hooks.onReadError?.(this.name, path, err),
    );
    this.timers = deps.timers ?? realTimers;
    this.ctx = {
      source: options.name,
      hooks,
      // Files are followed by identity even without a checkpoint directory: a symlink re-pointed
      // back to a file read before resumes there instead of reading it again from its start.
      checkpoints: deps.checkpoints ?? new CheckpointStore(null),
      buffers: [Buffer.allocUnsafe(READ_BUFFER_BYTES), Buffer.allocUnsafe(READ_BUFFER_BYTES)],
      rules: {
        rotateWaitMs: options.rotateWaitMs ?? DEFAULT_ROTATE_WAIT_MS,
        partialLineTimeoutMs: options.partialLineTimeoutMs,
      },
      timers: this.timers,
    };
    this.loop = new PassLoop(
      this.timers,
      () => this.guard(() => this.tick("beginning", false)),
      () => this.nextDelayMs(),
    );
    this.watchers = (deps.watch ?? true) ? new DirWatchers((d, e, n) => this.onWatch(d, e, n)) : undefined;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  get name(): string {
    return this.options.name;
  }

  /** Open files (identity = device:inode), for the status page and tests. */
  files(): { path: string; identity: string; offset: number }[] {
    return [...this.tailers.values()].map((t) => ({ path: t.path, identity: t.key, offset: t.offset }));
  }

  /** Expands the globs, opens and positions the matching files, then follows them. Resolves when ready. */
  async start(): Promise<void> {
    if (this.stopping) return; // stopped before it started: nothing to follow
    if (this.started) return this.ready;
    this.started = true;
    const store = this.ctx.checkpoints;
    // On the source's first run, files found now start at `startAt`; on later runs a file without
    // a checkpoint appeared while we were stopped, and its lines are new.
    const fallback = store === undefined || !store.hasSource(this.name) ? this.options.startAt : "beginning";
    store?.addSource(this.name);
    await this.loop.exclusive(() => this.guard(() => this.tick(fallback, true)));
    this.markReady();
    return this.ready;
  }

  /**
   * Runs a full pass now (expand globs, check paths, read every file) and resolves when it is
   * done: the deterministic wake-up for tests and for callers that know a file changed.
   */
  async sync(): Promise<void> {
    if (!this.started || this.stopping) return;
    await this.loop.exclusive(async () => {
      this.work.scan = this.work.paths = this.work.all = true;
      this.nextFullAt = 0;
      await this.guard(() => this.tick("beginning", false));
    });
  }

  /**
   * Stops following: files that were renamed away or deleted are read to their end and flushed;
   * checkpoints are written. The other files keep their partial lines for the next run when it
   * resumes from the checkpoints, or when `restart` says a new source takes over at once (a
   * reload); otherwise a partial line counts as a line now.
   */
  stop(options: { restart?: boolean } = {}): Promise<void> {
    if (this.stopping === undefined) {
      this.resumes = options.restart === true || this.ctx.checkpoints?.persistent === true;
      this.loop.close();
      this.watchers?.close();
      this.stopping = this.loop.exclusive(() => this.shutdown());
    }
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.started) {
      // A last look at the globs and paths: a rotation we have not noticed yet must not strand the
      // old file, and a file renamed to another matching name must keep its checkpoint.
      await this.guard(() => this.scan());
      await this.guard(() => this.checkPaths("beginning", false));
      // Renamed-away and deleted files are read on to their end, within a time budget: a clean stop
      // must end within seconds (Kubernetes kills after its grace period). What is left of a file
      // renamed within the globs is read after the restart (its checkpoint stays).
      const deadline = this.timers.now() + STOP_READ_MS;
      for (const t of [...this.tailers.values()]) {
        let outcome: PollOutcome | undefined;
        do {
          outcome = await this.safely(t, () => t.poll(this.timers.now(), READ_BUDGET_BYTES, undefined, true));
        } while (outcome === "more" && this.timers.now() < deadline);
        await this.closeTailer(t, released(outcome) ?? "stopped");
      }
      this.reportCount();
    }
    await this.ctx.checkpoints?.flush();
  }

  /** Nothing may throw out of a timer: an unexpected error (a hook that throws) is reported and the loop goes on. */
  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      try {
        this.hooks.onReadError?.(this.name, "", err as Error);
      } catch {
        // The reporting hook itself failed; there is nowhere left to report to.
      }
    }
  }

  /** One pass over whatever work is due. */
  private async tick(fallback: "beginning" | "end", initial: boolean): Promise<void> {
    const now = this.timers.now();
    const work = this.work;
    this.work = { scan: false, paths: false, all: false, files: new Set() };
    if (now >= this.nextFullAt) {
      work.paths = work.all = true;
      this.nextFullAt = now + this.options.pollIntervalMs;
    }
    if (work.scan || now >= this.nextScanAt) {
      const complete = await this.scan();
      this.nextScanAt = now + this.options.globIntervalMs;
      work.paths = true;
      if (initial) {
        await this.checkPaths(fallback, true);
        work.paths = false;
        // Entries of files that are gone are dropped, unless something could not be looked at.
        if (complete && this.paths.complete) this.ctx.checkpoints?.retain(this.name, this.tailers.keys());
      }
    }
    const changed = work.paths ? await this.checkPaths(fallback, true) : [];
    const targets = work.all ? [...this.tailers.values()] : [...work.files, ...changed];
    const observed = this.observed;
    this.observed = new Map();
    for (const t of new Set(targets)) {
      if (this.tailers.get(t.key) !== t) continue;
      const outcome = await this.safely(t, () => t.poll(now, READ_BUDGET_BYTES, observed.get(t)));
      if (outcome === "more") this.work.files.add(t);
      const reason = released(outcome);
      if (reason !== undefined) await this.closeTailer(t, reason);
    }
    if (this.watchesStale) this.updateWatchers();
    this.reportCount();
  }

  /** Expands the globs again. Returns false if some directory could not be read. */
  private async scan(): Promise<boolean> {
    this.watchesStale = true;
    return this.paths.expand();
  }

  /**
   * Stats every matched path: maps it to the tailer of its identity and opens new files (when
   * `openNew`); a tailer no path leads to any more is no longer `linked`. Returns the tailers to
   * poll now: the new ones, and those just unlinked (their poll decides that they are orphaned).
   */
  private async checkPaths(fallback: "beginning" | "end", openNew: boolean): Promise<Tailer[]> {
    const opened: Tailer[] = [];
    const seen = await this.paths.check(async (path, st) => {
      const t = this.tailers.get(`${st.dev}:${st.ino}`);
      // Not for a file opened just now: its start offset may lie past this (older) stat's size.
      if (t !== undefined) this.observed.set(t, st);
      else if (openNew) {
        const added = await this.openTailer(path, fallback);
        if (added !== undefined) opened.push(added);
        return added;
      }
      return t;
    });
    const unlinked = [...this.tailers.values()].filter((t) => t.linked && !seen.has(t));
    // Look for them under another matching name soon, before the rotate wait ends.
    if (unlinked.length > 0) this.work.scan = true;
    for (const t of this.tailers.values()) t.linked = seen.has(t);
    return [...opened, ...unlinked];
  }

  private async openTailer(path: string, fallback: "beginning" | "end"): Promise<Tailer | undefined> {
    let t: Tailer | null;
    try {
      t = await FileTailer.open(this.ctx, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") this.paths.reportOnce(path, err as Error);
      return undefined;
    }
    if (t === null) return undefined;
    const existing = this.tailers.get(t.key);
    if (existing !== undefined) {
      // The path was replaced between stat and open by a file we already follow.
      await t.discard().catch(() => {});
      return existing;
    }
    try {
      await t.begin(fallback);
    } catch (err) {
      await t.discard().catch(() => {});
      this.paths.reportOnce(path, err as Error);
      return undefined;
    }
    this.tailers.set(t.key, t);
    this.watchesStale = true;
    return t;
  }

  private async closeTailer(t: Tailer, reason: CloseReason): Promise<void> {
    this.tailers.delete(t.key);
    this.watchesStale = true;
    this.paths.forget(t);
    try {
      await t.close(reason, this.resumes);
    } catch (err) {
      this.hooks.onReadError?.(this.name, t.path, err as Error);
    }
    if (reason !== "rotated") return;
    // A released rotated file keeps its checkpoint in case it comes back under a matching name;
    // only the latest few, so a long run with many rotations does not grow the checkpoint file.
    this.released.push(t);
    const oldest = this.released.length > MAX_RELEASED_ENTRIES ? this.released.shift() : undefined;
    if (oldest !== undefined && !this.tailers.has(oldest.key))
      this.ctx.checkpoints?.delete(this.name, oldest);
  }

  /** Runs a tailer operation; an error is reported (and retried at the next poll). */
  private async safely<T>(t: Tailer, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.hooks.onReadError?.(this.name, t.path, err as Error);
      return undefined;
    }
  }

  private reportCount(): void {
    if (this.tailers.size === this.watchedCount) return;
    this.watchedCount = this.tailers.size;
    this.hooks.onFilesWatched?.(this.watchedCount);
  }

  /** Watches the globs' base directories (new files) and the directories of open files. */
  private updateWatchers(): void {
    this.watchesStale = false;
    if (this.watchers === undefined || this.stopping) return;
    const dirs = new Set(this.paths.bases);
    for (const t of this.tailers.values()) dirs.add(dirname(t.path));
    this.watchers.update(dirs);
  }

  private onWatch(dir: string, event: "rename" | "change", name: string | null): void {
    if (this.stopping) return;
    const file = name === null ? undefined : this.paths.at(join(dir, name));
    if (event === "change" && file !== undefined) this.work.files.add(file);
    else {
      // A name appeared or vanished (or we cannot tell which file changed): look at the paths.
      this.work.paths = this.work.all = true;
      if (event === "rename") this.work.scan = true;
    }
    this.loop.request(WAKE_DELAY_MS);
  }

  /** How soon the next pass is due: at once to go on with a file that hit its budget, soon for watch events. */
  private nextDelayMs(): number {
    const w = this.work;
    if (w.files.size > 0) return 0;
    if (w.scan || w.paths || w.all) return WAKE_DELAY_MS;
    return Math.max(0, this.nextFullAt - this.timers.now());
  }
}

/** The reason to release a file after its poll, if it is to be released. */
function released(outcome: PollOutcome | undefined): CloseReason | undefined {
  return outcome === undefined || outcome === "more" || outcome === "idle" ? undefined : outcome;
}
