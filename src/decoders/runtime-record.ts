/**
 * What a format parser finds in one runtime record (one physical line of a container log): the
 * content it wraps, whether the runtime split a longer line there (`partial`), the stream and the
 * runtime's time. One scratch object per decoder, refilled for every record.
 */
export interface RuntimeRecord {
  /** 0 stdout, 1 stderr: partial records are joined per stream. */
  stream: number;
  /** The line goes on in the stream's next record (CRI `P`, docker `log` without its `\n`). */
  partial: boolean;
  /** The content `buf[start, end)`, valid only until the next record is parsed. */
  buf: Buffer;
  start: number;
  end: number;
  /** Epoch ms of the record. */
  timeMs: number;
}

export interface RecordParser {
  /**
   * Parses the record `buf[start, end)` into `out`; false when it is not one of this format. The
   * content is in `buf` itself, or in a buffer of the parser's own that it fills in order (docker).
   */
  parse(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean;
  /** The content of the records parsed so far is not referred to any more (the chunk is done). */
  release?(): void;
}

export function emptyRecord(): RuntimeRecord {
  return { stream: 0, partial: false, buf: Buffer.alloc(0), start: 0, end: 0, timeMs: 0 };
}
