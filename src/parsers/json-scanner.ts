import type { Frame, Parsed } from "../core/records.js";
import { type BodyParser, failedAt, MORE, type Outcome, type StringExaminer } from "./body-parser.js";
import { ARRAY, FactsBuilder, OBJECT } from "./facts.js";
import { classifyBytes, classifyName, FieldClass } from "./field-names.js";
import {
  ESCAPED,
  NAME,
  PLAIN_STRING_BYTE,
  scanEscapedString,
  scanMarkedString,
  stringMarks,
  UNMARKED_STRING_BYTE,
} from "./json-strings.js";

// States between tokens. Plain constants, not an enum: they are compared in the innermost loop.
const VALUE = 0;
const FIRST_KEY_OR_END = 1;
const KEY = 2;
const COLON = 3;
const AFTER_VALUE = 4;
const FIRST_VALUE_OR_END = 5;

/**
 * A validating JSON scanner over bytes that accepts exactly what JSON.parse accepts (for one object)
 * and reports the response facts without building the value tree. It is resumable at line ends, so
 * a pretty-printed body is scanned once however many lines it spans.
 *
 * Why not JSON.parse per line: it builds every object of the body, and most bodies are successes
 * whose only needed fact is the request id (test/bench/evidence.md: JSON.parse per line 214 MiB/s).
 * The hot path is one loop with the state in locals and strings skipped by a table lookup per byte;
 * escapes, numbers and literals take slower helpers. The differential test in
 * test/unit/parsers/json-scanner.test.ts holds it to JSON.parse's answers.
 */
export class JsonScanner implements BodyParser {
  readonly format = "json";
  readonly facts = new FactsBuilder("json");
  /** Whether a body is open (begun, not yet done or failed). */
  private open = false;
  /** The end of the last line fed: where a body cut by the end of input fails. */
  private lastEnd = 0;
  private state = VALUE;
  private depth = 0;
  private pendingClass = FieldClass.None;
  private pendingName = "";
  /**
   * Two numbers per open container: the index of the line it began on (0: the begin line; -1 for
   * an array, which is no candidate) and its position. Grown by doubling.
   */
  private opened: Float64Array = new Float64Array(128);
  private lineIndex = 0;
  /** By field class: the name string its key had last (nameOf). */
  private readonly lastNames: (string | undefined)[] = [];
  /**
   * The open containers (after the first) when the body failed: a view of `opened`, no copy.
   * Doubles, not int32: a held line may pass 2 GiB.
   */
  private failedOpen: Float64Array = this.opened.subarray(0, 0);
  /** Bytes skipped in a string value without a look: all but `<` and `q` when strings are examined. */
  private readonly valueBytes: Uint8Array;
  /**
   * Of the last `feed`, when it was given many lines at once (BodyFramer.takeLines): the line breaks
   * it passed, and how many of the lines they ended were blank (white space only). Exact for a body
   * that ended there (a scan that goes on may have looked past `end` at white space).
   */
  lineBreaks = 0;
  blankLines = 0;
  /** Where the line after the last line break begins. */
  private lineFrom = 0;

  /**
   * `examiner` examines the decoded text of string values that may hold a response (docs/design.md §3,
   * bodies inside strings): those whose raw bytes, seen in the scan's own pass, hold a request-id name.
   */
  constructor(private readonly examiner: StringExaminer | null = null) {
    this.valueBytes = examiner === null ? PLAIN_STRING_BYTE : UNMARKED_STRING_BYTE;
  }

  /** Starts a body at the `{` at `pos`, then scans on to `end` (the line's end). */
  begin(buf: Buffer, pos: number, end: number): Outcome {
    this.open = true;
    this.facts.reset();
    this.facts.kinds[0] = OBJECT;
    this.lineIndex = 0;
    this.depth = 1;
    this.pendingClass = FieldClass.None;
    this.state = FIRST_KEY_OR_END;
    return this.scan(buf, pos + 1, end);
  }

  result(): Parsed | null {
    return this.facts.result();
  }

  strings(): readonly Frame[] {
    return this.facts.innerResults();
  }

  openStarts(): ArrayLike<number> {
    return this.failedOpen;
  }

  finish(): Outcome {
    if (!this.open) return MORE;
    return this.fail(this.lastEnd, this.depth);
  }

  feed(buf: Buffer, start: number, end: number): Outcome {
    // A blank line (fed empty): nothing to scan. Not even the white space after it, which the scan's
    // white-space loop would pass over to the next token, over every blank line after this one.
    if (end <= start) return MORE;
    this.lineIndex++;
    this.lineBreaks = 0;
    this.blankLines = 0;
    this.lineFrom = start;
    return this.scan(buf, start, end);
  }

