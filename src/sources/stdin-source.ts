/**
 * A source over any Readable (process.stdin by default): every chunk goes into one sink, in order,
 * and the sink is flushed at the end of input (or at stop: a pipe cannot be read again, so a held
 * partial line is complete). Backpressure comes from the async iterator: the next chunk is pulled
 * only after the sink has processed the previous one.
 */
import type { Readable } from "node:stream";
import { type ByteSink, endSink, type SourceHooks } from "./types.js";

export type StdinHooks = Pick<SourceHooks, "openSink" | "onBytes" | "onReadError">;

export class StdinSource {
  /** Resolves when the input has ended (or failed, or the source was stopped) and the sink is flushed. */
  readonly done: Promise<void>;
  private finish!: () => void;
  private started = false;
  private stopped = false;
  private sink: ByteSink | undefined;

  constructor(
    readonly name: string,
    private readonly input: Readable,
    private readonly hooks: StdinHooks,
    /** The `file` passed to openSink and the hooks. */
    private readonly file: string = "-",
  ) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** Starts reading; resolves at once (reading goes on in the background until `done`). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.sink = this.hooks.openSink(this.name, this.file);
    void this.pump(this.sink);
  }

  /** Stops reading and flushes what the sink holds; resolves when the source is done. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopped = true;
    this.input.destroy();
    await this.done;
  }

  private async pump(sink: ByteSink): Promise<void> {
    try {
      for await (const chunk of this.input) {
        const data = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
        try {
          const going = sink.push(data);
          if (going) await going;
        } catch (err) {
          this.hooks.onReadError?.(this.name, this.file, err as Error);
        }
        this.hooks.onBytes?.(this.name, data.length);
        if (this.stopped) break;
      }
    } catch (err) {
      // Destroying the stream at stop ends the iteration with a premature-close error: not a read error.
      if (!this.stopped) this.hooks.onReadError?.(this.name, this.file, err as Error);
    } finally {
      try {
        endSink(sink);
      } catch (err) {
        this.hooks.onReadError?.(this.name, this.file, err as Error);
      }
      this.finish();
    }
  }
}
