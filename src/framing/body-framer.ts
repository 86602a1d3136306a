import { StringDecoder } from "node:string_decoder";
import type { Frame, LineCounts, Parsed } from "../core/records.js";
import { FactsBuilder } from "../parsers/facts.js";
import { JsonScanner, ScanStatus } from "../parsers/json-scanner.js";
import { StreamJsonBody, StreamStatus } from "../parsers/json-stream.js";
import { SaxBody, XmlStatus } from "../parsers/xml-sax.js";
import { scanXmlLine } from "../parsers/xml-scanner.js";
import { findCandidate, firstNonBlank } from "./candidates.js";
import type { LineHandler } from "./line-splitter.js";
import { afterNthGt, countGt, joinPrefix, PREFIX_PART_BYTES, prefixText } from "./prefix-text.js";

/** What a line held: the flags decide how it is counted once it is final (DESIGN §3). */
const RESPONSE = 1; // a character of a recognised response
const BODY = 2; // a character of a valid body without request id
const FAILED = 4; // a failed candidate started here or consumed some of it

/**
 * A line kept while a multi-line body is open, so that it can be examined again if the body fails.
 * Its bytes are in the framer's arena (`start`, `end`): copying every line of a pretty-printed body
 * into a Buffer of its own cost a fifth of the time on such input.
 */
interface HeldLine {
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  /** Bytes of input before this line (checkpoints). */
  readonly offset: number;
  flags: number;
}

/** A line to examine again, with its bytes. */
interface ReplayLine {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  readonly offset: number;
  readonly flags: number;
  /** Where to start looking for candidates. */
  readonly from: number;
}

interface OpenBody {
  readonly kind: "json" | "xml";
  /** Position of the body's first byte in the arena. */
  readonly start: number;
}

/** Small enough to come from Node's buffer pool (allocUnsafe under 4 KiB); grown by doubling. */
const MIN_ARENA_BYTES = 1024;

/**
 * Lines → frames. Finds candidate bodies on each line, has them parsed, follows a body over
 * following lines when it does not end on its own, and when a body fails goes on from the next
 * candidate after the failed one's start — re-examining the lines the failed body had taken
 * (DESIGN §3). Counts every non-blank line once. Frames and counts accumulate in `frames` and
 * `counts` until the caller takes them (once per batch).
 */
export class BodyFramer implements LineHandler {
  frames: Frame[] = [];
  counts: LineCounts;
  private readonly json = new JsonScanner();
  private readonly xmlFacts = new FactsBuilder("xml");
  private readonly sax = new SaxBody();
  private open: OpenBody | null = null;
  private held: HeldLine[] = [];
  /** The held lines' bytes, one after the other; a new arena for every open body. */
  private arena: Buffer = Buffer.alloc(0);
  private arenaUsed = 0;
  /** Bytes of all lines received so far. */
  private seen = 0;
  /** Lines to examine again, last one first. */
  private replay: ReplayLine[] = [];
  /**
   * Frames found on the first line of the open body, before it: held back with that line, which a
   * checkpoint leaves to be read again (else a restart would count them twice).
   */
  private deferred: Frame[] = [];
  private lastParsed: Parsed | null = null;
  private long: LongLine | null = null;

  constructor(
    counts: LineCounts,
    private readonly maxMultilineBytes: number,
  ) {
    this.counts = counts;
  }

  /** Bytes of lines that are not final yet: a checkpoint must let them be read again. */
  get pendingBytes(): number {
    const first = this.held[0];
    return this.open !== null && first !== undefined ? this.seen - first.offset : 0;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    const offset = this.seen;
    this.seen += size;
    this.process(buf, start, end, lineNo, offset, 0, start);
    this.drain();
  }

  /** End of input: an open body is truncated. */
  finish(): void {
    while (this.open !== null) {
      // Every byte of the last line was read before the input ended.
      this.failOpen(true);
      this.drain();
    }
  }

  private drain(): void {
    for (let l = this.replay.pop(); l !== undefined; l = this.replay.pop()) {
      this.process(l.buf, l.start, l.end, l.lineNo, l.offset, l.flags, l.from);
    }
  }

  private process(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    from: number,
  ): void {
    const first = firstNonBlank(buf, start, end);
    if (first === end) {
      if (this.open?.kind === "xml") this.sax.write("\n");
      return;
    }
    if (this.open !== null) {
      this.continueOpen(buf, start, end, lineNo, offset, flags, first - start);
      return;
    }
    this.examine(buf, start, end, lineNo, offset, flags, from);
  }

  /** Looks for bodies on a line from `from`; the line is final unless a body stays open. */
  private examine(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    from: number,
  ): void {
    let pos = from;
    for (;;) {
      const p = findCandidate(buf, pos, end);
      if (p < 0) break;
      const after = this.bodyOnLine(buf, p, end);
      if (after === NEED_MORE) {
        this.startOpen(buf[p] === 0x7b ? "json" : "xml", buf, start, end, p, lineNo, offset, flags);
        return;
      }
      if (after === FAILED_HERE) {
        flags |= FAILED;
        pos = p + 1;
        continue;
      }
      flags |= this.bodyDone(this.lastParsed, buf, start, p, lineNo, lineNo);
      pos = after;
    }
    this.finalize(flags);
  }

