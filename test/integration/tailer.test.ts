/**
 * The file source against real files: rotation, truncation, deletion, new files, partial lines,
 * startAt, and restarts with checkpoints. Sources run their real timers and watchers with a 20 ms
 * poll; tests wait for conditions, and show that nothing more comes with `source.sync()` (a full
 * pass), never with a fixed sleep. The two sleeps left are a file clock tick and a CPU window.
 */
import { appendFileSync, copyFileSync, readdirSync, readFileSync, readlinkSync, renameSync } from "node:fs";
import { mkdir, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE } from "../../src/sources/checkpoints.js";
import { ManualTimers, sourceOptions, TailRig, tempDir } from "../helpers/tail-harness.js";
import { sleep, waitUntil } from "../helpers/wait.js";

let dir: string;
let cleanup: () => Promise<void>;
let ckDir: string;
const rigs: TailRig[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  ckDir = join(dir, "checkpoints");
});
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
  await cleanup();
});

async function start(over: Parameters<typeof sourceOptions>[1] = {}, checkpoints = false, watch = true) {
  const rig = await TailRig.start(sourceOptions(dir, over), checkpoints ? ckDir : undefined, { watch });
  rigs.push(rig);
  return rig;
}

const linesOf = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i + 1}`);
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
/** Waits until the rig has collected at least `n` lines. */
const lines = (rig: TailRig, n: number, what: string, timeoutMs?: number) =>
  waitUntil(
    what,
    () => rig.lines,
    (l) => l.length >= n,
    timeoutMs,
  );

describe("startAt", () => {
  it("beginning reads what the files already hold", async () => {
    await writeFile(join(dir, "a.log"), text(linesOf(3, "a")));
    const rig = await start({ startAt: "beginning" });
    await lines(rig, 3, "3 lines");
    expect(rig.lines).toEqual(linesOf(3, "a"));
  });

  it("end skips what is there and reads what comes, from the start of an unfinished last line", async () => {
    await writeFile(join(dir, "a.log"), `${text(linesOf(3, "old"))}half`);
    const rig = await start({ startAt: "end" });
    appendFileSync(join(dir, "a.log"), "-done\nnew-1\n");
    await lines(rig, 2, "2 lines");
    await rig.source.sync(); // a full pass: anything more would be read now
    expect(rig.lines).toEqual(["half-done", "new-1"]);
  });
});

describe("glob", () => {
  it("finds a new matching file and reads it from the beginning; ignores others and excluded ones", async () => {
    const rig = await start({ exclude: ["skip-*.log"] });
    await writeFile(join(dir, "b.log"), text(linesOf(2, "b")));
    await writeFile(join(dir, "b.txt"), "nope\n");
    await writeFile(join(dir, "skip-me.log"), "excluded\n");
    await lines(rig, 2, "lines of the new file");
    await rig.source.sync(); // a full pass: anything more would be read now
    expect(rig.lines).toEqual(linesOf(2, "b"));
    expect(rig.events.watched).toBe(1);
  });

  it("finds files in subdirectories with ** created after the start", async () => {
    const rig = await start({ paths: [join(dir, "**", "*.log")] });
    await mkdir(join(dir, "x", "y"), { recursive: true });
    await writeFile(join(dir, "x", "y", "deep.log"), "deep-1\n");
    await lines(rig, 1, "the deep file");
    expect(rig.lines).toEqual(["deep-1"]);
  });
});

describe("rename rotation", () => {
  it("reads lines written to the old file after the rename, then the new file from 0", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, text(linesOf(3, "one")));
    const rig = await start();
    await lines(rig, 3, "first lines");
    renameSync(a, `${a}.1`);
    appendFileSync(`${a}.1`, "one-4\n");
    await writeFile(a, "two-1\n");
    await waitUntil(
      "the rotation",
      () => rig.events.rotations,
      (r) => r.length === 1,
    );
    // The writer has not reopened its log yet: it still appends to the renamed file.
    appendFileSync(`${a}.1`, "one-5\n");
    appendFileSync(a, "two-2\n");
    await lines(rig, 7, "all lines");
    await waitUntil(
      "the old file to be released",
      () => rig.events.closed,
      (c) => c.length === 1,
    );
    expect(rig.events.closed[0]).toEqual({ file: a, reason: "rotated" });
    expect(rig.collector.sinks[0]?.flushes).toBeGreaterThan(0); // the old file's sink, flushed at release
    expect([...rig.lines].sort()).toEqual([...linesOf(5, "one"), ...linesOf(2, "two")].sort());
    expect(rig.collector.sinks.map((s) => s.lines)).toEqual([linesOf(5, "one"), linesOf(2, "two")]);
  });

  it("flushes the old file's unfinished last line when it is released", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "x-1\nx-par");
    const rig = await start();
    await lines(rig, 1, "first line");
    renameSync(a, `${a}.1`);
    await writeFile(a, "y-1\n");
    await lines(rig, 3, "flushed partial and new line");
    expect([...rig.lines].sort()).toEqual(["x-1", "x-par", "y-1"]);
  });

  it("keeps following a file renamed to another matching name, without reading it twice", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, text(linesOf(2, "a")));
    // The clock moves only when told, so "longer than rotateWaitMs" needs no sleep.
    const timers = new ManualTimers();
    const rig = await TailRig.start(sourceOptions(dir, { paths: [join(dir, "*.log*")] }), undefined, {
      watch: false,
      timers,
    });
    rigs.push(rig);
    expect(rig.lines).toEqual(linesOf(2, "a"));
    renameSync(a, join(dir, "a.log.1"));
    appendFileSync(join(dir, "a.log.1"), "a-3\n");
    await rig.source.sync();
    expect(rig.lines).toEqual(linesOf(3, "a"));
    timers.advance(400); // longer than rotateWaitMs: it must stay open, being matched
    await rig.source.sync();
    appendFileSync(join(dir, "a.log.1"), "a-4\n");
    await rig.source.sync();
    expect(rig.lines).toEqual(linesOf(4, "a"));
    expect(rig.events.closed).toEqual([]);
  });
});

describe("copytruncate", () => {
  it("detects the truncation and reads the file again from 0", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, text(linesOf(5, "before")));
    const rig = await start();
    await lines(rig, 5, "first lines");
    copyFileSync(a, `${a}.1`);
    await truncate(a, 0);
    appendFileSync(a, "after-1\n");
    await lines(rig, 6, "line after truncation");
    expect(rig.events.truncations).toEqual([a]);
    appendFileSync(a, "after-2\n");
    await lines(rig, 7, "next line");
    expect(rig.lines).toEqual([...linesOf(5, "before"), "after-1", "after-2"]);
  });

  it("detects a truncation that regrew past the old offset between two polls (first bytes changed)", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "short-1\n");
    // Poll only when told: the truncation and regrowth happen between two passes.
    const rig = await start({ pollIntervalMs: 60_000, globIntervalMs: 60_000 }, false, false);
    await rig.source.sync();
    expect(rig.lines).toEqual(["short-1"]);
    await truncate(a, 0);
    appendFileSync(a, "longer-line-1\nlonger-line-2\n");
    await rig.source.sync();
    expect(rig.lines).toEqual(["short-1", "longer-line-1", "longer-line-2"]);
    expect(rig.events.truncations).toEqual([a]);
  });
});

describe("deleted file", () => {
  it("reads it to its end, flushes it and releases the descriptor", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "d-1\n");
    const rig = await start();
    await lines(rig, 1, "first line");
    appendFileSync(a, "d-2\nd-par");
    await unlink(a);
    await waitUntil(
      "the close",
      () => rig.events.closed,
      (c) => c.length === 1,
    );
    expect(rig.events.closed[0]).toEqual({ file: a, reason: "deleted" });
    expect(rig.lines).toEqual(["d-1", "d-2", "d-par"]);
    expect(rig.events.rotations).toEqual([]);
    expect(rig.events.watched).toBe(0);
    expect(openDeletedFiles(dir)).toEqual([]);
  });

  it("follows a file recreated under the same name from 0", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "first-1\n");
    const rig = await start();
    await lines(rig, 1, "first line");
    await unlink(a);
    await writeFile(a, "second-1\n");
    await lines(rig, 2, "the new file's line");
    expect(rig.lines).toEqual(["first-1", "second-1"]);
  });
});

describe("partial lines", () => {
  it("waits for the newline of a line written in two parts", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "");
    const rig = await start();
    appendFileSync(a, "hel");
    await waitUntil(
      "the partial line to be held",
      () => rig.collector.pendingBytes,
      (n) => n === 3,
    );
    await rig.source.sync(); // a full pass: anything more would be read now
    expect(rig.lines).toEqual([]);
    appendFileSync(a, "lo\n");
    await lines(rig, 1, "the completed line");
    expect(rig.lines).toEqual(["hello"]);
  });

  it("flushes a partial line after the idle timeout", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "");
    const rig = await start({ partialLineTimeoutMs: 150 });
    const t0 = Date.now();
    appendFileSync(a, "no-newline");
    await lines(rig, 1, "the idle flush");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(rig.lines).toEqual(["no-newline"]);
    expect(rig.collector.pendingBytes).toBe(0);
  });
});

describe("restart with checkpoints", () => {
  it("loses nothing and doubles nothing: lines written while stopped, a partial line held at stop", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, text(linesOf(3, "r")));
    let rig = await start({ startAt: "end" }, true);
    appendFileSync(a, text(["r-4", "r-5"]));
    appendFileSync(a, "r-6-par");
    await waitUntil(
      "lines and held partial",
      () => ({ lines: rig.lines.length, pending: rig.collector.pendingBytes }),
      (x) => x.lines === 2 && x.pending === 7,
    );
    await rig.stop();
    const stored = JSON.parse(readFileSync(join(ckDir, CHECKPOINT_FILE), "utf8"));
    const entry = Object.values(stored.sources.app.files)[0] as { offset: number; path: string };
    expect(entry).toMatchObject({ offset: 3 * 4 + 2 * 4, path: a });
    appendFileSync(a, "tial\nr-7\n");
    await writeFile(join(dir, "b.log"), "b-1\n"); // appeared while stopped: read from 0, not startAt
    rig = await start({ startAt: "end" }, true);
    await lines(rig, 3, "lines written while stopped");
    await rig.source.sync(); // a full pass: anything more would be read now
    expect([...rig.lines].sort()).toEqual(["b-1", "r-6-partial", "r-7"]);
  });

  it("resumes a file rotated while stopped when the glob matches its new name", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "k-1\n");
    let rig = await start({ paths: [join(dir, "a.log*")] }, true);
    await lines(rig, 1, "first line");
    await rig.stop();
    appendFileSync(a, "k-2\n");
    renameSync(a, `${a}.1`);
    await writeFile(a, "n-1\n");
    rig = await start({ paths: [join(dir, "a.log*")] }, true);
    await lines(rig, 2, "both files");
    await rig.source.sync(); // a full pass: anything more would be read now
    expect([...rig.lines].sort()).toEqual(["k-2", "n-1"]);
  });

  it("does not read again a file renamed to another matching name just before the stop", async () => {
    const a = join(dir, "a.log");
    const manual = { paths: [join(dir, "a.log*")], pollIntervalMs: 60_000, globIntervalMs: 60_000 };
    await writeFile(a, "k-1\nk-pa");
    let rig = await start(manual, true, false);
    expect(rig.lines).toEqual(["k-1"]);
    renameSync(a, `${a}.1`);
    await writeFile(a, "n-1\n");
    await rig.stop(); // no pass between the rename and the stop
    expect(rig.events.closed).toEqual([{ file: `${a}.1`, reason: "stopped" }]);
    appendFileSync(`${a}.1`, "rtial\n");
    rig = await start(manual, true, false);
    expect([...rig.lines].sort()).toEqual(["k-partial", "n-1"]);
  });

  it("drains a rotated file that it had not noticed yet when stopped", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "s-1\n");
    let rig = await start({ pollIntervalMs: 60_000, globIntervalMs: 60_000 }, true, false);
    expect(rig.lines).toEqual(["s-1"]);
    renameSync(a, `${a}.1`);
    appendFileSync(`${a}.1`, "s-2\ns-par");
    await writeFile(a, "t-1\n");
    await rig.stop();
    expect(rig.lines).toEqual(["s-1", "s-2", "s-par"]);
    expect(rig.events.closed).toEqual([{ file: a, reason: "rotated" }]);
    rig = await start({}, true);
    await lines(rig, 1, "the new file");
    await rig.source.sync(); // a full pass: anything more would be read now
    expect(rig.lines).toEqual(["t-1"]);
  });

  it("stores the new fingerprint after a copytruncate that refilled the file to the same size", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "old-1\nold-2\n");
    const manual = { pollIntervalMs: 60_000, globIntervalMs: 60_000 };
    let rig = await start(manual, true, false);
    expect(rig.lines).toEqual(["old-1", "old-2"]);
    await sleep(20); // a later mtime (the kernel's file clock is coarse)
    await truncate(a, 0);
    appendFileSync(a, "new-1\nnew-2\n"); // same length, same offset, other bytes
    await rig.source.sync();
    expect(rig.lines).toEqual(["old-1", "old-2", "new-1", "new-2"]);
    await rig.stop();
    rig = await start(manual, true, false);
    expect(rig.lines).toEqual([]);
  });

  it("reads a file whose inode was reused by a different file from 0", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, text(linesOf(4, "old")));
    let rig = await start({}, true);
    await lines(rig, 4, "first lines");
    await rig.stop();
    // Same length, same inode (truncate in place), different first bytes: a different file.
    await writeFile(a, text(linesOf(4, "new")));
    rig = await start({}, true);
    await lines(rig, 4, "the new content");
    expect(rig.lines).toEqual(linesOf(4, "new"));
  });
});

describe("wake-ups", () => {
  it("works with the poll alone when fs.watch is off", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "");
    const rig = await start({}, false, false);
    appendFileSync(a, "p-1\n");
    await lines(rig, 1, "the polled line");
    expect(rig.lines).toEqual(["p-1"]);
  });

  it("reacts to fs.watch well before the next poll", async () => {
    const a = join(dir, "a.log");
    await writeFile(a, "");
    const rig = await start({ pollIntervalMs: 10_000, globIntervalMs: 10_000 });
    appendFileSync(a, "w-1\n");
    await lines(rig, 1, "the watched line", 2000);
  });

  it("uses next to no CPU while the files are idle", async () => {
    for (let i = 0; i < 20; i++) await writeFile(join(dir, `f${i}.log`), "x\n");
    const rig = await start({ pollIntervalMs: 50 });
    await lines(rig, 20, "all files read");
    const before = process.cpuUsage();
    await sleep(1000);
    const used = process.cpuUsage(before);
    // 20 polls/s over 20 files is 800 stat calls: a few ms of CPU. 150 ms would mean a busy loop.
    expect((used.user + used.system) / 1000).toBeLessThan(150);
  });
});

/** Descriptors this process holds on deleted files inside `dir` (Linux /proc). */
function openDeletedFiles(inDir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(inDir) && target.endsWith("(deleted)")) out.push(target);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return out;
}
