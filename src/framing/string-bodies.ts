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
import { PAUSE, type Stop, type TurnBudget } from "./turn-budget.js";

/** How deep strings inside strings are examined: docs/design.md §3 asks for at least two levels of escaping. */
export const MAX_STRING_DEPTH = 3;

/** Decoded strings up to this size reuse one buffer; a longer one gets its own (not kept). */
const SCRATCH_BYTES = 64 * 1024;

/** The part of the framer that examines decoded text: a framer of its own, one level deeper. */
export interface TextFramer {
  frames: Frame[];
  /**
   * `last`: no line follows (a body still open at its end ends with it). `from`: the text's line
   * stopped there in an earlier turn (turn-budget.ts) and goes on from it.
   */
  line(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    size: number,
    last: boolean,
    from?: Stop,
  ): void;
  finish(): void;
  /** Where the line it was examining stopped (after it threw PAUSE). */
  readonly stop: Stop | null;
}

/** A string's text that stopped in an earlier turn: which string, and where in it. */
interface StoppedText {
  /** The string's raw start, from the candidate that holds it, and its raw length. */
  readonly key: number;
  readonly length: number;
  /** The line of its text that stopped, and where. */
  readonly lineNo: number;
  readonly stop: Stop;
  /** Its decoded text (null: examined where it stands), and whether that may hold more than one line. */
  readonly text: Buffer | null;
  readonly lines: boolean;
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
  /**
   * While an open body's lines are scanned in one piece (BodyFramer.takeLines): that piece, and
   * where in it line `lineNo` starts; a string's line is counted on from there.
   */
  private span: Buffer | null = null;
  /** Where the line `lineNo` of the span starts, and the next line break from there (-2: not looked for yet; -1: none). */
  private spanFrom = 0;
  private spanBreak = -2;
  private spanEnd = 0;
  private framer: TextFramer | null = null;
  private scratch: Buffer = Buffer.alloc(0);
  /**
   * The input's strings only, while a line may stop (turn-budget.ts): the candidate being parsed
   * (`anchor`), the responses of its strings already examined (by raw start from the candidate),
   * and the string whose text stopped. When the line goes on, the candidate is parsed again: its
   * strings are not examined again, and the one that stopped goes on where it was.
   */
  private anchorAt = -1;
  private readonly done = new Map<number, readonly Frame[]>();
  private stopped: StoppedText | null = null;

  constructor(
    private readonly makeFramer: () => TextFramer,
    private readonly text: TextRecognizer | null,
    private readonly budget: TurnBudget | null = null,
  ) {}

  /** The input's examiner is at candidate `pos` of its line (one that may stop): see `done`. */
  anchor(pos: number): void {
    if (pos !== this.anchorAt) this.forget();
    this.anchorAt = pos;
  }

  /** A new line: nothing examined on it yet. */
  forget(): void {
    this.anchorAt = -1;
    if (this.done.size > 0) this.done.clear();
    this.stopped = null;
  }

  /** The line that stopped was copied to go on later: its positions move by `shift`. */
  moved(shift: number): void {
    if (this.anchorAt >= 0) this.anchorAt += shift;
  }

  /**
   * Lines of `buf[from, end)` are scanned in one piece; line `lineNo` starts at `from`. What the
   * SDK recognizer kept of a line is stale: `buf` may be a read buffer used again.
   */
  spanLines(buf: Buffer, from: number, end: number, lineNo: number): void {
    this.span = buf;
    this.spanFrom = from;
    // Looked for when a string is examined (most spans have none that names a request id).
    this.spanBreak = -2;
    this.spanEnd = end;
    this.lineNo = lineNo;
    this.text?.newLine();
  }

