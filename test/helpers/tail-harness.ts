/**
 * Shared set-up for the file-source tests: a temp directory, a LineCollector as the sinks, hooks
 * that record every event, and a manual clock for the tests that drive time themselves.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointStore } from "../../src/sources/checkpoints.js";
import { FileSource, type FileSourceDeps } from "../../src/sources/file-source.js";
import type { FileSourceOptions, SourceHooks, TimerHandle, Timers } from "../../src/sources/types.js";
import { LineCollector } from "./line-sink.js";

export async function tempDir(prefix = "tail-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface SourceEvents {
  bytes: number;
  rotations: string[];
  truncations: string[];
  opened: string[];
  closed: { file: string; reason: string }[];
  errors: { file: string; err: Error }[];
  watched: number;
}

function recordingHooks(collector: LineCollector): { hooks: SourceHooks; events: SourceEvents } {
  const events: SourceEvents = {
    bytes: 0,
    rotations: [],
    truncations: [],
    opened: [],
    closed: [],
    errors: [],
    watched: 0,
  };
  const hooks: SourceHooks = {
    openSink: collector.openSink,
    onBytes: (_s, n) => {
      events.bytes += n;
    },
    onRotation: (_s, f) => events.rotations.push(f),
    onTruncation: (_s, f) => events.truncations.push(f),
    onReadError: (_s, file, err) => events.errors.push({ file, err }),
    onFileOpened: (_s, f) => events.opened.push(f),
    onFileClosed: (_s, file, reason) => events.closed.push({ file, reason }),
    onFilesWatched: (n) => {
      events.watched = n;
    },
  };
  return { hooks, events };
}

export function sourceOptions(dir: string, over: Partial<FileSourceOptions> = {}): FileSourceOptions {
  return {
    name: "app",
    paths: [join(dir, "*.log")],
    exclude: [],
    startAt: "beginning",
    partialLineTimeoutMs: 60_000,
    pollIntervalMs: 20,
    globIntervalMs: 50,
    rotateWaitMs: 300,
    ...over,
  };
}

/** A running source over `dir` with its own collector, hooks and (optionally) checkpoint store. */
export class TailRig {
  readonly collector = new LineCollector();
  readonly events: SourceEvents;
  readonly source: FileSource;
  readonly hooks: SourceHooks;

  constructor(
    readonly options: FileSourceOptions,
    readonly store?: CheckpointStore,
    deps: Omit<FileSourceDeps, "checkpoints"> = {},
  ) {
    const { hooks, events } = recordingHooks(this.collector);
    this.hooks = hooks;
    this.events = events;
    this.source = new FileSource(options, hooks, { ...deps, checkpoints: store });
  }

  /** Loads a fresh CheckpointStore from `checkpointDir` (a new process would) and starts a rig on it. */
  static async start(
    options: FileSourceOptions,
    checkpointDir?: string,
    deps: Omit<FileSourceDeps, "checkpoints"> = {},
  ): Promise<TailRig> {
    let store: CheckpointStore | undefined;
    if (checkpointDir !== undefined) {
      store = new CheckpointStore(checkpointDir);
      await store.load();
    }
    const rig = new TailRig(options, store, deps);
    await rig.source.start();
    return rig;
  }

  get lines(): string[] {
    return this.collector.lines;
  }

  async stop(): Promise<void> {
    await this.source.stop();
  }
}

/** A clock that moves only when told; timers never fire on their own (tests call `source.sync()`). */
export class ManualTimers implements Timers {
  private t = 1_000_000;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  setTimeout(_fn: () => void, _ms: number): TimerHandle {
    return undefined;
  }
  clearTimeout(_handle: TimerHandle): void {}
}
