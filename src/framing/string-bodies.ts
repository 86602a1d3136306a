import type { Frame } from "../core/records.js";
import type { StringExaminer, TextRecognizer } from "../parsers/body-parser.js";
import { jsonStringEnd } from "../parsers/json-scanner.js";
import { prefixText } from "./prefix-text.js";

/** A request-id name (DESIGN §3) in a string's bytes; `request id` as SDK messages write it. */
const REQUEST_ID_NAME = /request[ _-]?id/i;
const EQUEST = Buffer.from("equest");

/** How deep strings inside strings are examined: DESIGN §3 asks for at least two levels of escaping. */
export const MAX_STRING_DEPTH = 3;

/** The part of the framer that examines decoded text: a framer of its own, one level deeper. */
export interface TextFramer {
  frames: Frame[];
  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void;
  finish(): void;
}

/**
 * Bodies inside string values (DESIGN §3): a JSON string — a member of a structured line, or quoted
 * in free text — whose raw bytes may hold a body (a request-id name, escaped or in XML) or an SDK
 * error string (the recognizer's prefilter) is decoded, and its text is examined like a line of its
 * own by a framer one level deeper. Its responses keep the physical line of the string.
 *
 * Cost: `lineMayHold` is two `indexOf` calls on a plain NDJSON line (no `\"`, no `<`), plus the
 * recognizer's prefilter; only on lines that pass it does the JSON scanner look at its strings.
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

  /**
   * Whether a line's bytes may hold a string with a body or an SDK string in it: a request-id name
   * right after `\"` (escaped JSON), `<` or `\u003c` (XML) — a body — or after anything but a
   * plain `"` with the recognizer's prefilter matching the line (every SDK string names its request
   * id: `RequestID:`, `request id:`, `[RequestId]`, `x-oss-request-id`). A plain NDJSON body's own
   * `"RequestId"` key is none of these: a few `indexOf` calls per line, no regex.
   */
  lineMayHold(buf: Buffer, start: number, end: number): boolean {
    const line = buf.subarray(start, end);
    this.lineHasLt = line.indexOf(0x3c) >= 0;
    // Without SDK strings to look for, only a body can be in a string: it needs a `\` or a `<`.
    if (this.text === null && !this.lineHasLt && line.indexOf(0x5c) < 0) return false;
    // `EQUEST` (an all-capitals name) is not looked for here: one full search less per line.
    const hint = nameHint(line, EQUEST);
    if (hint & BODY_HINT) return true;
    return (hint & TEXT_HINT) !== 0 && this.text !== null && this.text.find(buf, start, end, end) >= 0;
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
    framer.finish();
    const found = framer.frames;
    if (found.length === 0) return NONE;
    framer.frames = [];
    const at = this.lineNo;
    return found.map((f) => ({ ...f, lineStart: at, lineEnd: at }));
  }
}

/** `[ _-]?[Ii][Dd]` at `at`: the rest of a request-id name. */
function idFollows(line: Buffer, at: number): boolean {
  const c = line[at];
  if (c === 0x20 || c === 0x5f || c === 0x2d) at++;
  return ((line[at] as number) | 0x20) === 0x69 && ((line[at + 1] as number) | 0x20) === 0x64;
}

const BODY_HINT = 1;
const TEXT_HINT = 2;

/**
 * Where `[Rr]` + `word` (a request-id name's start) stands in `line`: BODY_HINT after `\"`, `<` or
 * `\u003c` (Go's json.Marshal writes `<` so); TEXT_HINT after anything else but a plain `"`.
 */
function nameHint(line: Buffer, word: Buffer): number {
  let hint = 0;
  for (let i = line.indexOf(word); i >= 0; i = line.indexOf(word, i + 1)) {
    if (i < 1) continue;
    const r = line[i - 1];
    if ((r !== 0x52 && r !== 0x72) || !idFollows(line, i + word.length)) continue;
    const before = i >= 2 ? line[i - 2] : -1;
    if (before === 0x3c || (before === 0x22 && i >= 3 && line[i - 3] === 0x5c)) return BODY_HINT;
    if ((before === 0x63 || before === 0x43) && i >= 7 && line.latin1Slice(i - 7, i - 2) === "\\u003")
      return BODY_HINT;
    if (before !== 0x22) hint = TEXT_HINT;
  }
  return hint;
}

const NONE: readonly Frame[] = [];