  endSpan(): void {
    this.span = null;
  }

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
    const found = this.examineText(text, 0, literal.length, true, p, literal.after - p);
    if (found.length === 0) return -1;
    out.decoded(found, buf, this.lineNo, start, p - 2);
    return literal.after;
  }

  /** The responses in the string whose content is `buf[start, end)` (`marks`: what it holds). */
  examine(buf: Buffer, start: number, end: number, marks: number): readonly Frame[] {
    if (buf === this.span) this.lineTo(buf, start);
    // Without escapes, the text is one line (raw JSON string bytes hold no newline).
    if ((marks & ESCAPED) === 0) return this.examineText(buf, start, end, false, start, end - start);
    const kept = this.keptText(start, end - start);
    let text: Buffer;
    let length: number;
    let lines: boolean;
    if (kept !== null) {
      ({ text, lines } = kept);
      length = text.length;
    } else {
      text = this.bufferFor(end - start);
      length = decodeJsonString(buf, start, end, text);
      lines = decodedText.newline;
    }
    try {
      return this.examineText(text, 0, length, lines, start, end - start);
    } catch (e) {
      // It goes on in the next turn from this decoded text, the same buffer each turn (what the
      // recognizer kept of it holds), copied out of the reused one.
      const s = this.stopped;
      if (e === PAUSE && s !== null) {
        const own =
          kept !== null || text !== this.scratch
            ? text.subarray(0, length)
            : Buffer.from(text.subarray(0, length));
        this.stopped = { ...s, text: kept !== null ? text : own, lines };
      }
      throw e;
    }
  }

  /**
   * `lineNo` becomes the line of `pos`, counted on in the span (strings come in order): each line
   * break is looked for once.
   */
  private lineTo(buf: Buffer, pos: number): void {
    let nl = this.spanBreak === -2 ? buf.indexOf(0x0a, this.spanFrom) : this.spanBreak;
    let lineNo = this.lineNo;
    while (nl >= 0 && nl < pos && nl < this.spanEnd) {
      lineNo++;
      nl = buf.indexOf(0x0a, nl + 1);
    }
    this.spanBreak = nl;
    this.lineNo = lineNo;
  }

  /** The decoded text of the string that stopped, when it is this one (it is not decoded again). */
  private keptText(rawAt: number, rawLength: number): { text: Buffer; lines: boolean } | null {
    const s = this.stopped;
    if (s === null || s.text === null || s.key !== rawAt - this.anchorAt || s.length !== rawLength)
      return null;
    return { text: s.text, lines: s.lines };
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
   * it may hold more than one). `rawAt`, `rawLength`: the raw string in the line, which names it
   * when its examination stops and goes on (turn-budget.ts).
   */
  private examineText(
    buf: Buffer,
    start: number,
    end: number,
    lines: boolean,
    rawAt: number,
    rawLength: number,
  ): readonly Frame[] {
    const armed = this.budget?.armed === true && this.anchorAt >= 0;
    const key = rawAt - this.anchorAt;
    if (armed) {
      const known = this.done.get(key);
      if (known !== undefined) return known;
    }
    this.framer ??= this.makeFramer();
    const framer = this.framer;
    const stopped = this.stopped;
    // The text that stopped goes on: its lines before the one that stopped are done (their
    // responses wait in the framer), and that one goes on from where it stopped.
    const resumed = armed && stopped?.key === key && stopped.length === rawLength ? stopped : null;
    this.stopped = null;
    let lineNo = 1;
    let s = start;
    try {
      for (; s <= end; lineNo++) {
        let nl = lines ? s : end;
        while (nl < end && buf[nl] !== 0x0a) nl++;
        if (resumed === null || lineNo >= resumed.lineNo) {
          const e = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
          const goOn = resumed !== null && lineNo === resumed.lineNo;
          framer.line(buf, s, e, lineNo, nl - s + 1, nl === end, goOn ? resumed.stop : undefined);
        }
        s = nl + 1;
      }
    } catch (e) {
      if (e === PAUSE)
        this.stopped = { key, length: rawLength, lineNo, stop: framer.stop as Stop, text: null, lines };
      throw e;
    }
    framer.finish();
    const found = framer.frames;
    framer.frames = [];
    const at = this.lineNo;
    const frames = found.length === 0 ? NONE : found.map((f) => ({ ...f, lineStart: at, lineEnd: at }));
    if (armed) this.done.set(key, frames);
    return frames;
  }
}

const NONE: readonly Frame[] = [];
