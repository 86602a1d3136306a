/**
 * fs.watch on a set of directories: a watched directory reports new, removed and renamed names
 * and writes to its files (inotify on Linux), which wakes the source within milliseconds instead
 * of at its next poll. Watching is only an optimisation: a directory that cannot be watched (not
 * there yet, inotify limit, a file system without events) is left to the poll.
 */
import { type FSWatcher, watch } from "node:fs";

export type WatchEvent = (dir: string, event: "rename" | "change", name: string | null) => void;

export class DirWatchers {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onEvent: WatchEvent) {}

  /** Watches exactly `dirs` from now on (a directory that failed before is tried again). */
  update(dirs: ReadonlySet<string>): void {
    for (const [dir, w] of this.watchers) {
      if (!dirs.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (event, name) =>
          this.onEvent(dir, event as "rename" | "change", name === null ? null : name.toString()),
        );
        w.on("error", () => {
          w.close();
          if (this.watchers.get(dir) === w) this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // Not there yet or not watchable: the poll and the next glob expansion cover it.
      }
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
