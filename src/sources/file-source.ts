/**
 * A file source: the files that match a set of globs, each followed by one FileTailer.
 *
 * Files are tracked by identity (device + inode), not by path (MatchedPaths, FollowedFiles). A path
 * that leads to an identity nobody follows is a new file: it starts at its checkpoint, else at
 * `startAt` on the first start of the source, else at 0 (it appeared after the start, or while the
 * exporter was stopped). What becomes of a followed file (truncated, orphaned by a rename or a
 * deletion, read on for `rotateWaitMs`, released) is decided at each of its polls by `decide`
 * (file-decision.ts); the source releases it when its poll says so.
 *
 * Wake-ups (PassPlan): fs.watch on the directories involved plus a timer every `pollIntervalMs` as
 * the safety net: one stat per path and one fstat per open file, nothing when nothing changed. The
 * globs are expanded every `globIntervalMs`. All this runs in one serialised loop (PassLoop), so the
 * tailers never race for the shared read buffer.
 */
import type { BigIntStats } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_ROTATE_WAIT_MS } from "../core/limits.js";
import { CheckpointStore } from "./checkpoints.js";
import { DirWatchers } from "./dir-watchers.js";
import type { PollOutcome, FileTailer as Tailer } from "./file-tailer.js";
import { FollowedFiles } from "./followed-files.js";
import { compileExclude, compileGlob } from "./glob.js";
import { MatchedPaths } from "./matched-paths.js";
import { PassLoop } from "./pass-loop.js";
import { PassPlan, WAKE_DELAY_MS } from "./pass-plan.js";
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

/** Bytes one file may read per pass before the others get their turn (fairness under a flood). */
const READ_BUDGET_BYTES = 1024 * 1024;
/** How long a stop may spend reading renamed-away or deleted files to their end. */
const STOP_READ_MS = 2000;

export class FileSource {
  /** Resolves once the first glob expansion has been followed (files opened and positioned). */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly timers: Timers;
  private readonly checkpoints: CheckpointStore;
  private readonly loop: PassLoop;
  private readonly plan: PassPlan<Tailer>;
  private readonly watchers: DirWatchers | undefined;
  private readonly paths: MatchedPaths<Tailer>;
  private readonly followed: FollowedFiles;
  /**
   * The path check's stat of each file it found already open: newer than that file's last poll, so
   * the poll in the same pass uses it instead of an fstat (half the syscalls of an idle poll).
   */
  private observed = new Map<Tailer, BigIntStats>();
  /** The set of directories to watch may have changed (a scan ran, a file was opened or closed). */
  private watchesStale = true;
  private started = false;
  private stopping: Promise<void> | undefined;
  /** The stop leaves pending bytes (a partial line) to a next start: checkpoints, or a reload. */
  private resumes = false;

