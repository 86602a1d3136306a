/**
 * A real ByteSink for the source tests: splits on `\n`, holds a partial tail (copied, since the
 * pushed buffer is the source's reused read buffer), reports it as pendingBytes, and collects the
 * complete lines. A `LineCollector` hands out one LineSink per file identity, as the app does.
 */
import type { ByteSink } from "../../src/sources/types.js";

export class LineSink implements ByteSink {
  readonly lines: string[] = [];
  private tail: Buffer = Buffer.alloc(0);
  flushes = 0;

  constructor(
    readonly file: string,
    private readonly onLine: (line: string) => void = () => {},
  ) {}

  get pendingBytes(): number {
    return this.tail.length;
  }

  push(data: Buffer): void {
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      const line =
        this.tail.length > 0
          ? Buffer.concat([this.tail, data.subarray(start, nl)])
          : data.subarray(start, nl);
      this.tail = Buffer.alloc(0);
      this.emit(line.toString("utf8"));
      start = nl + 1;
    }
    if (start < data.length) this.tail = Buffer.concat([this.tail, data.subarray(start)]);
  }

  flush(): void {
    this.flushes++;
    if (this.tail.length === 0) return;
    const line = this.tail.toString("utf8");
    this.tail = Buffer.alloc(0);
    this.emit(line);
  }

  private emit(line: string): void {
    this.lines.push(line);
    this.onLine(line);
  }
}

/** Opens one LineSink per file identity and keeps every complete line in arrival order. */
export class LineCollector {
  readonly lines: string[] = [];
  readonly sinks: LineSink[] = [];

  readonly openSink = (_source: string, file: string): LineSink => {
    const sink = new LineSink(file, (line) => this.lines.push(line));
    this.sinks.push(sink);
    return sink;
  };

  /** The most recently opened sink for `file`. */
  sinkFor(file: string): LineSink | undefined {
    return this.sinks.findLast((s) => s.file === file);
  }

  get pendingBytes(): number {
    return this.sinks.reduce((n, s) => n + s.pendingBytes, 0);
  }
}
