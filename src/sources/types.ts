/**
 * The contract between the sources and the rest of the exporter. A source moves bytes from files
 * (or stdin) into a per-file `ByteSink`; it knows nothing about lines or JSON. The record pipeline
 * that implements `ByteSink` turns the bytes into records.
 */

/**
 * Receives the bytes of one file in order; created once per file identity. When push returns
 * nothing, every complete record is processed; when it returns a promise (a long line goes on over
 * several turns of the event loop: docs/design.md §3), they are once it resolves, and the source
 * pushes nothing more (nor stores a checkpoint) before that.
 */
export interface ByteSink {
  /**
   * `data` is a view of the source's reused read buffer: it is valid only during this call. A sink
   * that keeps bytes past `push` (a partial line, a pending multi-line body) must copy them.
   * A sink must not throw; if it does, the chunk counts as consumed and the error is reported
   * through `onReadError` (re-reading it could count its records twice). A sink that returns a
   * promise has copied what it still needs.
   */
  push(data: Buffer): Promise<void> | void;
  /** End of input for now (rotation, close, partial-line idle timeout): treat a held partial last line as complete. */
  flush(): void;
  /**
   * The input ended for good (stdin's end, a released or truncated file): a held partial line is
   * complete and a multi-line body still open is truncated (counted as malformed). Sinks without
   * it get `flush`.
   */
  end?(): void;
  /**
   * Bytes received but not yet accounted for (a partial line, a pending multi-line body). A
   * checkpoint stores readOffset - pendingBytes so they are read again after a restart.
   */
  readonly pendingBytes: number;
}

export interface FileSourceOptions {
  /** The configured source name: the `source` label and the checkpoint namespace. */
  name: string;
  /** Globs (`*`, `?`, `**`, `[...]`); relative ones are resolved against the working directory. */
  paths: string[];
  /** Globs of paths to leave alone; a pattern without `/` is matched against the file name only. */
  exclude: string[];
  /** Where to start in files found at the first start (no checkpoint state for this source yet). */
  startAt: "beginning" | "end";
  /** A held partial last line is flushed as complete after this long without growth. */
  partialLineTimeoutMs: number;
  /** The safety-net stat poll of every followed file (fs.watch wakes the source sooner where it works). */
  pollIntervalMs: number;
  /** How often the globs are expanded again to find new files. */
  globIntervalMs: number;
  /**
   * How long a file that was renamed away or deleted stays open after its last growth, so that a
   * writer that has not reopened its log yet loses nothing. Default DEFAULT_ROTATE_WAIT_MS (core/limits.ts).
   */
  rotateWaitMs?: number;
}

/** The app wires these to metrics and the logger; they are called per read or per event, never per record. */
export interface SourceHooks {
  openSink(source: string, file: string): ByteSink;
  onBytes?(source: string, n: number): void;
  onRotation?(source: string, file: string): void;
  onTruncation?(source: string, file: string): void;
  onReadError?(source: string, file: string, err: Error): void;
  onFileOpened?(source: string, file: string): void;
  onFileClosed?(source: string, file: string, reason: CloseReason): void;
  /** Open files, total across the source. */
  onFilesWatched?(count: number): void;
}

export type TimerHandle = unknown;

/** Clock and timers, injected so tests can drive time; `realTimers` (timers.ts) is the default. */
export interface Timers {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Why a file stopped being followed: it was deleted, or rotated (renamed away), or the source
 * stopped (src/sources/file-decision.ts).
 */
export type CloseReason = "deleted" | "rotated" | "stopped";

/** Ends a sink's input for good: `end` where the sink has it, else `flush`. */
export function endSink(sink: ByteSink): void {
  if (sink.end) sink.end();
  else sink.flush();
}
