/**
 * Bytes in chunks of any size → physical lines. A line ends at `\n`; a `\r` before it belongs to the
 * terminator; a UTF-8 BOM at the very start is dropped. The unfinished last line is held until its
 * newline arrives or `flush()` says the input paused or ended. A line that grows past
 * `streamThresholdBytes` is not held: its bytes are passed on as they come (`longStart`, `longData`,
 * `longEnd`), and past `maxRecordBytes` the rest of it is skipped without being kept.
 */
export interface LineHandler {
  /**
   * A complete line `buf[start, end)` without its terminator; `size` counts the terminator too.
   * `buf` is only valid during the call.
   */
  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void;
  /** A line too long to hold begins; more of it follows through longData. */
  longStart(buf: Buffer, start: number, end: number, lineNo: number): void;
  longData(buf: Buffer, start: number, end: number): void;
  /** The long line ended (`oversized`: it passed maxRecordBytes and its rest was skipped); `size` in bytes. */
  longEnd(oversized: boolean, size: number): void;
  /**
   * The lines of one `push` (or `flush`) were all given: `buf`s given since then may be reused (a
   * runtime-log decoder hands on the lines it decoded from the chunk here).
   */
  chunkEnd?(): void;
  /** A line may be held up to this many bytes, if more than the splitter's threshold (an open multi-line body). */
  holdLimitBytes?(): number;
  /**
   * Set while the handler takes whole lines at once (`takeLines`; an open JSON body, body-framer.ts):
   * the splitter asks after each line.
   */
  readonly takesLines?: boolean;
  /**
   * Complete lines `data[pos, end)`, each with its `\n`, the first numbered `lineNo`, that fit in
   * `holdLimitBytes` together (so none of them is a long line). Returns the position after the
   * last one it took (it may stop early); `linesTaken` says how many.
   */
  takeLines?(data: Buffer, pos: number, end: number, lineNo: number): number;
  readonly linesTaken?: number;
}

export interface SplitterOptions {
  maxRecordBytes: number;
  streamThresholdBytes: number;
  /** Drop a UTF-8 BOM at the start (false when the input starts in the middle of a file). */
  atFileStart?: boolean;
}

const BOM = [0xef, 0xbb, 0xbf];

