import { StringDecoder } from "node:string_decoder";
import type { Parsed } from "../core/records.js";
import { type BodyParser, failedAt, MORE, type Outcome } from "./body-parser.js";
import { FactsBuilder } from "./facts.js";
import { SaxBody, XmlStatus } from "./xml-sax.js";
import { REJECTED, rejectedOpen, rejectedRoot, scanXmlLine } from "./xml-scanner.js";

/**
 * XML bodies of held lines: the one-line fast path (scanXmlLine) first, sax for whatever it declines
 * and for documents that go on over the next lines. Each line is given to sax with the "\n" it had.
 */
export class XmlBody implements BodyParser {
  readonly format = "xml";
  private readonly facts = new FactsBuilder("xml");
  private readonly sax = new SaxBody();
  private parsed: Parsed | null = null;
  private open = false;
  private lastEnd = 0;
  /** Per line fed to sax: [lineIndex, byte start, UTF-16 start, 1 if ASCII], for openStarts. */
  private lines: number[] = [];
  private lineIndex = 0;
  private chars = 0;
  private failedOpen: number[] = [];
  /** The candidate failed before its root held an element (and has no declaration): not a body. */
  private lookalike = false;
  private declared = false;

  begin(buf: Buffer, pos: number, end: number): Outcome {
    this.lookalike = false;
    this.declared = buf[pos + 1] === 0x3f;
    const xmlEnd = scanXmlLine(buf, pos, end, this.facts);
    if (xmlEnd > 0) {
      this.parsed = this.facts.result();
      return xmlEnd;
    }
    if (xmlEnd === REJECTED) {
      const out: number[] = [];
      for (const at of rejectedOpen) out.push(0, at);
      this.failedOpen = out;
      this.lookalike = rejectedRoot.textOnly;
      return failedAt(end);
    }
    // A declaration ends on its own line: one that does not would make sax read every later line
    // as part of it (docs/design.md §3).
    if (buf[pos + 1] === 0x3f && !closesOnLine(buf, pos + 2, end)) return failedAt(end);
    this.sax.begin();
    this.open = true;
    this.lines = [];
    this.lineIndex = 0;
    this.chars = 0;
    return this.write(buf, pos, end);
  }

  feed(buf: Buffer, start: number, end: number): Outcome {
    if (end > start) this.lineIndex++;
    return this.write(buf, start, end);
  }

  finish(): Outcome {
    if (!this.open) return MORE;
    this.fail();
    return failedAt(this.lastEnd);
  }

  openStarts(): ArrayLike<number> {
    return this.failedOpen;
  }

  /**
   * README "What counts as a response": `in <module>`, `List<Long>`, `Map<String, Object>`,
   * `Foo.<init>(…)` fail in their first start tag or with text right inside the root, before it held
   * an element: everyday text, not a broken body.
   */
  notABody(): boolean {
    return this.lookalike;
  }

  /** The open document has begun its root (not only a declaration on a line of its own). */
  get inRoot(): boolean {
    return this.open && this.sax.depth > 0;
  }

  /**
   * Gives sax the line in pieces of PIECE_BYTES (cut at character boundaries), its "\n" after the
   * last: sax stops at the first error, and decoding the whole rest of a long line for every failed
   * candidate on it made re-scans quadratic (docs/design.md §3, bounded work).
   */
  private write(buf: Buffer, start: number, end: number): Outcome {
    if (!this.open) return failedAt(start);
    this.lastEnd = end;
    let from = start;
    do {
      let cut = Math.min(end, from + PIECE_BYTES);
      while (cut < end && ((buf[cut] as number) & 0xc0) === 0x80) cut++;
      const last = cut === end;
      const text = last ? `${buf.utf8Slice(from, cut)}\n` : buf.utf8Slice(from, cut);
      if (cut > from)
        this.lines.push(
          this.lineIndex,
          from,
          this.chars,
          text.length - (last ? 1 : 0) === cut - from ? 1 : 0,
        );
      this.chars += text.length;
      const status = this.sax.write(text);
      if (status === XmlStatus.Error) {
        this.fail();
        return failedAt(end);
      }
      if (status === XmlStatus.Done) {
        this.open = false;
        this.parsed = this.sax.result();
        return afterNthGt(buf, from, countGt(text, this.sax.endInLastText));
      }
      from = cut;
    } while (from < end);
    return MORE;
  }

  /**
   * The body failed: the elements nested in it that were still open fail the same way. Their
   * positions as [lineIndex, byte position] pairs, for the lines that are ASCII (where a UTF-16
   * offset is a byte offset).
   */
  private fail(): void {
    this.open = false;
    this.lookalike = !this.declared && !this.sax.heldElement;
    const at = this.sax.openAt;
    const lines = this.lines;
    const out: number[] = [];
    let l = 0;
    for (let i = 1; i < at.length; i++) {
      const c = at[i] as number;
      while (l + 4 < lines.length && (lines[l + 6] as number) <= c) l += 4;
      if (lines[l + 3] === 1)
        out.push(lines[l] as number, (lines[l + 1] as number) + c - (lines[l + 2] as number));
    }
    this.failedOpen = out;
  }

  result(): Parsed | null {
    return this.parsed;
  }
}

/**
 * An XML body on a line too long to hold: sax fed the pieces of the line as they pass (decoded as
 * UTF-8 across piece boundaries), no fast path.
 */
export class XmlPieces implements BodyParser {
  readonly format = "xml";
  private readonly sax = new SaxBody();
  private decoder = new StringDecoder("utf8");
  private open = false;

  begin(buf: Buffer, pos: number, end: number): Outcome {
    this.sax.begin();
    this.decoder = new StringDecoder("utf8");
    this.open = true;
    return this.feed(buf, pos, end);
  }

  feed(buf: Buffer, start: number, end: number): Outcome {
    if (!this.open) return failedAt(start);
    const text = this.decoder.write(buf.subarray(start, end));
    const status = this.sax.write(text);
    if (status === XmlStatus.NeedMore) return MORE;
    this.open = false;
    if (status === XmlStatus.Error) return failedAt(end);
    return afterNthGt(buf, start, countGt(text, this.sax.endInLastText));
  }

  finish(): Outcome {
    if (!this.open) return MORE;
    this.open = false;
    return failedAt(0);
  }

  result(): Parsed | null {
    return this.sax.result();
  }
}

const PIECE_BYTES = 4096;

/** Whether `?>` occurs in `buf[pos, end)`. */
function closesOnLine(buf: Buffer, pos: number, end: number): boolean {
  for (let i = buf.indexOf(0x3f, pos); i >= 0 && i + 1 < end; i = buf.indexOf(0x3f, i + 1)) {
    if (buf[i + 1] === 0x3e) return true;
  }
  return false;
}

/** Byte position after the `count`-th `>` from `start`: where a document ends whose decoded text had `count` of them. */
function afterNthGt(buf: Buffer, start: number, count: number): number {
  let pos = start - 1;
  for (let i = 0; i < count; i++) pos = buf.indexOf(0x3e, pos + 1);
  return pos + 1;
}

/** How many `>` the first `length` UTF-16 units of `text` hold. */
function countGt(text: string, length: number): number {
  let n = 0;
  for (let i = text.indexOf(">"); i >= 0 && i < length; i = text.indexOf(">", i + 1)) n++;
  return n;
}
