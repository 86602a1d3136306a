/**
 * What the file source's next pass has to do, and how soon it is due: a full look (every path,
 * every file) every `pollIntervalMs`, a glob expansion every `globIntervalMs`, and sooner what
 * fs.watch events and files that ran out of read budget ask for (README "Sources: how files are
 * followed", wake-ups and cost).
 */
import type { Timers } from "./types.js";

/** Coalesces bursts of watch events: a busy file is read at most every few ms, not per write. */
export const WAKE_DELAY_MS = 5;

interface PassWork<File> {
  /** Expand the globs. */
  scan: boolean;
  /** Stat every matched path. */
  paths: boolean;
  /** Poll every open file. */
  all: boolean;
  /** Poll these files (a watch `change`, or read on after the budget ran out). */
  files: Set<File>;
}

const nothing = <File>(): PassWork<File> => ({ scan: false, paths: false, all: false, files: new Set() });

export class PassPlan<File> {
  private work: PassWork<File> = { scan: true, paths: true, all: true, files: new Set() };
  private nextFullAt = 0;
  private nextScanAt = 0;

  constructor(
    private readonly timers: Timers,
    private readonly intervals: { readonly pollIntervalMs: number; readonly globIntervalMs: number },
  ) {}

  /** The work due at `now`, which the plan then forgets. */
  take(now: number): PassWork<File> {
    const work = this.work;
    this.work = nothing();
    if (now >= this.nextFullAt) {
      work.paths = work.all = true;
      this.nextFullAt = now + this.intervals.pollIntervalMs;
    }
    if (now >= this.nextScanAt) work.scan = true;
    if (work.scan) {
      work.paths = true;
      this.nextScanAt = now + this.intervals.globIntervalMs;
    }
    return work;
  }

  /** Everything at the next pass (`sync`). */
  everything(): void {
    this.work.scan = this.work.paths = this.work.all = true;
    this.nextFullAt = 0;
  }

  /** Expand the globs at the next pass (a file lost its path: look for it under another name). */
  rescan(): void {
    this.work.scan = true;
  }

  /** Read on in this file at once (it ran out of read budget). */
  readOn(file: File): void {
    this.work.files.add(file);
  }

  /** A watch event: a `change` of a known file polls that file, anything else looks at the paths. */
  watched(event: "rename" | "change", file: File | undefined): void {
    if (event === "change" && file !== undefined) this.work.files.add(file);
    else {
      this.work.paths = this.work.all = true;
      if (event === "rename") this.work.scan = true;
    }
  }

  /** How soon the next pass is due: at once to read on, soon for watch events, else at the next full look. */
  delayMs(): number {
    const w = this.work;
    if (w.files.size > 0) return 0;
    if (w.scan || w.paths || w.all) return WAKE_DELAY_MS;
    return Math.max(0, this.nextFullAt - this.timers.now());
  }
}
