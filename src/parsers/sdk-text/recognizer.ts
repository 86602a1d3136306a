/**
 * Recognises the body-less error strings of the SDKs (README "SDK error strings"): named presets
 * plus user patterns, as a TextRecognizer for the framer (`find` + a BodyParser: one line, or a
 * block over the lines that follow; the framer also feeds it the decoded text of JSON strings).
 *
 * Lines are matched as latin1 text, so that a string index is a byte position (UTF-8 bytes keep
 * their values; field values are decoded as UTF-8 at the end).
 */
import type { Parsed } from "../../core/records.js";
import { type BodyParser, failedAt, MORE, type Outcome, type TextRecognizer } from "../body-parser.js";
import { type BlockPreset, PRESETS, type Preset, type TextFields } from "./presets.js";
import { textParsed } from "./text-frame.js";

/** The presets and user patterns one source uses (config `sources[].sdkStrings`, see rules.ts). */
export interface TextRules {
  readonly presets: readonly Preset[];
  /** User patterns (validated by the config): named groups requestId, code, status, message, hostId. */
  readonly patterns: readonly RegExp[];
}

export const DEFAULT_TEXT_RULES: TextRules = { presets: PRESETS, patterns: [] };

/** How far past the next body candidate a string that starts before it is looked at. */
const MAX_STRING_TAIL = 4096;

/** How much of a window the next one looks at again (a string cut by the window's end). */
const WINDOW_OVERLAP = 512;

/** Longest block in lines: a string that goes on longer is taken as it stands. */
const MAX_BLOCK_LINES = 16;

/** One recognizer per pipeline (it holds an open block); null when nothing is to be recognised. */
export function createTextRecognizer(rules: TextRules): TextRecognizer | null {
  if (rules.presets.length === 0 && rules.patterns.length === 0) return null;
  return new SdkTextParser(compiled(rules));
}

interface Compiled {
  readonly rules: TextRules;
  /** The union of every preset's literal: one test decides that a text holds none. */
  readonly trigger: RegExp | null;
  readonly keys: ReadonlyMap<BlockPreset, RegExp>;
  /** Each block preset's start, global: only its last start on a line counts (see firstHit). */
  readonly starts: ReadonlyMap<BlockPreset, RegExp>;
}

const cache = new WeakMap<TextRules, Compiled>();

function compiled(rules: TextRules): Compiled {
  let c = cache.get(rules);
  if (c === undefined) {
    const needles = rules.presets.map((p) => escapeRegex(p.needle));
    const keys = new Map<BlockPreset, RegExp>();
    const starts = new Map<BlockPreset, RegExp>();
    for (const p of rules.presets) {
      if (p.kind !== "block") continue;
      keys.set(p, keyRegex(p));
      starts.set(p, new RegExp(p.start.source, "g"));
    }
    c = { rules, trigger: needles.length === 0 ? null : new RegExp(needles.join("|"), "g"), keys, starts };
    cache.set(rules, c);
  }
  return c;
}

/** A string found on a line: where it starts and ends (text positions), what it said. */
interface Hit {
  readonly start: number;
  readonly end: number;
  readonly fields: TextFields;
  /** The block it starts, or null for a one-line string. */
  readonly block: BlockPreset | null;
  /** A one-line string's facts (made once, when it was found); null for a block. */
  readonly parsed: Parsed | null;
}

interface OpenBlock {
  readonly preset: BlockPreset;
  readonly keys: RegExp;
  readonly fields: TextFields;
  lines: number;
  /** End of the last line fed (for `finish`). */
  lastEnd: number;
}

const NO_KEY = -1;
const KEYS = 0;
const LAST_KEY = 1;

/** Block margins: indentation, Terraform's box `│` (as latin1: its three UTF-8 bytes), a `|`. */
const MARGIN = /^(?:[\s|]|\xe2\x94\x82)*/;
/** A newline escaped inside a quoted string (logfmt, Terraform `[ERROR]` lines). */
const ESCAPED_NEWLINE = /\\r\\n|\\n/g;

