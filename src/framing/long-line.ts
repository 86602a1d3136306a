import type { Frame, LineCounts } from "../core/records.js";
import { type BodyParser, isFailed, MORE } from "../parsers/body-parser.js";
import { StreamJsonBody } from "../parsers/json-stream.js";
import { XmlPieces } from "../parsers/xml-body.js";
import { findCandidate } from "./candidates.js";
import { BODY, countLine, FAILED, RESPONSE } from "./line-outcomes.js";
import { joinPrefix, PREFIX_PART_BYTES, prefixText } from "./prefix-text.js";

/**
 * One line too long to hold (LineSplitter streams it): each body on it is parsed as its bytes pass,
 * by stream-json or sax, and the search goes on after it, as on a short line. What such a line cannot
 * do: re-examine bytes of earlier pieces after a body fails there (the search goes on at the current
 * piece), or open a body that goes on to the next line.
 */
export class LongLine {
  flags = 0;
  readonly frames: Frame[] = [];
  /** The parser of the body being parsed; null while searching for a candidate. */
  private parser: BodyParser | null = null;
  private readonly jsonBody = new StreamJsonBody();
  private readonly xmlBody = new XmlPieces();
  /** The line's first bytes (up to twice PREFIX_PART_BYTES) and the last PREFIX_PART_BYTES before the current piece. */
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  private before = 0;
  private bodyPrefix = "";
  /** Where the body being parsed started in the current piece (-1: in an earlier piece). */
  private bodyStart = -1;
  /** The bytes of a possible candidate start that the end of the previous piece cut. */
  private carry: Buffer | null = null;

  constructor(private readonly lineNo: number) {}

  data(buf: Buffer, start: number, end: number): void {
    if (this.carry !== null) {
      buf = Buffer.concat([this.carry, buf.subarray(start, end)]);
      start = 0;
      end = buf.length;
      this.carry = null;
    }
    this.bodyStart = -1;
    let pos = start;
    while (pos < end) {
      let parser = this.parser;
      let outcome: number;
      if (parser !== null) outcome = parser.feed(buf, pos, end);
      else {
        const p = findCandidate(buf, pos, end, false);
        if (p === -1) break;
        if (p < -1) {
          // A `{ ` or `<?x` at the piece's end: decided with the next piece.
          const cut = -2 - p;
          this.carry = Buffer.from(buf.subarray(cut, end));
          end = cut;
          break;
        }
        this.bodyPrefix = this.prefixBefore(buf, start, p);
        this.bodyStart = p;
        parser = buf[p] === 0x7b ? this.jsonBody : this.xmlBody;
        this.parser = parser;
        outcome = parser.begin(buf, p, end);
      }
      if (outcome === MORE) break;
      this.parser = null;
      if (isFailed(outcome)) {
        this.flags |= FAILED;
        pos = this.bodyStart >= 0 ? this.bodyStart + 1 : start;
        continue;
      }
      const parsed = parser.result();
      if (parsed === null) this.flags |= BODY;
      else {
        this.flags |= RESPONSE;
        this.frames.push({ parsed, lineStart: this.lineNo, lineEnd: this.lineNo, prefix: this.bodyPrefix });
      }
      pos = outcome;
    }
    this.remember(buf, start, end);
  }

  /** The line ended. */
  /** The line ended: its frames go to `frames`, and it is counted (`oversized`: only counted, docs/design.md §3). */
  end(oversized: boolean, counts: LineCounts, frames: Frame[]): void {
    if (oversized) {
      counts.lines++;
      counts.oversized++;
      return;
    }
    this.finish();
    for (const f of this.frames) frames.push(f);
    countLine(counts, this.flags);
  }

  finish(): void {
    if (this.parser !== null) {
      this.parser.finish();
      this.flags |= FAILED;
    }
    // A `{` and blanks at the end of the line open a body on the next line: not possible here.
    if (this.carry !== null && this.carry[0] === 0x7b) this.flags |= FAILED;
  }

  /** The text before `p` on the line, as prefixText would give it on a short line. */
  private prefixBefore(buf: Buffer, pieceStart: number, p: number): string {
    const total = this.before + (p - pieceStart);
    if (total <= 2 * PREFIX_PART_BYTES) {
      const all = Buffer.concat([this.head, buf.subarray(pieceStart, p)]);
      return prefixText(all, 0, all.length);
    }
    const head = this.head.subarray(0, PREFIX_PART_BYTES).toString("utf8");
    const tailAll = Buffer.concat([this.tail, buf.subarray(pieceStart, p)]);
    return joinPrefix(head, tailAll.subarray(tailAll.length - PREFIX_PART_BYTES).toString("utf8"));
  }

  /** Keeps the first and last bytes of the line for prefixes; the rest passes by. */
  private remember(buf: Buffer, start: number, end: number): void {
    if (this.head.length < 2 * PREFIX_PART_BYTES) {
      this.head = Buffer.concat([
        this.head,
        buf.subarray(start, Math.min(end, start + 2 * PREFIX_PART_BYTES)),
      ]);
    }
    const tail =
      end - start >= PREFIX_PART_BYTES
        ? buf.subarray(end - PREFIX_PART_BYTES, end)
        : Buffer.concat([this.tail, buf.subarray(start, end)]);
    this.tail = Buffer.from(tail.subarray(Math.max(0, tail.length - PREFIX_PART_BYTES)));
    this.before += end - start;
  }
}
