/**
 * A one-line progress bar on stderr for `analyze` on a terminal. Redrawn at most every 100 ms, so
 * its cost does not depend on the input; nothing at all when stderr is not a TTY.
 */
export class ProgressBar {
  private last = 0;
  private done = 0;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number,
  ) {}

  static forStderr(total: number): ProgressBar | null {
    // total first: `process.stderr` builds a stream, start-up time wasted on an empty input.
    return total > 0 && process.stderr.isTTY ? new ProgressBar(process.stderr, total) : null;
  }

  advance(bytes: number): void {
    this.done += bytes;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const ratio = Math.min(1, this.done / this.total);
    const width = 30;
    const filled = Math.round(ratio * width);
    const mib = this.done / 1048576;
    const rate = mib / Math.max(0.001, (now - this.started) / 1000);
    this.out.write(
      `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${mib.toFixed(1)} MiB ${rate.toFixed(0)} MiB/s`,
    );
  }

  finish(): void {
    this.out.write("\r\x1b[2K");
  }
}