class SdkTextParser implements TextRecognizer, BodyParser {
  readonly format = "text" as const;
  private block: OpenBlock | null = null;
  private parsed: Parsed | null = null;
  /** `find`'s match, kept for the `begin` that follows it. */
  private found: { buf: Buffer; at: number; hit: Hit } | null = null;
  /** The line text `lineText` made last: `text` is `textBuf[textFrom, textEnd)` as latin1. */
  private textBuf: Buffer | null = null;
  private textFrom = 0;
  private textEnd = 0;
  private text = "";
  /** The last `nextNeedle` answer: the first literal at or after `needleFrom` (-1: none; needleFrom -1: none asked). */
  private needleFrom = -1;
  private needleAt = -1;
  /**
   * Per preset, the same for its own literal in `text`: the first at or after `presetFrom[i]` is
   * at `presetAt[i]` (-1: none; `presetFrom[i]` -1: not asked on this line). A line of thousands of
   * strings then searches each literal once, not once per window.
   */
  private readonly presetFrom: Int32Array;
  private readonly presetAt: Int32Array;

  constructor(private readonly c: Compiled) {
    this.presetFrom = new Int32Array(c.rules.presets.length).fill(-1);
    this.presetAt = new Int32Array(c.rules.presets.length);
  }

  get parser(): BodyParser {
    return this;
  }

  newLine(): void {
    this.textBuf = null;
  }

  another(): TextRecognizer {
    return new SdkTextParser(this.c);
  }

  find(buf: Buffer, pos: number, limit: number, end: number = limit): number {
    if (limit <= pos) return -1;
    const c = this.c;
    const line = this.lineText(buf, pos, end);
    const base = this.textFrom;
    let windowStart = pos;
    for (;;) {
      // Where the next preset's literal is: one search per line, shared by the calls on it.
      const needle = this.nextNeedle(line, windowStart);
      if (needle >= limit || (needle < 0 && (c.rules.patterns.length === 0 || windowStart > pos))) return -1;
      // A string starts before `limit` and is short: it is looked for in a window that ends a bound
      // past its literal (or past `limit`), so that a line of many strings or candidates costs
      // linear time; a window without one gives way to the next, which overlaps it by WINDOW_OVERLAP.
      const windowEnd = Math.min(end, (needle < 0 ? limit : needle) + MAX_STRING_TAIL);
      const hit = this.firstHit(
        line.slice(windowStart - base, windowEnd - base),
        limit - windowStart,
        windowStart - base,
      );
      if (hit !== null) {
        this.found = { buf, at: windowStart + hit.start, hit };
        return windowStart + hit.start;
      }
      if (needle < 0 || windowEnd >= Math.min(end, limit + MAX_STRING_TAIL)) return -1;
      windowStart = Math.max(needle + 1, windowEnd - WINDOW_OVERLAP);
    }
  }

  /**
   * The line's text from `pos` as latin1, made once per line (until `newLine`): slicing the rest of
   * a long line at every string on it was quadratic, and the values cut from each copy kept it alive.
   */
  private lineText(buf: Buffer, pos: number, end: number): string {
    if (buf !== this.textBuf || end !== this.textEnd || pos < this.textFrom) {
      this.textBuf = buf;
      this.textEnd = end;
      this.textFrom = pos;
      this.text = buf.latin1Slice(pos, end);
      this.needleFrom = -1;
      this.presetFrom.fill(-1);
    }
    return this.text;
  }

  /** The position of the first preset literal at or after `pos` on the current line, or -1. */
  private nextNeedle(line: string, pos: number): number {
    const trigger = this.c.trigger;
    if (trigger === null) return -1;
    const at = this.needleAt;
    if (this.needleFrom >= 0 && this.needleFrom <= pos && (at < 0 || at >= pos)) return at;
    trigger.lastIndex = pos - this.textFrom;
    const m = trigger.exec(line);
    this.needleFrom = pos;
    this.needleAt = m === null ? -1 : this.textFrom + m.index;
    return this.needleAt;
  }

