import type { Parsed } from "../core/records.js";
import { FactsBuilder } from "./facts.js";
import { classifyName, FieldClass, mayBeFieldName } from "./field-names.js";

/** What `JsonScanner.feed` found. */
export enum ScanStatus {
  /** The line ended inside the body: feed the next line. */
  NeedMore = 0,
  /** The body ended; `end` is the position after its closing `}`. */
  Done = 1,
  /** Not JSON; `errorPos` is the offending byte (the line's end for an unterminated string). */
  Error = 2,
}

enum State {
  Value = 0,
  FirstKeyOrEnd = 1,
  Key = 2,
  Colon = 3,
  AfterValue = 4,
  FirstValueOrEnd = 5,
}

const OBJECT = 1;
const ARRAY = 2;

/**
 * A validating JSON scanner over bytes that accepts exactly what JSON.parse accepts (for one object)
 * and reports the response facts without building the value tree. It is resumable at line ends, so
 * a pretty-printed body is scanned once however many lines it spans.
 *
 * Why not JSON.parse per line: it builds every object of the body, and most bodies are successes
 * whose only needed fact is the request id (parser-performance.md: JSON.parse per line 214 MiB/s,
 * skipping structure without allocation 320–360 MiB/s). The differential test in
 * test/unit/json-scanner.test.ts holds it to JSON.parse's answers.
 */
export class JsonScanner {
  readonly facts = new FactsBuilder("json");
  status = ScanStatus.NeedMore;
  /** Position after the body when Done. */
  end = 0;
  errorPos = 0;
  private state = State.Value;
  private kinds: number[] = [];
  private pendingClass = FieldClass.None;
  private pendingName = "";
  private escaped = false;

  /** Starts a body at the `{` at `pos`, then scans on to `end` (the line's end). */
  begin(buf: Buffer, pos: number, end: number): ScanStatus {
    this.facts.reset();
    this.kinds.length = 0;
    this.pendingClass = FieldClass.None;
    this.kinds.push(OBJECT);
    this.facts.open();
    this.state = State.FirstKeyOrEnd;
    return this.feed(buf, pos + 1, end);
  }

  result(): Parsed | null {
    return this.facts.result();
  }

