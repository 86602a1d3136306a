import { StringDecoder } from "node:string_decoder";
import type { Parsed } from "../core/records.js";
import { type BodyParser, failedAt, MORE, type Outcome } from "./body-parser.js";
import { FactsBuilder } from "./facts.js";
import { SaxBody, XmlStatus } from "./xml-sax.js";
import { scanXmlLine } from "./xml-scanner.js";

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

  begin(buf: Buffer, pos: number, end: number): Outcome {
    const xmlEnd = scanXmlLine(buf, pos, end, this.facts);
    if (xmlEnd > 0) {
      this.parsed = this.facts.result();
      return xmlEnd;
    }
    this.sax.begin();
    this.open = true;
    return this.feed(buf, pos, end);
  }

  feed(buf: Buffer, start: number, end: number): Outcome {
    if (!this.open) return failedAt(start);
    this.lastEnd = end;
    const text = `${buf.utf8Slice(start, end)}\n`;
    const status = this.sax.write(text);
    if (status === XmlStatus.NeedMore) return MORE;
    this.open = false;
    if (status === XmlStatus.Error) return failedAt(end);
    this.parsed = this.sax.result();
    return afterNthGt(buf, start, countGt(text, this.sax.endInLastText));
  }

  finish(): Outcome {
    if (!this.open) return MORE;
    this.open = false;
    return failedAt(this.lastEnd);
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