  begin(buf: Buffer, pos: number, end: number): Outcome {
    this.parsed = null;
    this.block = null;
    const found = this.found;
    this.found = null;
    let hit: Hit | null;
    if (found !== null && found.buf === buf && found.at === pos) hit = found.hit;
    else {
      hit = this.firstHit(buf.latin1Slice(pos, Math.min(end, pos + MAX_STRING_TAIL)), 1);
      if (hit !== null && hit.start !== 0) hit = null;
    }
    if (hit === null) return failedAt(pos);
    const start = pos - hit.start;
    if (hit.block === null) {
      this.parsed = hit.parsed;
      return this.parsed === null ? failedAt(pos) : start + hit.end;
    }
    // A block's start line holds at most a few fields after its start: a longer rest is no block
    // start (and a line of many starts cannot open a block at each one).
    if (end - (start + hit.end) > MAX_STRING_TAIL) return failedAt(pos);
    const block: OpenBlock = {
      preset: hit.block,
      keys: this.c.keys.get(hit.block) as RegExp,
      fields: hit.fields,
      lines: 1,
      lastEnd: end,
    };
    const rest = buf.latin1Slice(start + hit.end, end);
    const restAt = start + hit.end;
    // Only the last start of a preset on a line opens a block: a line cannot be held once per start.
    if (rest.indexOf(hit.block.needle, 1) >= 0) return failedAt(pos);
    this.block = block;
    if (rest.includes("\\n")) return this.escapedBlock(block, rest, restAt, end);
    const read = readFields(block, rest, 0, false, false);
    if (read.state === LAST_KEY) return this.complete(restAt + read.endAt);
    return MORE;
  }

  feed(buf: Buffer, start: number, end: number): Outcome {
    const block = this.block;
    if (block === null) return failedAt(start);
    if (start === end || block.lines >= MAX_BLOCK_LINES) return this.complete(start);
    const text = buf.latin1Slice(start, end);
    const margin = MARGIN.exec(text)?.[0].length ?? 0;
    if (margin === text.length) return this.complete(start);
    const read = readFields(block, text, margin, true, false);
    if (read.state === NO_KEY) return this.complete(start);
    block.lines++;
    block.lastEnd = end;
    return read.state === LAST_KEY ? this.complete(start + read.endAt) : MORE;
  }

  finish(): Outcome {
    const block = this.block;
    return block === null ? failedAt(0) : this.complete(block.lastEnd);
  }

  result(): Parsed | null {
    return this.parsed;
  }

  /** The open block ends at `at`: done there when it has a request id, else failed there. */
  private complete(at: number): Outcome {
    const block = this.block as OpenBlock;
    this.block = null;
    block.preset.complete?.(block.fields);
    this.parsed = textParsed(block.fields);
    return this.parsed === null ? failedAt(at) : at;
  }

  /** A block whose lines are `\n` escapes inside one quoted value: it ends on this line. */
  private escapedBlock(block: OpenBlock, rest: string, restAt: number, end: number): Outcome {
    let partStart = 0;
    let first = true;
    for (;;) {
      ESCAPED_NEWLINE.lastIndex = partStart;
      const nl = ESCAPED_NEWLINE.exec(rest);
      const partEnd = nl === null ? rest.length : nl.index;
      const part = rest.slice(partStart, partEnd);
      const margin = first ? 0 : (MARGIN.exec(part)?.[0].length ?? 0);
      const read = readFields(block, part, margin, !first, true);
      if (read.state === NO_KEY) return this.complete(restAt + partStart);
      if (read.state === LAST_KEY) return this.complete(restAt + partStart + read.endAt);
      if (nl === null || ++block.lines > MAX_BLOCK_LINES) return this.complete(end);
      partStart = nl.index + nl[0].length;
      first = false;
    }
  }

  /**
   * The last start of a block preset before `limit`: a block's fields follow its start on the same
   * line, so an earlier start would take the later one's fields too. Taking the last one bounds the
   * blocks a line can open (and fail) to one per preset.
   */
  private lastStart(p: BlockPreset, text: string, limit: number): RegExpExecArray | null {
    const re = this.c.starts.get(p) as RegExp;
    re.lastIndex = 0;
    let last: RegExpExecArray | null = null;
    for (let m = re.exec(text); m !== null && m.index < limit; m = re.exec(text)) {
      last = m;
      if (m[0].length === 0) re.lastIndex++;
    }
    return last;
  }

