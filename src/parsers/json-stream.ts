import { StringDecoder } from "node:string_decoder";
import { getManyValues, isMany, none } from "stream-chain/defs.js";
// The tokenizer alone: `stream-json/parser.js` adds stream adapters that load node:stream at start-up.
import { jsonParser } from "stream-json/core/parser.js";
import type { Parsed } from "../core/records.js";
import { type BodyParser, failedAt, MORE, type Outcome } from "./body-parser.js";
import { FactsBuilder } from "./facts.js";
import { classifyName, FieldClass, MAX_FIELD_NAME_LENGTH } from "./field-names.js";

/** Field values longer than this are cut: nothing we extract needs more, and memory stays bounded. */
const MAX_VALUE_CHARS = 64 * 1024;

type Token = { name: string; value?: unknown };

/**
 * A JSON body too large to hold: stream-json's tokenizer (`jsonParser`, strings streamed in chunks,
 * so a multi-megabyte string is never held whole) fed piece by piece, reporting to the same
 * FactsBuilder as the other parsers. Memory stays bounded by the chunk size, not by the body
 * (test/bench/evidence.md: 100 MiB body at ~110 MiB RSS where JSON.parse needs 410 MiB).
 *
 * The tokenizer does not say where a value ends, and it throws (losing that call's tokens) on the
 * text after it, so a tiny string-aware brace counter finds the body's end first and only the body's
 * bytes are given to stream-json.
 */
export class StreamJsonBody implements BodyParser {
  readonly format = "json";
  readonly facts = new FactsBuilder("json");
  private open = false;
  private tokenizer = jsonParser({ packValues: false, streamValues: true });
  private decoder = new StringDecoder("utf8");
  private depth = 0;
  private inString = false;
  private escape = false;
  private key = "";
  private keyTooLong = false;
  private pending = FieldClass.None;
  private pendingName = "";
  private value = "";
  private valueKind: "string" | "number" | null = null;

  /** The body's `{` is at `buf[pos]`; the line (or this piece of it) goes on to `end`. */
  begin(buf: Buffer, pos: number, end: number): Outcome {
    this.facts.reset();
    this.tokenizer = jsonParser({ packValues: false, streamValues: true });
    this.decoder = new StringDecoder("utf8");
    this.open = true;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.pending = FieldClass.None;
    this.valueKind = null;
    return this.feed(buf, pos, end);
  }

  /** Feeds the next piece `buf[start, end)` of the line. */
  feed(buf: Buffer, start: number, end: number): Outcome {
    if (!this.open) return failedAt(start);
    const stop = this.delimit(buf, start, end);
    const last = stop < 0 ? end : stop;
    try {
      this.consume(this.tokenizer(this.decoder.write(buf.subarray(start, last))));
      if (stop < 0) return MORE;
      this.consume(this.tokenizer(this.decoder.end()));
      this.consume(this.tokenizer(none as unknown as string));
      this.open = false;
      return stop;
    } catch {
      this.open = false;
      return failedAt(end);
    }
  }

  /** The line ended before the body did. */
  finish(): Outcome {
    if (!this.open) return MORE;
    this.open = false;
    return failedAt(0);
  }

  result(): Parsed | null {
    return this.facts.result();
  }

  /** The position after the body's closing brace within `buf[start, end)`, or -1. */
  private delimit(buf: Buffer, start: number, end: number): number {
    let { depth, inString, escape: escaped } = this;
    for (let i = start; i < end; i++) {
      const b = buf[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) inString = false;
      } else if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) {
          this.depth = 0;
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escaped;
    return -1;
  }

  private consume(out: unknown): void {
    if (out === none || out === undefined) return;
    const tokens = (isMany(out) ? getManyValues(out) : [out]) as Token[];
    for (const t of tokens) this.token(t);
  }

  private token(t: Token): void {
    const facts = this.facts;
    switch (t.name) {
      case "startObject":
        this.takeValue(null);
        facts.open();
        return;
      case "endObject":
        facts.close();
        return;
      case "startArray":
        this.takeValue(null);
        facts.openArray();
        return;
      case "endArray":
        facts.closeArray();
        return;
      case "startKey":
        this.key = "";
        this.keyTooLong = false;
        return;
      case "endKey": {
        const cls = this.keyTooLong ? FieldClass.None : classifyName(this.key);
        this.pending = cls;
        this.pendingName = this.key;
        return;
      }
      case "startString":
      case "startNumber":
        this.valueKind = t.name === "startString" ? "string" : "number";
        this.value = "";
        return;
      case "stringChunk":
      case "numberChunk":
        this.chunk(t.value as string);
        return;
      case "endString":
      case "endNumber": {
        const text = this.value;
        this.valueKind = null;
        this.takeValue(t.name === "endString" ? text : Number(text));
        return;
      }
      case "nullValue":
      case "trueValue":
      case "falseValue":
        this.takeValue(null);
        return;
    }
  }

  private chunk(text: string): void {
    if (this.valueKind === null) {
      // A key's characters.
      if (this.key.length + text.length > MAX_FIELD_NAME_LENGTH) this.keyTooLong = true;
      else this.key += text;
      return;
    }
    if (this.pending !== FieldClass.None || this.valueKind === "number") {
      if (this.value.length < MAX_VALUE_CHARS)
        this.value += text.slice(0, MAX_VALUE_CHARS - this.value.length);
    }
  }

  private takeValue(value: string | number | null): void {
    if (this.pending !== FieldClass.None) this.facts.field(this.pending, this.pendingName, value);
    this.pending = FieldClass.None;
  }
}