  constructor(
    readonly options: FileSourceOptions,
    private readonly hooks: SourceHooks,
    deps: FileSourceDeps = {},
  ) {
    this.timers = deps.timers ?? realTimers;
    // Files are followed by identity even without a checkpoint directory: a symlink re-pointed
    // back to a file read before resumes there instead of reading it again from its start.
    this.checkpoints = deps.checkpoints ?? new CheckpointStore(null);
    const { partialLineTimeoutMs, rotateWaitMs = DEFAULT_ROTATE_WAIT_MS } = options;
    const rules = { partialLineTimeoutMs, rotateWaitMs };
    const report = (path: string, err: Error) => this.hooks.onReadError?.(this.name, path, err);
    const globs = options.paths.map((p) => compileGlob(p));
    this.paths = new MatchedPaths(globs, compileExclude(options.exclude), report);
    const shared = { source: options.name, hooks, checkpoints: this.checkpoints, rules, timers: this.timers };
    this.followed = new FollowedFiles(shared, (path, err) => this.paths.reportOnce(path, err));
    this.plan = new PassPlan(this.timers, options);
    this.loop = new PassLoop(
      this.timers,
      () => this.guard(() => this.tick("beginning", false)),
      () => this.plan.delayMs(),
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
    return this.followed.all().map((t) => ({ path: t.path, identity: t.key, offset: t.offset }));
  }

  /** Expands the globs, opens and positions the matching files, then follows them. Resolves when ready. */
  async start(): Promise<void> {
    if (this.stopping) return; // stopped before it started: nothing to follow
    if (this.started) return this.ready;
    this.started = true;
    // On the source's first run, files found now start at `startAt`; on later runs a file without
    // a checkpoint appeared while we were stopped, and its lines are new.
    const fallback = this.checkpoints.hasSource(this.name) ? "beginning" : this.options.startAt;
    this.checkpoints.addSource(this.name);
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
      this.plan.everything();
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
      this.resumes = options.restart === true || this.checkpoints.persistent === true;
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
      await this.guard(() => this.paths.expand());
      await this.guard(() => this.checkPaths("beginning", false));
      // Renamed-away and deleted files are read on to their end, within a time budget: a clean stop
      // must end within seconds (Kubernetes kills after its grace period). What is left of a file
      // renamed within the globs is read after the restart (its checkpoint stays).
      const deadline = this.timers.now() + STOP_READ_MS;
      for (const t of this.followed.all()) {
        let outcome: PollOutcome;
        do {
          outcome = await this.followed.poll(t, this.timers.now(), READ_BUDGET_BYTES, undefined, true);
        } while (outcome === "more" && this.timers.now() < deadline);
        await this.release(t, outcome === "more" || outcome === "idle" ? "stopped" : outcome);
      }
      this.followed.reportCount();
    }
    await this.checkpoints.flush();
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
    const work = this.plan.take(now);
    if (work.scan) {
      this.watchesStale = true;
      const complete = await this.paths.expand();
      if (initial) {
        await this.checkPaths(fallback, true);
        work.paths = false;
        // Entries of files that are gone are dropped, unless something could not be looked at.
        if (complete && this.paths.complete) this.checkpoints.retain(this.name, this.followed.keys());
      }
    }
    const changed = work.paths ? await this.checkPaths(fallback, true) : [];
    const targets = work.all ? this.followed.all() : [...work.files, ...changed];
    const observed = this.observed;
    this.observed = new Map();
    for (const t of new Set(targets)) {
      if (!this.followed.has(t)) continue;
      const outcome = await this.followed.poll(t, now, READ_BUDGET_BYTES, observed.get(t));
      if (outcome === "more") this.plan.readOn(t);
      else if (outcome !== "idle") await this.release(t, outcome);
    }
    if (this.watchesStale) this.updateWatchers();
    this.followed.reportCount();
  }

  /**
   * Stats every matched path: maps it to the tailer of its identity and opens new files (when
   * `openNew`); a tailer no path leads to any more is no longer `linked`. Returns the tailers to
   * poll now: the new ones, and those just unlinked (their poll decides that they are orphaned).
   */
  private async checkPaths(fallback: "beginning" | "end", openNew: boolean): Promise<Tailer[]> {
    const opened: Tailer[] = [];
    const seen = await this.paths.check(async (path, st) => {
      const t = this.followed.get(`${st.dev}:${st.ino}`);
      // Not for a file opened just now: its start offset may lie past this (older) stat's size.
      if (t !== undefined || !openNew) {
        if (t !== undefined) this.observed.set(t, st);
        return t;
      }
      const added = await this.followed.open(path, fallback);
      if (added !== undefined) opened.push(added);
      return added;
    });
    if (opened.length > 0) this.watchesStale = true;
    const unlinked = this.followed.all().filter((t) => t.linked && !seen.has(t));
    // Look for them under another matching name soon, before the rotate wait ends.
    if (unlinked.length > 0) this.plan.rescan();
    for (const t of this.followed.all()) t.linked = seen.has(t);
    return [...opened, ...unlinked];
  }

  private async release(t: Tailer, reason: CloseReason): Promise<void> {
    this.watchesStale = true;
    this.paths.forget(t);
    await this.followed.release(t, reason, this.resumes);
  }

  /** Watches the globs' base directories (new files) and the directories of open files. */
  private updateWatchers(): void {
    this.watchesStale = false;
    if (this.watchers === undefined || this.stopping) return;
    const dirs = new Set(this.paths.bases);
    for (const t of this.followed.all()) dirs.add(dirname(t.path));
    this.watchers.update(dirs);
  }

  private onWatch(dir: string, event: "rename" | "change", name: string | null): void {
    if (this.stopping) return;
    this.plan.watched(event, name === null ? undefined : this.paths.at(join(dir, name)));
    this.loop.request(WAKE_DELAY_MS);
  }
}