  /**
   * Whether preset `i`'s literal `needle` lies whole in `text[from, to)` of the current line, from
   * the kept answer when it still holds.
   */
  private lineHas(i: number, needle: string, from: number, to: number): boolean {
    let at = this.presetAt[i] as number;
    const asked = this.presetFrom[i] as number;
    if (asked < 0 || from < asked || (at >= 0 && at < from)) {
      at = this.text.indexOf(needle, from);
      this.presetFrom[i] = from;
      this.presetAt[i] = at;
    }
    return at >= 0 && at + needle.length <= to;
  }

  /**
   * The earliest string that starts before `limit` and is one (a one-line string needs its request
   * id). `lineAt`: where `text` starts in the current line's text (its literals are looked up there),
   * or -1 for a text of its own.
   */
  private firstHit(text: string, limit: number, lineAt = -1): Hit | null {
    let best: Hit | null = null;
    for (const re of this.c.rules.patterns) {
      const m = re.exec(text);
      if (m !== null && m.index < limit && (best === null || m.index < best.start)) {
        const fields = definedGroups(m.groups ?? {});
        const parsed = textParsed(fields);
        if (parsed !== null)
          best = { start: m.index, end: m.index + m[0].length, fields, block: null, parsed };
      }
    }
    const presets = this.c.rules.presets;
    for (let i = 0; i < presets.length; i++) {
      const p = presets[i] as Preset;
      const has =
        lineAt < 0 ? text.includes(p.needle) : this.lineHas(i, p.needle, lineAt, lineAt + text.length);
      if (!has) continue;
      const m = p.kind === "line" ? p.regex.exec(text) : this.lastStart(p, text, limit);
      if (m === null || m.index >= limit || (best !== null && m.index >= best.start)) continue;
      const fields = definedGroups(m.groups ?? {});
      let parsed: Parsed | null = null;
      if (p.kind === "line") {
        p.complete?.(fields);
        parsed = textParsed(fields);
        if (parsed === null) continue;
      }
      best = {
        start: m.index,
        end: m.index + m[0].length,
        fields,
        block: p.kind === "block" ? p : null,
        parsed,
      };
    }
    return best;
  }
}

/**
 * Reads the block's `Key: value` fields in `text` from `from`. With `mustStart` the text there must
 * begin with a key (else NO_KEY). `endAt`: where the block ends on this text when its last key was
 * read (the start of that key's value: a tea `Data: {…}` body is framed on its own).
 */
function readFields(
  block: OpenBlock,
  text: string,
  from: number,
  mustStart: boolean,
  quoted: boolean,
): { state: number; endAt: number } {
  const re = block.keys;
  re.lastIndex = from;
  let m = re.exec(text);
  if (m === null || (mustStart && m.index !== from)) return { state: mustStart ? NO_KEY : KEYS, endAt: 0 };
  const f = block.fields;
  const keys = block.preset.keys;
  while (m !== null) {
    const key = m[1] as string;
    const valueStart = m.index + m[0].length;
    const next = re.exec(text);
    let value = text.slice(valueStart, next === null ? text.length : next.index);
    if (quoted) value = unquoted(value);
    value = value.trim().replace(/[,;]$/, "").trim();
    const field = keys[key];
    if (field !== null && field !== undefined && f[field] === undefined) f[field] = value;
    if (key === block.preset.last) return { state: LAST_KEY, endAt: valueStart };
    m = next;
  }
  return { state: KEYS, endAt: 0 };
}

/** The keys of a block preset, each after a non-word character or the start, then `:` or `=`. */
function keyRegex(p: BlockPreset): RegExp {
  const keys = Object.keys(p.keys)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegex);
  return new RegExp(String.raw`(?<![\w.-])(${keys.join("|")})[ \t]*[:=][ \t]?`, "g");
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The groups that matched (a group that did not take part is undefined, not a field). */
function definedGroups(groups: Record<string, string | undefined>): TextFields {
  const f: TextFields = {};
  for (const k of ["requestId", "code", "message", "hostId", "status", "data"] as const) {
    const v = groups[k];
    if (v !== undefined) f[k] = v;
  }
  return f;
}

/** A value cut out of a quoted string: it ends at the first unescaped `"`, and `\"` is a quote. */
function unquoted(value: string): string {
  const end = value.search(/(?<!\\)"/);
  return (end < 0 ? value : value.slice(0, end)).replace(/\\(["\\/])/g, "$1");
}