export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes of the current long line seen so far (0 when not in a long line). */
  private longBytes = 0;
  private skipping = false;
  private lineNo = 1;
  /** Bytes seen at the start of the input while a BOM is still possible. */
  private head: number[] | null = [];

  constructor(
    private readonly handler: LineHandler,
    private readonly options: SplitterOptions,
  ) {
    if (options.atFileStart === false) this.head = null;
  }

  /** Bytes of the unfinished line (held or streamed), which a checkpoint must not skip. */
  get pendingBytes(): number {
    return (this.longBytes > 0 ? this.longBytes : this.heldBytes) + (this.head?.length ?? 0);
  }

  /** Lines longer than this stream by instead of being held. */
  private threshold(): number {
    const hold = this.handler.holdLimitBytes?.() ?? 0;
    return Math.min(Math.max(this.options.streamThresholdBytes, hold), this.options.maxRecordBytes);
  }

  push(data: Buffer): void {
    if (this.head !== null) {
      data = this.stripBom(data);
      if (data.length === 0) return;
    }
    let pos = 0;
    const n = data.length;
    /** The chunk's last line break, found once for `take` (-2: not looked for yet). */
    let lastBreak = -2;
    while (pos < n) {
      const nl = data.indexOf(10, pos);
      if (nl < 0) {
        this.partial(data, pos, n);
        break;
      }
      this.complete(data, pos, nl);
      pos = nl + 1;
      if (this.handler.takesLines === true) {
        if (lastBreak === -2) lastBreak = data.lastIndexOf(10);
        pos = this.take(data, pos, lastBreak);
      }
    }
    this.handler.chunkEnd?.();
  }

  /**
   * The complete lines from `pos` on (the chunk's last line break is at `lastBreak`), handed on at
   * once when they all fit where the handler holds lines. When they do not (a body near its
   * multi-line limit, or a chunk larger than the limit), the lines go one by one: looking for the
   * last line break that fits would search back again after every line.
   */
  private take(data: Buffer, pos: number, lastBreak: number): number {
    const handler = this.handler;
    const room = Math.min(handler.holdLimitBytes?.() ?? 0, this.options.maxRecordBytes);
    if (lastBreak < pos || lastBreak >= pos + room) return pos;
    const after = handler.takeLines?.(data, pos, lastBreak + 1, this.lineNo) ?? pos;
    this.lineNo += handler.linesTaken ?? 0;
    return after;
  }

  /** The input paused (idle timeout, rotation) or ended: a held partial line counts as complete. */
  flush(): void {
    if (this.head !== null && this.head.length > 0) {
      const head = Buffer.from(this.head);
      this.head = null;
      this.push(head);
    }
    if (this.longBytes > 0) this.endLong(0);
    else if (this.heldBytes > 0) {
      const line = Buffer.concat(this.held, this.heldBytes);
      this.held = [];
      this.heldBytes = 0;
      this.emit(line, 0, line.length, line.length);
    }
    this.handler.chunkEnd?.();
  }

  private stripBom(data: Buffer): Buffer {
    const head = this.head as number[];
    let i = 0;
    while (i < data.length && head.length < 3) {
      head.push(data[i] as number);
      i++;
      if (head[head.length - 1] !== BOM[head.length - 1]) {
        // Not a BOM: give the bytes back.
        this.head = null;
        return Buffer.concat([Buffer.from(head), data.subarray(i)]);
      }
    }
    if (head.length === 3) this.head = null;
    return data.subarray(i);
  }

  /** `data[start, end)` ends the current line (`end` is the newline's position). */
  private complete(data: Buffer, start: number, end: number): void {
    if (this.heldBytes > 0 && this.heldBytes + (end - start) > this.threshold()) {
      this.startLong();
    }
    if (this.longBytes > 0) {
      this.longBytes += end - start;
      if (this.longBytes > this.options.maxRecordBytes) this.skipping = true;
      if (!this.skipping) {
        const e = end > start && data[end - 1] === 0x0d ? end - 1 : end;
        this.handler.longData(data, start, e);
      }
      this.endLong();
      return;
    }
    if (this.heldBytes > 0) {
      this.held.push(data.subarray(start, end));
      const line = Buffer.concat(this.held, this.heldBytes + (end - start));
      this.held = [];
      this.heldBytes = 0;
      this.emit(line, 0, line.length, line.length + 1);
      return;
    }
    if (end - start > this.threshold()) {
      // A whole long line in one chunk: passed on in place, never copied.
      this.longBytes = end - start;
      this.skipping = this.longBytes > this.options.maxRecordBytes;
      const e = data[end - 1] === 0x0d ? end - 1 : end;
      this.handler.longStart(data, start, this.skipping ? start : e, this.lineNo);
      this.endLong();
      return;
    }
    this.emit(data, start, end, end - start + 1);
  }

  private endLong(terminator = 1): void {
    this.handler.longEnd(this.skipping, this.longBytes + terminator);
    this.longBytes = 0;
    this.skipping = false;
    this.lineNo++;
  }

  private emit(buf: Buffer, start: number, end: number, size: number): void {
    if (end > start && buf[end - 1] === 0x0d) end--;
    this.handler.line(buf, start, end, this.lineNo++, size);
  }

  /** `data[start, end)` is more of an unfinished line. */
  private partial(data: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.longBytes > 0) {
      this.longBytes += end - start;
      if (this.skipping) return;
      if (this.longBytes > this.options.maxRecordBytes) {
        this.skipping = true;
        return;
      }
      this.handler.longData(data, start, end);
      return;
    }
    // Held bytes are copied: the reader may reuse its buffer.
    this.held.push(Buffer.from(data.subarray(start, end)));
    this.heldBytes += end - start;
    if (this.heldBytes > this.threshold()) this.startLong();
  }

  /** The held bytes become the start of a long line. */
  private startLong(): void {
    const first = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.longBytes = this.heldBytes;
    this.heldBytes = 0;
    if (this.longBytes > this.options.maxRecordBytes) {
      this.skipping = true;
      this.handler.longStart(first, 0, 0, this.lineNo);
      return;
    }
    this.handler.longStart(first, 0, first.length, this.lineNo);
  }
}