  /** Scans `buf[pos, end)`, one line (without its terminator) or the rest of one. */
  private scan(buf: Buffer, pos: number, end: number): Outcome {
    this.lastEnd = end;
    let opened: Float64Array = this.opened;
    const facts = this.facts;
    // The open containers' kinds, with the marks the facts builder sets (facts.ts): a container's
    // close reaches the builder only when it is marked.
    const kinds = facts.kinds;
    const examiner = this.examiner;
    const valueBytes = this.valueBytes;
    let state = this.state;
    let depth = this.depth;
    for (;;) {
      let c = buf[pos] as number;
      // One look for the common case: a token starts right here (every one is above a space).
      if (c <= 0x20) {
        const blanksFrom = pos;
        while (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
          if (c === 0x0a) this.lineBreak(blanksFrom, pos);
          c = buf[++pos] as number;
        }
      }
      if (pos >= end) break;
      if (state === KEY || state === FIRST_KEY_OR_END) {
        if (c === 0x22) {
          // A key: skip to its closing quote, classify it, and take the colon right after it.
          const start = pos + 1;
          let q = start;
          while (PLAIN_STRING_BYTE[buf[q] as number] === 1) q++;
          let escaped = false;
          if (buf[q] !== 0x22 || q >= end) {
            q = scanEscapedString(buf, start, end);
            if (q < 0) return this.fail(-q - 1, depth);
            escaped = true;
          }
          if (escaped) this.escapedKey(buf, start, q);
          else {
            const cls = classifyBytes(buf, start, q);
            if (cls !== FieldClass.None) {
              this.pendingClass = cls;
              // Logger members are only counted (FactsBuilder): no name string for them.
              this.pendingName = cls === FieldClass.Envelope ? "" : this.nameOf(cls, buf, start, q);
            }
          }
          pos = q + 1;
          if (buf[pos] === 0x3a && pos < end) {
            pos++;
            state = VALUE;
          } else state = COLON;
          continue;
        }
        if (c === 0x7d && state === FIRST_KEY_OR_END) {
          depth--;
          if (kinds[depth] !== OBJECT) facts.closeAt(depth);
          pos++;
          state = AFTER_VALUE;
          if (depth === 0) return this.done(pos, depth, state);
          continue;
        }
        return this.fail(pos, depth);
      }
      if (state === VALUE || state === FIRST_VALUE_OR_END) {
        const cls = this.pendingClass;
        if (c === 0x22) {
          const start = pos + 1;
          let q = start;
          while (valueBytes[buf[q] as number] === 1) q++;
          // A `q` not right after an `e` is no request-id name's (`[Rr]eq…`): ids and words hold many.
          while (buf[q] === 0x71 && buf[q - 1] !== 0x65 && q < end) {
            q++;
            while (valueBytes[buf[q] as number] === 1) q++;
          }
          let marks = 0;
          if (buf[q] !== 0x22 || q >= end) {
            if (examiner === null) {
              q = scanEscapedString(buf, start, end);
              marks = ESCAPED;
            } else {
              q = scanMarkedString(buf, start, q, end);
              marks = stringMarks.bits;
            }
            if (q < 0) return this.fail(-q - 1, depth);
          }
          if (cls !== FieldClass.None) {
            // A logger member's value is not kept (FactsBuilder counts it): an escaped `msg` holding a
            // body is not decoded for it.
            if (cls === FieldClass.Envelope) this.fieldValue(depth, null);
            else if (marks & ESCAPED)
              this.fieldValue(depth, JSON.parse(buf.toString("utf8", pos, q + 1)) as string);
            else this.fieldValue(depth, buf.utf8Slice(start, q));
          }
          if (marks & NAME) this.stringValue(buf, start, q, marks, depth);
          pos = q + 1;
          state = AFTER_VALUE;
        } else if (c === 0x7b) {
          if (cls !== FieldClass.None) this.fieldValue(depth, null);
          if (2 * depth + 2 > opened.length) opened = this.grow();
          opened[2 * depth] = this.lineIndex;
          opened[2 * depth + 1] = pos;
          kinds[depth++] = OBJECT;
          pos++;
          state = FIRST_KEY_OR_END;
          continue;
        } else if (c === 0x5b) {
          if (cls !== FieldClass.None) this.fieldValue(depth, null);
          if (2 * depth + 2 > opened.length) opened = this.grow();
          opened[2 * depth] = -1;
          kinds[depth++] = ARRAY;
          pos++;
          state = FIRST_VALUE_OR_END;
          continue;
        } else if (c === 0x5d && state === FIRST_VALUE_OR_END) {
          depth--;
          if (kinds[depth] !== ARRAY) facts.closeArrayAt(depth);
          pos++;
          state = AFTER_VALUE;
          continue;
        } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          const next = scanNumber(buf, pos, end);
          if (next < 0) return this.fail(-next - 1, depth);
          if (cls !== FieldClass.None)
            this.fieldValue(depth, cls === FieldClass.Envelope ? null : Number(buf.latin1Slice(pos, next)));
          pos = next;
          state = AFTER_VALUE;
        } else {
          const next = scanLiteral(buf, pos, end, c);
          if (next < 0) return this.fail(-next - 1, depth);
          if (cls !== FieldClass.None) this.fieldValue(depth, null);
          pos = next;
          state = AFTER_VALUE;
        }
        // After a scalar: `,"key"` in an object is the common spelling; take the comma now.
        if (buf[pos] === 0x2c && pos < end) {
          pos++;
          state = ((kinds[depth - 1] as number) & OBJECT) !== 0 ? KEY : VALUE;
        }
        continue;
      }
      if (state === COLON) {
        if (c !== 0x3a) return this.fail(pos, depth);
        pos++;
        state = VALUE;
        continue;
      }
      // AFTER_VALUE
      const top = kinds[depth - 1] as number;
      if (c === 0x2c) {
        pos++;
        state = (top & OBJECT) !== 0 ? KEY : VALUE;
        continue;
      }
      if ((c === 0x7d && (top & OBJECT) !== 0) || (c === 0x5d && (top & ARRAY) !== 0)) {
        depth--;
        // Unmarked (no field, no response under it): the builder need not hear it close.
        if (top !== OBJECT && top !== ARRAY) {
          if ((top & OBJECT) !== 0) facts.closeAt(depth);
          else facts.closeArrayAt(depth);
        }
        pos++;
        if (depth === 0) return this.done(pos, depth, state);
        continue;
      }
      return this.fail(pos, depth);
    }
    this.state = state;
    this.depth = depth;
    return MORE;
  }

  /** A line break at `pos` in white space that began at `blanksFrom`: the line it ends was blank when that is at or before its start. */
  private lineBreak(blanksFrom: number, pos: number): void {
    if (blanksFrom <= this.lineFrom) this.blankLines++;
    this.lineBreaks++;
    this.lineFrom = pos + 1;
  }

  private done(pos: number, depth: number, state: number): Outcome {
    this.open = false;
    this.depth = depth;
    this.state = state;
    return pos;
  }

  private fail(pos: number, depth: number): Outcome {
    this.open = false;
    // Read by the framer right after the failure, before the next begin overwrites it.
    this.failedOpen = this.opened.subarray(2, 2 * Math.max(depth, 1));
    return failedAt(pos);
  }

  /** Twice the room for open containers (a body nested deeper than ever before). */
  private grow(): Float64Array {
    const grown = new Float64Array(2 * this.opened.length);
    grown.set(this.opened);
    this.opened = grown;
    return grown;
  }

  /** A string value with a request-id name: decoded and examined when it may hold a response. */
  private stringValue(buf: Buffer, start: number, close: number, marks: number, depth: number): void {
    const examiner = this.examiner as StringExaminer;
    if (!examiner.mayHold(buf, start, close, marks)) return;
    const frames = examiner.examine(buf, start, close, marks);
    if (frames.length > 0) this.facts.innerAt(depth, frames);
  }

  private fieldValue(depth: number, value: string | number | null): void {
    this.facts.fieldAt(depth - 1, this.pendingClass, this.pendingName, value);
    this.pendingClass = FieldClass.None;
  }

  /**
   * The name string of a field's key: the one made last time for its class when the bytes spell it
   * again (bodies spell each field one way: `RequestId`, `Code`), else a new one.
   */
  private nameOf(cls: FieldClass, buf: Buffer, start: number, end: number): string {
    const last = this.lastNames[cls];
    if (last !== undefined && last.length === end - start) {
      let i = 0;
      while (i < last.length && last.charCodeAt(i) === buf[start + i]) i++;
      if (i === last.length) return last;
    }
    const name = buf.latin1Slice(start, end);
    this.lastNames[cls] = name;
    return name;
  }

  /** A key with escapes (rare): decoded by JSON.parse, then classified as a string. */
  private escapedKey(buf: Buffer, start: number, close: number): void {
    const name = JSON.parse(buf.toString("utf8", start - 1, close + 1)) as string;
    const cls = classifyName(name);
    if (cls === FieldClass.None) return;
    this.pendingClass = cls;
    this.pendingName = name;
  }
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** JSON number grammar; returns the position after the number or -(errorPos+1). */
function scanNumber(buf: Buffer, pos: number, end: number): number {
  let p = pos;
  if (buf[p] === 0x2d) p++;
  if (p >= end) return -(p + 1);
  const first = buf[p] as number;
  if (first === 0x30) p++;
  else if (first >= 0x31 && first <= 0x39) {
    p++;
    while (p < end && isDigit(buf[p])) p++;
  } else return -(p + 1);
  if (p < end && buf[p] === 0x2e) {
    p++;
    if (p >= end || !isDigit(buf[p])) return -(p + 1);
    while (p < end && isDigit(buf[p])) p++;
  }
  if (p < end && ((buf[p] as number) | 0x20) === 0x65) {
    p++;
    if (p < end && (buf[p] === 0x2b || buf[p] === 0x2d)) p++;
    if (p >= end || !isDigit(buf[p])) return -(p + 1);
    while (p < end && isDigit(buf[p])) p++;
  }
  return p;
}

const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const NULL = Buffer.from("null");

function scanLiteral(buf: Buffer, pos: number, end: number, c: number): number {
  const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : null;
  if (word === null) return -(pos + 1);
  for (let i = 0; i < word.length; i++) {
    if (pos + i >= end || buf[pos + i] !== word[i]) return -(pos + i + 1);
  }
  return pos + word.length;
}
