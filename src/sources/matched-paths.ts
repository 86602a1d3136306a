/**
 * The paths a file source's globs match, and the followed file each one leads to (README "Sources:
 * how files are followed"). Files are followed by identity, so a path is only a way to a file: a
 * rename within the globs keeps the file, and a file no path leads to any more is orphaned (the
 * tailer's decision, file-decision.ts). Problems (an unreadable directory, a stat that fails) are
 * reported once per path until it recovers.
 */
import type { BigIntStats } from "node:fs";
import { stat } from "node:fs/promises";
import { expandGlob, type Glob } from "./glob.js";

export class MatchedPaths<File extends { path: string }> {
  /** The paths of the last expansion, and the file each one leads to. */
  private known = new Map<string, File | undefined>();
  /** Paths whose stat or listing failed, reported once until they recover. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly globs: readonly Glob[],
    private readonly excluded: (path: string) => boolean,
    private readonly report: (path: string, err: Error) => void,
  ) {}

  /** The directories new files can appear in. */
  get bases(): string[] {
    return this.globs.map((g) => g.base);
  }

  /** Nothing failed at the last expansion and check: files not found are really gone. */
  get complete(): boolean {
    return this.failing.size === 0;
  }

  /** The file a path led to at the last check. */
  at(path: string): File | undefined {
    return this.known.get(path);
  }

  /** Expands the globs again. Returns false if some directory could not be read. */
  async expand(): Promise<boolean> {
    const next = new Map<string, File | undefined>();
    let complete = true;
    for (const glob of this.globs) {
      const { paths, errors } = await expandGlob(glob);
      for (const err of errors) {
        complete = false;
        this.reportOnce(glob.base, err);
      }
      if (errors.length === 0) this.failing.delete(glob.base);
      for (const p of paths) if (!this.excluded(p)) next.set(p, this.known.get(p));
    }
    this.known = next;
    return complete;
  }

  /**
   * Stats every path and asks `follow` for the file of each regular file found (undefined: not
   * followed). The first path leading to a file names it. Returns the files some path leads to; a
   * path whose stat fails for another reason than its absence keeps its file (it cannot tell).
   */
  async check(follow: (path: string, st: BigIntStats) => Promise<File | undefined>): Promise<Set<File>> {
    const seen = new Set<File>();
    for (const path of this.known.keys()) {
      let st: BigIntStats;
      try {
        st = await stat(path, { bigint: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") this.known.set(path, undefined);
        else {
          // Cannot tell (EACCES, EIO…): keep following what we had rather than calling it rotated.
          const had = this.known.get(path);
          if (had !== undefined) seen.add(had);
          this.reportOnce(path, err as Error);
        }
        continue;
      }
      if (!st.isFile()) continue;
      const file = await follow(path, st);
      if (file === undefined) continue;
      this.failing.delete(path);
      // Two matching paths for one file (a hard link, a symlink): the first one names it.
      if (!seen.has(file)) file.path = path;
      this.known.set(path, file);
      seen.add(file);
    }
    return seen;
  }

  /** No path leads to `file` any more (it was released). */
  forget(file: File): void {
    for (const [p, owner] of this.known) if (owner === file) this.known.set(p, undefined);
  }

  reportOnce(path: string, err: Error): void {
    if (this.failing.has(path)) return;
    this.failing.add(path);
    this.report(path, err);
  }
}
