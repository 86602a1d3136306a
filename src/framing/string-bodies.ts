import type { Frame } from "../core/records.js";
import type { StringExaminer, TextRecognizer } from "../parsers/body-parser.js";
import { jsonStringEnd } from "../parsers/json-scanner.js";
import { NextIndex } from "./next-index.js";
import { prefixText } from "./prefix-text.js";

/** A request-id name (docs/design.md §3) in a string's bytes; `request id` as SDK messages write it. */
const REQUEST_ID_NAME = /request[ _-]?id/i;
const EQUEST = Buffer.from("equest");

/** How deep strings inside strings are examined: docs/design.md §3 asks for at least two levels of escaping. */
export const MAX_STRING_DEPTH = 3;

/** The part of the framer that examines decoded text: a framer of its own, one level deeper. */
export interface TextFramer {
  frames: Frame[];
  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void;
  chunkEnd(): void;
  finish(): void;
}

/**
 * Bodies inside string values (docs/design.md §3): a JSON string — a member of a structured line, or quoted
 * in free text — whose raw bytes may hold a body (a request-id name, escaped or in XML) or an SDK
 * error string (the recognizer's prefilter) is decoded, and its text is examined like a line of its
 * own by a framer one level deeper. Its responses keep the physical line of the string.
 *
 * Cost: `lineMayHold` on a plain NDJSON line (no `\"`, no `<`) is about one `indexOf` (the name's,
 * shared with the next line; the rare bytes' once per chunk); only on lines that pass it does the
 * JSON scanner look at its strings.
 */
export class StringBodies implements StringExaminer {
  /** The physical line the strings being examined are on. */
  lineNo = 0;
  private framer: TextFramer | null = null;

  constructor(
    private readonly makeFramer: () => TextFramer,
    private readonly text: TextRecognizer | null,
  ) {}

  /** Whether the line being examined has a `<` (a string without escapes can only hold XML). */
  private lineHasLt = false;

  /** The rare bytes and the name searched for on each line, once per chunk (next-index.ts). */
  private readonly lt = new NextIndex(0x3c);
  private readonly backslash = new NextIndex(0x5c);
  private readonly name = new NextIndex(EQUEST);

  /**
   * Whether a line's bytes may hold a string with a body or an SDK string in it: a request-id name
   * right after `\"` (escaped JSON), `<` or `\u003c` (XML) — a body — or after anything but a
   * plain `"` with the recognizer's prefilter matching the line (every SDK string names its request
   * id: `RequestID:`, `request id:`, `[RequestId]`, `x-oss-request-id`). A plain NDJSON body's own
   * `"RequestId"` key is none of these. `inChunk`: the line is one of the splitter's chunk, whose
   * bytes stay put until `chunkEnd` — its searches are shared with the lines after it.
   */
  lineMayHold(buf: Buffer, start: number, end: number, inChunk: boolean): boolean {
    const lt = inChunk ? this.lt.next(buf, start) : indexIn(buf, start, end, 0x3c);
    this.lineHasLt = lt >= 0 && lt < end;
    // Without SDK strings to look for, only a body can be in a string: it needs a `\` or a `<`.
    if (this.text === null && !this.lineHasLt) {
      const b = inChunk ? this.backslash.next(buf, start) : indexIn(buf, start, end, 0x5c);
      if (b < 0 || b >= end) return false;
    }
    // `EQUEST` (an all-capitals name) is not looked for here: one full search less per line.
    const hint = nameHint(buf, start, end, inChunk ? this.name : null);
    if (hint & BODY_HINT) return true;
    return (hint & TEXT_HINT) !== 0 && this.text !== null && this.text.find(buf, start, end, end) >= 0;
  }

  /** The chunk the lines came from is done: its searches are forgotten. */
  chunkEnd(): void {
    this.lt.forget();
    this.backslash.forget();
    this.name.forget();
  }

  mayHold(buf: Buffer, start: number, end: number, escaped: boolean): boolean {
    if (end - start < 12) return false;
    if (escaped || (this.lineHasLt && buf.subarray(start, end).indexOf(0x3c) >= 0)) {
      if (REQUEST_ID_NAME.test(buf.latin1Slice(start, end))) return true;
    }
    return this.text !== null && this.text.find(buf, start, end, end) >= 0;
  }

  /**
   * A quoted string in free text at `q`: when it may hold a response, its decoded text is examined
   * and its responses go to `out`, with the line's text before the quote in their prefix. Returns
   * the position after it when it held one, else minus the position to look for quotes from.
   */
  quoted(buf: Buffer, start: number, q: number, end: number, out: Frame[]): number {
    const close = jsonStringEnd(buf, q + 1, end);
    if (close < 0) return -end;
    if (!this.mayHold(buf, q + 1, close, true)) return -(close + 1);
    const found = this.examine(JSON.parse(buf.toString("utf8", q, close + 1)) as string);
    if (found.length === 0) return -(close + 1);
    const outer = prefixText(buf, start, q);
    for (const f of found) out.push({ ...f, prefix: outer + f.prefix });
    return close + 1;
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
    framer.chunkEnd();
    framer.finish();
    const found = framer.frames;
    if (found.length === 0) return NONE;
    framer.frames = [];
    const at = this.lineNo;
    return found.map((f) => ({ ...f, lineStart: at, lineEnd: at }));
  }
}

/** `[ _-]?[Ii][Dd]` at `at`, before `end`: the rest of a request-id name. */
function idFollows(buf: Buffer, at: number, end: number): boolean {
  const c = buf[at];
  if (at < end && (c === 0x20 || c === 0x5f || c === 0x2d)) at++;
  return at + 2 <= end && ((buf[at] as number) | 0x20) === 0x69 && ((buf[at + 1] as number) | 0x20) === 0x64;
}

/** The first `byte` in `buf[start, end)`, or -1. */
function indexIn(buf: Buffer, start: number, end: number, byte: number): number {
  const i = buf.indexOf(byte, start);
  return i < end ? i : -1;
}

const BODY_HINT = 1;
const TEXT_HINT = 2;

/**
 * Where `[Rr]` + `equest` (a request-id name's start) stands in `buf[start, end)`: BODY_HINT after
 * `\"`, `<` or `\u003c` (Go's json.Marshal writes `<` so); TEXT_HINT after anything else but a
 * plain `"`. `names`: the chunk's shared search, or null to search this line alone.
 */
function nameHint(buf: Buffer, start: number, end: number, names: NextIndex | null): number {
  const w = EQUEST.length;
  let hint = 0;
  for (let from = start; ; ) {
    const i = names === null ? buf.subarray(0, end).indexOf(EQUEST, from) : names.next(buf, from);
    if (i < 0 || i + w > end) return hint;
    from = i + 1;
    if (i - start < 1) continue;
    const r = buf[i - 1];
    if ((r !== 0x52 && r !== 0x72) || !idFollows(buf, i + w, end)) continue;
    const before = i - start >= 2 ? buf[i - 2] : -1;
    if (before === 0x3c || (before === 0x22 && i - start >= 3 && buf[i - 3] === 0x5c)) return BODY_HINT;
    if ((before === 0x63 || before === 0x43) && i - start >= 7 && buf.latin1Slice(i - 7, i - 2) === "\\u003")
      return BODY_HINT;
    if (before !== 0x22) hint = TEXT_HINT;
  }
}

const NONE: readonly Frame[] = [];
