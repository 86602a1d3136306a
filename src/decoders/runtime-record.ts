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

/**
 * A runtime writes at most 16 KiB of a line per record, plus its prefix; json-file escapes it,
 * `<`, `>` and `&` as 6-byte `\u003c` among others (so up to 96 KiB): records are held whole up
 * to this before the splitter would stream them (and the joiner count them as oversized).
 */
export const MAX_RUNTIME_RECORD_BYTES = 128 * 1024;

/** Only blanks (space, tab, `\r`). */
export function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
