import type { Frame } from "../core/records.js";
import type { StringExaminer, TextRecognizer } from "../parsers/body-parser.js";
import {
  decodedText,
  decodeJsonString,
  ESCAPED,
  LT,
  NAME,
  scanMarkedString,
  stringMarks,
} from "../parsers/json-strings.js";
import { pythonBytes } from "../parsers/python-bytes.js";
import type { FrameSink } from "./frame-sink.js";

/** How deep strings inside strings are examined: docs/design.md §3 asks for at least two levels of escaping. */
export const MAX_STRING_DEPTH = 3;

/** Decoded strings up to this size reuse one buffer; a longer one gets its own (not kept). */
const SCRATCH_BYTES = 64 * 1024;

/** The part of the framer that examines decoded text: a framer of its own, one level deeper. */
export interface TextFramer {
  frames: Frame[];
  /** `last`: no line follows (a body still open at its end ends with it). */
  line(buf: Buffer, start: number, end: number, lineNo: number, size: number, last: boolean): void;
  finish(): void;
}

/**
 * Bodies inside string values (docs/design.md §3): a JSON string — a member of a structured line, or quoted
 * in free text — whose raw bytes may hold a body (a request-id name, and a `\` escape or a `<`) or
 * an SDK error string (a request-id name, and the recognizer's prefilter matching the string) is
 * decoded, and its text is examined like a line of its own by a framer one level deeper. Its
 * responses keep the physical line of the string.
 *
 * Cost: what a string's bytes hold is seen while the string is scanned (json-strings.ts), so a
 * plain NDJSON or XML line costs nothing more; only strings that name a request id are looked at.
 * A string without escapes is examined where it stands; an escaped one is decoded into a buffer
 * reused from string to string (one per depth), not copied to a JS string and back.
 */
export class StringBodies implements StringExaminer {
  /** The physical line the strings being examined are on. */
  lineNo = 0;
  private framer: TextFramer | null = null;
  private scratch: Buffer = Buffer.alloc(0);

  constructor(
    private readonly makeFramer: () => TextFramer,
    private readonly text: TextRecognizer | null,
  ) {}

  mayHold(buf: Buffer, start: number, end: number, marks: number): boolean {
    if (end - start < 12 || (marks & NAME) === 0) return false;
    if (marks & (ESCAPED | LT)) return true;
    return this.text !== null && this.text.find(buf, start, end, end) >= 0;
  }

  /**
   * A quoted string in free text at `q`: when it may hold a response, its decoded text is examined
   * and its responses go to `out` (with the line's text before the quote in their prefix). Returns
   * the position after it when it held one, else minus the position to look for quotes from.
   */
  quoted(buf: Buffer, start: number, q: number, end: number, out: FrameSink): number {
    const close = scanMarkedString(buf, q + 1, q + 1, end);
    if (close < 0) return -end;
    const marks = stringMarks.bits;
    if (!this.mayHold(buf, q + 1, close, marks)) return -(close + 1);
    const found = this.examine(buf, q + 1, close, marks);
    if (found.length === 0) return -(close + 1);
    out.decoded(found, buf, this.lineNo, start, q);
    return close + 1;
  }

  /**
   * A body candidate at `p` failed; when it is right after `b'`: the Python bytes literal it starts (README
   * "What counts as a response", `Response-body: b'{…}'` with `\xNN`, `\'`, `\\` escapes) is
   * decoded and examined. Returns the position after the literal when it held a response, else -1.
   */
  pythonBytes(buf: Buffer, start: number, p: number, end: number, out: FrameSink): number {
    if (p - start < 2 || buf[p - 1] !== 0x27 || buf[p - 2] !== 0x62) return -1;
    const text = this.bufferFor(end - p);
    const literal = pythonBytes(buf, p, end, text);
    if (literal === null) return -1;
    const found = this.examineText(text, 0, literal.length, true);
    if (found.length === 0) return -1;
    out.decoded(found, buf, this.lineNo, start, p - 2);
    return literal.after;
  }

  /** The responses in the string whose content is `buf[start, end)` (`marks`: what it holds). */
  examine(buf: Buffer, start: number, end: number, marks: number): readonly Frame[] {
    // Without escapes, the text is one line (raw JSON string bytes hold no newline).
    if ((marks & ESCAPED) === 0) return this.examineText(buf, start, end, false);
    const text = this.bufferFor(end - start);
    const length = decodeJsonString(buf, start, end, text);
    return this.examineText(text, 0, length, decodedText.newline);
  }

  /** A buffer of at least `bytes` for decoded text, valid until the next call. */
  private bufferFor(bytes: number): Buffer {
    if (bytes > SCRATCH_BYTES) return Buffer.allocUnsafe(bytes);
    // Grown as strings need (a pipeline per followed file: most never decode a long one).
    if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(Math.min(SCRATCH_BYTES, 2 * bytes));
    return this.scratch;
  }

  /**
   * Decoded text `buf[start, end)`, its lines examined by the framer one level deeper (`lines`:
   * it may hold more than one).
   */
  private examineText(buf: Buffer, start: number, end: number, lines: boolean): readonly Frame[] {
    this.framer ??= this.makeFramer();
    const framer = this.framer;
    let lineNo = 1;
    for (let s = start; s <= end; ) {
      let nl = lines ? s : end;
      while (nl < end && buf[nl] !== 0x0a) nl++;
      const e = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      framer.line(buf, s, e, lineNo++, nl - s + 1, nl === end);
      s = nl + 1;
    }
    framer.finish();
    const found = framer.frames;
    if (found.length === 0) return NONE;
    framer.frames = [];
    const at = this.lineNo;
    return found.map((f) => ({ ...f, lineStart: at, lineEnd: at }));
  }
}

const NONE: readonly Frame[] = [];
