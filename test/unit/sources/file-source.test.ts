/**
 * The file source's timing decisions with the clock in the test's hand: no fs.watch, no poll timer
 * firing on its own; each pass is `source.sync()` after `timers.advance()`. Real files.
 */
import { appendFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SourceHooks } from "../../../src/sources/types.js";
import { ManualTimers, sourceOptions, TailRig, tempDir } from "../../helpers/tail-harness.js";

let dir: string;
let cleanup: () => Promise<void>;
let timers: ManualTimers;
const rigs: TailRig[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("tail-unit-"));
  timers = new ManualTimers();
});
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
  await cleanup();
});

async function start(over: Parameters<typeof sourceOptions>[1] = {}): Promise<TailRig> {
  const rig = new TailRig(
    sourceOptions(dir, { rotateWaitMs: 1000, partialLineTimeoutMs: 500, ...over }),
    undefined,
    {
      timers,
      watch: false,
    },
  );
  rigs.push(rig);
  await rig.source.start();
  return rig;
}

describe("partial-line idle timeout", () => {
  it("flushes after partialLineTimeoutMs without growth, and not a moment before", async () => {
    const a = join(dir, "a.log");
    writeFileSync(a, "one\ntw");
    const rig = await start();
    expect(rig.lines).toEqual(["one"]);
    timers.advance(499);
    await rig.source.sync();
    expect(rig.lines).toEqual(["one"]);
    appendFileSync(a, "o"); // growth restarts the wait
    await rig.source.sync();
    timers.advance(499);
    await rig.source.sync();
    expect(rig.collector.pendingBytes).toBe(3);
    timers.advance(1);
    await rig.source.sync();
    expect(rig.lines).toEqual(["one", "two"]);
    expect(rig.collector.pendingBytes).toBe(0);
  });
});

describe("rotate wait", () => {
  it("keeps a renamed file open while it grows, then flushes and releases it", async () => {
    const a = join(dir, "a.log");
    writeFileSync(a, "x-1\n");
    const rig = await start();
    renameSync(a, `${a}.1`);
    writeFileSync(a, "");
    await rig.source.sync();
    expect(rig.events.rotations).toEqual([a]);
    timers.advance(900);
    appendFileSync(`${a}.1`, "x-2\nx-pa");
    await rig.source.sync();
    expect(rig.lines).toEqual(["x-1", "x-2"]);
    timers.advance(999); // quiet since the last growth, but not long enough
    await rig.source.sync();
    expect(rig.events.closed).toEqual([]);
    timers.advance(1);
    await rig.source.sync();
    expect(rig.events.closed).toEqual([{ file: a, reason: "rotated" }]);
    expect(rig.lines).toEqual(["x-1", "x-2", "x-pa"]);
    expect(rig.events.watched).toBe(1);
  });
});

describe("hooks", () => {
  it("reports bytes once per pass, not per record", async () => {
    const a = join(dir, "a.log");
    writeFileSync(a, "");
    const calls: number[] = [];
    const rig = await start();
    (rig.hooks as SourceHooks).onBytes = (_s, n) => calls.push(n);
    appendFileSync(a, "l\n".repeat(1000));
    await rig.source.sync();
    expect(calls).toEqual([2000]);
  });

  it("reports a sink that throws as a read error and does not give it the bytes again", async () => {
    const a = join(dir, "a.log");
    writeFileSync(a, "");
    const rig = await start();
    const sink = rig.collector.sinks[0];
    if (sink === undefined) throw new Error("no sink");
    const push = sink.push.bind(sink);
    let fail = true;
    sink.push = (data: Buffer) => {
      if (fail) {
        fail = false;
        throw new Error("sink bug");
      }
      push(data);
    };
    appendFileSync(a, "lost\n");
    await rig.source.sync();
    appendFileSync(a, "kept\n");
    await rig.source.sync();
    expect(rig.events.errors.map((e) => e.err.message)).toEqual(["sink bug"]);
    expect(rig.lines).toEqual(["kept"]);
  });

  it("survives a hook that throws: the error is reported and following goes on", async () => {
    const a = join(dir, "a.log");
    writeFileSync(a, "r-1\n");
    const rig = await start();
    const hooks = rig.hooks as SourceHooks;
    hooks.onRotation = () => {
      throw new Error("hook bug");
    };
    renameSync(a, `${a}.1`);
    writeFileSync(a, "r-2\n");
    await rig.source.sync();
    await rig.source.sync();
    expect(rig.events.errors.map((e) => e.err.message)).toEqual(["hook bug"]);
    expect(rig.lines).toEqual(["r-1", "r-2"]);
  });

  it("counts open files across the source", async () => {
    writeFileSync(join(dir, "a.log"), "");
    writeFileSync(join(dir, "b.log"), "");
    const rig = await start();
    expect(rig.events.watched).toBe(2);
    expect(rig.events.opened.sort()).toEqual([join(dir, "a.log"), join(dir, "b.log")]);
    await rig.stop();
    expect(rig.events.watched).toBe(0);
    expect(rig.events.closed.map((c) => c.reason)).toEqual(["stopped", "stopped"]);
  });
});

describe("errors", () => {
  it("reports a path it cannot stat once, not at every poll, and goes on with the others", async () => {
    symlinkSync(join(dir, "loop.log"), join(dir, "loop.log")); // stat: ELOOP
    writeFileSync(join(dir, "ok.log"), "fine\n");
    const rig = await start();
    for (let i = 0; i < 3; i++) {
      timers.advance(100);
      await rig.source.sync();
    }
    expect(rig.events.errors.map((e) => [e.file, (e.err as NodeJS.ErrnoException).code])).toEqual([
      [join(dir, "loop.log"), "ELOOP"],
    ]);
    expect(rig.lines).toEqual(["fine"]);
  });
});