  /** Scans `buf[pos, end)`, one line (without its terminator) or the rest of one. */
  feed(buf: Buffer, pos: number, end: number): ScanStatus {
    const kinds = this.kinds;
    while (pos < end) {
      const c = buf[pos] as number;
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        pos++;
        continue;
      }
      const state = this.state;
      if ((state === State.FirstValueOrEnd && c === 0x5d) || (state === State.FirstKeyOrEnd && c === 0x7d)) {
        pos = this.closeContainer(pos, c === 0x5d ? ARRAY : OBJECT);
        if (kinds.length === 0) return this.done(pos);
        continue;
      }
      switch (state) {
        case State.Value:
        case State.FirstValueOrEnd: {
          const next = this.value(buf, pos, end, c);
          if (next < 0) return this.fail(-next - 1);
          pos = next;
          continue;
        }
        case State.Key:
        case State.FirstKeyOrEnd: {
          if (c !== 0x22) return this.fail(pos);
          const close = this.scanString(buf, pos + 1, end);
          if (close < 0) return this.fail(-close - 1);
          this.key(buf, pos + 1, close);
          pos = close + 1;
          this.state = State.Colon;
          continue;
        }
        case State.Colon:
          if (c !== 0x3a) return this.fail(pos);
          pos++;
          this.state = State.Value;
          continue;
        default: {
          // State.AfterValue
          const top = kinds[kinds.length - 1];
          if (c === 0x2c) {
            pos++;
            this.state = top === OBJECT ? State.Key : State.Value;
            continue;
          }
          if ((c === 0x7d && top === OBJECT) || (c === 0x5d && top === ARRAY)) {
            pos = this.closeContainer(pos, top);
            if (kinds.length === 0) return this.done(pos);
            continue;
          }
          return this.fail(pos);
        }
      }
    }
    this.status = ScanStatus.NeedMore;
    return this.status;
  }

  private done(pos: number): ScanStatus {
    this.end = pos;
    this.status = ScanStatus.Done;
    return this.status;
  }

  private fail(pos: number): ScanStatus {
    this.errorPos = pos;
    this.status = ScanStatus.Error;
    return this.status;
  }

  private closeContainer(pos: number, kind: number): number {
    this.kinds.pop();
    if (kind === OBJECT) this.facts.close();
    else this.facts.closeArray();
    this.state = State.AfterValue;
    return pos + 1;
  }

  /** Scans one value starting with byte `c` at `pos`; returns the position after it, or -(errorPos+1). */
  private value(buf: Buffer, pos: number, end: number, c: number): number {
    const cls = this.pendingClass;
    this.pendingClass = FieldClass.None;
    if (c === 0x22) {
      const close = this.scanString(buf, pos + 1, end);
      if (close < 0) return close;
      if (cls !== FieldClass.None) {
        const text = this.escaped
          ? (JSON.parse(buf.toString("utf8", pos, close + 1)) as string)
          : buf.utf8Slice(pos + 1, close);
        this.facts.field(cls, this.pendingName, text);
      }
      this.state = State.AfterValue;
      return close + 1;
    }
    if (c === 0x7b || c === 0x5b) {
      if (cls !== FieldClass.None) this.facts.field(cls, this.pendingName, null);
      if (c === 0x7b) {
        this.kinds.push(OBJECT);
        this.facts.open();
        this.state = State.FirstKeyOrEnd;
      } else {
        this.kinds.push(ARRAY);
        this.facts.openArray();
        this.state = State.FirstValueOrEnd;
      }
      return pos + 1;
    }
    let next: number;
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      next = scanNumber(buf, pos, end);
      if (next < 0) return next;
      if (cls !== FieldClass.None)
        this.facts.field(cls, this.pendingName, Number(buf.latin1Slice(pos, next)));
    } else {
      next = scanLiteral(buf, pos, end, c);
      if (next < 0) return next;
      if (cls !== FieldClass.None) this.facts.field(cls, this.pendingName, null);
    }
    this.state = State.AfterValue;
    return next;
  }

  /** Classifies the key `buf[start, close)` for the value that follows. */
  private key(buf: Buffer, start: number, close: number): void {
    if (!this.escaped && !mayBeFieldName(buf, start, close)) return;
    const name = this.escaped
      ? (JSON.parse(buf.toString("utf8", start - 1, close + 1)) as string)
      : buf.latin1Slice(start, close);
    const cls = classifyName(name);
    if (cls === FieldClass.None) return;
    this.pendingClass = cls;
    this.pendingName = name;
  }

  /** Finds the closing quote of a string whose content starts at `pos`; -(errorPos+1) when invalid. */
  private scanString(buf: Buffer, pos: number, end: number): number {
    let escaped = false;
    for (;;) {
      // One table lookup per byte (bytes that need no attention); stops at a quote, a backslash,
      // a control byte, or past the buffer's end. ~1.4x faster than three comparisons per byte.
      while (PLAIN_STRING_BYTE[buf[pos] as number] === 1) pos++;
      if (pos >= end) break;
      const b = buf[pos] as number;
      if (b === 0x22) {
        this.escaped = escaped;
        return pos;
      }
      if (b === 0x5c) {
        escaped = true;
        if (pos + 1 >= end) return -(end + 1);
        const e = buf[pos + 1] as number;
        if (e === 0x75) {
          for (let i = pos + 2; i < pos + 6; i++) {
            if (i >= end || !isHex(buf[i] as number)) return -(Math.min(i, end) + 1);
          }
          pos += 6;
          continue;
        }
        if (
          e === 0x22 ||
          e === 0x5c ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        ) {
          pos += 2;
          continue;
        }
        return -(pos + 2);
      }
      if (b < 0x20) return -(pos + 1);
      pos++;
    }
    return -(end + 1);
  }
}

/** 1 for bytes that may stand in a JSON string as they are (not `"`, `\\`, or below 0x20). */
const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let b = 0x20; b < 256; b++) PLAIN_STRING_BYTE[b] = b === 0x22 || b === 0x5c ? 0 : 1;

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
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