  /**
   * Parses the body that starts at `p` as far as its line goes: the position after it (its facts in
   * `lastParsed`), FAILED_HERE, or NEED_MORE when it goes on past the line.
   */
  private bodyOnLine(buf: Buffer, p: number, end: number): number {
    if (buf[p] === 0x7b) {
      const status = this.json.begin(buf, p, end);
      if (status === ScanStatus.Done) {
        this.lastParsed = this.json.result();
        return this.json.end;
      }
      return status === ScanStatus.Error ? FAILED_HERE : NEED_MORE;
    }
    const xmlEnd = scanXmlLine(buf, p, end, this.xmlFacts);
    if (xmlEnd > 0) {
      this.lastParsed = this.xmlFacts.result();
      return xmlEnd;
    }
    this.sax.begin();
    const text = `${buf.toString("utf8", p, end)}\n`;
    const status = this.sax.write(text);
    if (status === XmlStatus.Done) {
      this.lastParsed = this.sax.result();
      return afterNthGt(buf, p, countGt(text, this.sax.endInLastText));
    }
    return status === XmlStatus.Error ? FAILED_HERE : NEED_MORE;
  }

  private startOpen(
    kind: "json" | "xml",
    buf: Buffer,
    start: number,
    end: number,
    p: number,
    lineNo: number,
    offset: number,
    flags: number,
  ): void {
    this.arena = Buffer.allocUnsafe(Math.max(MIN_ARENA_BYTES, 2 * (end - start)));
    this.arenaUsed = 0;
    const frames = this.frames;
    while (frames.length > 0 && (frames[frames.length - 1] as Frame).lineStart === lineNo) {
      this.deferred.unshift(frames.pop() as Frame);
    }
    const line = this.hold(buf, start, end, lineNo, offset, flags);
    this.open = { kind, start: line.start + (p - start) };
  }

  /** Copies a line into the arena (growing it) and keeps it. */
  private hold(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
  ): HeldLine {
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.arena.length, this.arenaUsed + len));
      this.arena.copy(grown, 0, 0, this.arenaUsed);
      this.arena = grown;
    }
    const arena = this.arena;
    // Pretty-printed lines are short: a byte loop beats Buffer#copy (11% of that profile) there.
    if (len > 64) buf.copy(arena, this.arenaUsed, start, end);
    else for (let i = 0, at = this.arenaUsed; i < len; i++) arena[at + i] = buf[start + i] as number;
    const line: HeldLine = { start: this.arenaUsed, end: this.arenaUsed + len, lineNo, offset, flags };
    this.arenaUsed += len;
    this.held.push(line);
    return line;
  }

  /** One more non-blank line for the open body; `first` is its first non-blank byte (relative). */
  private continueOpen(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    first: number,
  ): void {
    const open = this.open as OpenBody;
    const line = this.hold(buf, start, end, lineNo, offset, flags);
    if (this.arenaUsed > this.maxMultilineBytes) {
      this.failOpen(false);
      return;
    }
    const arena = this.arena;
    if (open.kind === "json") {
      const status = this.json.feed(arena, line.start, line.end);
      if (status === ScanStatus.Done) this.closeOpen(this.json.result(), this.json.end);
      else if (status === ScanStatus.Error) this.failOpen(this.json.errorPos > line.start + first);
      return;
    }
    const text = `${arena.utf8Slice(line.start, line.end)}\n`;
    const status = this.sax.write(text);
    if (status === XmlStatus.Done) {
      this.closeOpen(this.sax.result(), afterNthGt(arena, line.start, countGt(text, this.sax.endInLastText)));
    } else if (status === XmlStatus.Error) this.failOpen(true);
  }

  /** The open body ended at `endPos` (an arena position) of its last held line. */
  private closeOpen(parsed: Parsed | null, endPos: number): void {
    const open = this.open as OpenBody;
    const held = this.held;
    const arena = this.arena;
    const firstLine = held[0] as HeldLine;
    const lastLine = held[held.length - 1] as HeldLine;
    this.releaseDeferred();
    const flag = this.bodyDone(parsed, arena, firstLine.start, open.start, firstLine.lineNo, lastLine.lineNo);
    this.resetOpen();
    for (let i = 0; i < held.length - 1; i++) this.finalize((held[i] as HeldLine).flags | flag);
    const { start, end, lineNo, offset } = lastLine;
    this.examine(arena, start, end, lineNo, offset, lastLine.flags | flag, endPos);
  }

  /** The open body is not valid: its lines are examined again, from the candidate after its start. */
  private failOpen(lastLineConsumed: boolean): void {
    const open = this.open as OpenBody;
    const held = this.held;
    const arena = this.arena;
    this.resetOpen();
    this.releaseDeferred();
    const last = held.length - 1;
    for (let i = last; i >= 0; i--) {
      const l = held[i] as HeldLine;
      const failed = i < last || lastLineConsumed || i === 0;
      this.replay.push({
        buf: arena,
        start: l.start,
        end: l.end,
        lineNo: l.lineNo,
        offset: l.offset,
        flags: failed ? l.flags | FAILED : l.flags,
        from: i === 0 ? open.start + 1 : l.start,
      });
    }
  }

  private releaseDeferred(): void {
    for (const f of this.deferred) this.frames.push(f);
    this.deferred = [];
  }

  private resetOpen(): void {
    this.open = null;
    this.held = [];
  }

  /** A body parsed completely; returns the flag for its lines. */
  private bodyDone(
    parsed: Parsed | null,
    buf: Buffer,
    lineStartPos: number,
    bodyPos: number,
    lineStart: number,
    lineEnd: number,
  ): number {
    if (parsed === null) return BODY;
    const prefix = prefixText(buf, lineStartPos, bodyPos);
    this.frames.push({ parsed, lineStart, lineEnd, prefix });
    return RESPONSE;
  }

  private finalize(flags: number): void {
    const c = this.counts;
    c.lines++;
    if (flags & RESPONSE) return;
    if (flags & BODY) c.nonResponse++;
    else if (flags & FAILED) c.malformed++;
    else c.nonResponse++;
  }

  // Lines too long to hold (LineSplitter streams them): the first body on the line is parsed as it
  // streams by; what follows it on that line is not examined.

  longStart(buf: Buffer, start: number, end: number, lineNo: number): void {
    while (this.open !== null) {
      this.failOpen(false);
      this.drain();
    }
    this.long = new LongLine(lineNo);
    this.long.data(buf, start, end);
  }

  longData(buf: Buffer, start: number, end: number): void {
    this.long?.data(buf, start, end);
  }

  longEnd(oversized: boolean, size: number): void {
    this.seen += size;
    const long = this.long;
    this.long = null;
    if (long === null) return;
    if (oversized) {
      this.counts.lines++;
      this.counts.oversized++;
      return;
    }
    long.finish();
    for (const f of long.frames) this.frames.push(f);
    this.finalize(long.flags);
  }

  /** How long a line may grow and still be held: room left for an open multi-line body. */
  holdLimitBytes(): number {
    return this.open === null ? 0 : Math.max(0, this.maxMultilineBytes - this.arenaUsed);
  }
}

