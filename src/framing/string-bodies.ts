import type { Frame } from "../core/records.js";
import type { StringExaminer, TextRecognizer } from "../parsers/body-parser.js";
import { ESCAPED, LT, NAME, scanMarkedString, stringMarks } from "../parsers/json-strings.js";
import { pythonBytes } from "../parsers/python-bytes.js";
import type { FrameSink } from "./frame-sink.js";

/** How deep strings inside strings are examined: docs/design.md §3 asks for at least two levels of escaping. */
export const MAX_STRING_DEPTH = 3;

/** The part of the framer that examines decoded text: a framer of its own, one level deeper. */
export interface TextFramer {
  frames: Frame[];
  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void;
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
 */
export class StringBodies implements StringExaminer {
  /** The physical line the strings being examined are on. */
  lineNo = 0;
  private framer: TextFramer | null = null;

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
    if (!this.mayHold(buf, q + 1, close, stringMarks.bits)) return -(close + 1);
    const found = this.examine(JSON.parse(buf.toString("utf8", q, close + 1)) as string);
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
    const literal = pythonBytes(buf, p, end);
    if (literal === null) return -1;
    const found = this.examine(literal.text);
    if (found.length === 0) return -1;
    out.decoded(found, buf, this.lineNo, start, p - 2);
    return literal.after;
  }

  examine(text: string): readonly Frame[] {
    this.framer ??= this.makeFramer();
    const framer = this.framer;
    const buf = Buffer.from(text, "utf8");
    let lineNo = 1;
    for (let s = 0; s <= buf.length; ) {
      let nl = buf.indexOf(0x0a, s);
      if (nl < 0) nl = buf.length;
      const e = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      framer.line(buf, s, e, lineNo++, nl - s + 1);
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