/**
 * One line too long to hold (LineSplitter streams it): each body on it is parsed as its bytes pass,
 * by stream-json or sax, and the search goes on after it, as on a short line. What such a line cannot
 * do: re-examine bytes of earlier pieces after a body fails there (the search goes on at the current
 * piece), or open a body that goes on to the next line.
 */
class LongLine {
  flags = 0;
  readonly frames: Frame[] = [];
  private state: "search" | "json" | "xml" = "search";
  private readonly jsonBody = new StreamJsonBody();
  private readonly xmlBody = new SaxBody();
  private decoder = new StringDecoder("utf8");
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
      if (this.state !== "search") {
        const after = this.feed(buf, pos, end);
        if (after === NEED_MORE) break;
        if (after === FAILED_HERE) {
          this.flags |= FAILED;
          this.state = "search";
          pos = this.bodyStart >= 0 ? this.bodyStart + 1 : start;
        } else {
          this.state = "search";
          pos = after;
        }
        continue;
      }
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
      this.decoder = new StringDecoder("utf8");
      if (buf[p] === 0x7b) {
        this.state = "json";
        this.jsonBody.begin();
      } else {
        this.state = "xml";
        this.xmlBody.begin();
      }
      pos = p;
    }
    this.remember(buf, start, end);
  }

  /** The line ended. */
  finish(): void {
    if (this.state !== "search") this.flags |= FAILED;
    // A `{` and blanks at the end of the line open a body on the next line: not possible here.
    if (this.carry !== null && this.carry[0] === 0x7b) this.flags |= FAILED;
  }

  /** Feeds the current body; the position after it, NEED_MORE, or FAILED_HERE. */
  private feed(buf: Buffer, pos: number, end: number): number {
    let parsed: Parsed | null;
    let after: number;
    if (this.state === "json") {
      const status = this.jsonBody.write(buf, pos, end);
      if (status === StreamStatus.NeedMore) return NEED_MORE;
      if (status === StreamStatus.Error) return FAILED_HERE;
      parsed = this.jsonBody.result();
      after = this.jsonBody.end;
    } else {
      const text = this.decoder.write(buf.subarray(pos, end));
      const status = this.xmlBody.write(text);
      if (status === XmlStatus.NeedMore) return NEED_MORE;
      if (status === XmlStatus.Error) return FAILED_HERE;
      parsed = this.xmlBody.result();
      after = afterNthGt(buf, pos, countGt(text, this.xmlBody.endInLastText));
    }
    if (parsed === null) this.flags |= BODY;
    else {
      this.flags |= RESPONSE;
      this.frames.push({ parsed, lineStart: this.lineNo, lineEnd: this.lineNo, prefix: this.bodyPrefix });
    }
    return after;
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

const NEED_MORE = -1;
const FAILED_HERE = -2;
