/**
 * Recognises the body-less error strings of the SDKs (README "SDK error strings"): named presets
 * plus user patterns, one line at a time (blocks span lines), or over one decoded string (`scan`).
 * Pure: no framing, no I/O. A line without any preset's trigger costs one regex test.
 */
import type { Frame } from "../../core/records.js";
import { type BlockPreset, type LinePreset, PRESETS, type Preset, type TextFields } from "./presets.js";
import { textFrame } from "./text-frame.js";

/** The lines of one SDK string (or of a block that turned out not to be one), settled together. */
export interface TextSpan {
  /** First and last physical line. */
  readonly from: number;
  readonly to: number;
  /** The responses it holds: none when the string had no request id (its lines are not responses). */
  readonly frames: readonly Frame[];
}

/** What one line did. */
export interface TextStep {
  /** A block that was open before this line and ended before it (this line is not part of it). */
  readonly closed: TextSpan | null;
  /** A string that ends with this line (and includes it): one line, or a block from `from`. */
  readonly span: TextSpan | null;
  /** The line opens or continues a block that is not complete yet: hold it. */
  readonly held: boolean;
}

const NOTHING: TextStep = { closed: null, span: null, held: false };
const HELD: TextStep = { closed: null, span: null, held: true };

/** The presets and user patterns one source uses, compiled once at start. */
export interface TextRules {
  readonly presets: readonly Preset[];
  /** User patterns (validated by the config): named groups requestId, code, status, message, hostId. */
  readonly patterns: readonly RegExp[];
}

export const DEFAULT_TEXT_RULES: TextRules = { presets: PRESETS, patterns: [] };

/** Longest block: a string that goes on longer is taken as it stands. */
export const MAX_BLOCK_LINES = 16;

interface OpenBlock {
  readonly preset: BlockPreset;
  readonly keys: RegExp;
  readonly from: number;
  to: number;
  readonly prefix: string;
  readonly fields: TextFields;
}

const NO_KEY = -1;
const KEYS = 0;
const LAST_KEY = 1;

/** Block margins: indentation, Terraform's box `│`, a `|`. */
const MARGIN = /^[\s│|]*/;

export class SdkTextRecognizer {
  private open: OpenBlock | null = null;
  private readonly trigger: RegExp | null;
  private readonly keyRegexes = new Map<BlockPreset, RegExp>();

  constructor(private readonly rules: TextRules = DEFAULT_TEXT_RULES) {
    const needles = rules.presets.map((p) => escapeRegex(p.needle));
    // One test per line: the union of every preset's literal (V8 matches an alternation of literals fast).
    this.trigger = needles.length === 0 ? null : new RegExp(needles.join("|"));
    for (const p of rules.presets) if (p.kind === "block") this.keyRegexes.set(p, keyRegex(p));
  }

  /** Nothing is held: no block is open. */
  get idle(): boolean {
    return this.open === null;
  }

  /** Offers one physical line (its text without the line terminator). */
  line(text: string, lineNo: number): TextStep {
    let closed: TextSpan | null = null;
    const open = this.open;
    if (open !== null) {
      const cont = this.continueBlock(open, text, lineNo);
      if (cont === "more") return HELD;
      if (cont === "done") return { closed: null, span: this.close(), held: false };
      closed = this.close();
    }
    const step = this.fresh(text, lineNo);
    if (closed === null) return step;
    return { closed, span: step.span, held: step.held };
  }

  /** The input ended or went quiet: an open block is complete as it stands. */
  settle(): TextSpan | null {
    return this.open === null ? null : this.close();
  }

  /**
   * Every SDK string in one decoded text (a JSON string value, with `\n` inside), all reported at
   * `lineNo`, the physical line of the enclosing string. Independent of the line state.
   */
  scan(text: string, lineNo: number): Frame[] {
    if (!this.mayHold(text)) return [];
    return this.scanLines(text.split(/\r?\n/), lineNo, false);
  }

  private mayHold(text: string): boolean {
    return this.rules.patterns.length > 0 || (this.trigger !== null && this.trigger.test(text));
  }

  private scanLines(lines: readonly string[], lineNo: number, escaped: boolean): Frame[] {
    const inner = new SdkTextRecognizer(this.rules);
    inner.escaped = escaped;
    const frames: Frame[] = [];
    const take = (span: TextSpan | null) => {
      if (span !== null) for (const f of span.frames) frames.push(at(f, lineNo));
    };
    for (const l of lines) {
      const step = inner.line(l, lineNo);
      take(step.closed);
      take(step.span);
    }
    take(inner.settle());
    return frames;
  }

  /** Values end at an unescaped `"` (the text came from inside a quoted string). */
  private escaped = false;

  /** A line with no block open. */
  private fresh(text: string, lineNo: number): TextStep {
    if (!this.mayHold(text)) return NOTHING;
    // A string logged with its newlines escaped (`\n` in a JSON or logfmt value): its parts are lines.
    if (!this.escaped && text.includes("\\n")) {
      const frames = this.scanLines(text.split(/\\r\\n|\\n/), lineNo, true);
      return frames.length === 0
        ? NOTHING
        : { closed: null, span: { from: lineNo, to: lineNo, frames }, held: false };
    }
    for (const re of this.rules.patterns) {
      const m = re.exec(text);
      if (m?.groups === undefined) continue;
      const frame = this.frame({ ...definedGroups(m.groups) }, text.slice(0, m.index), lineNo, lineNo);
      if (frame !== null)
        return { closed: null, span: { from: lineNo, to: lineNo, frames: [frame] }, held: false };
    }
    for (const p of this.rules.presets) {
      if (!text.includes(p.needle)) continue;
      const step = p.kind === "line" ? this.lineString(p, text, lineNo) : this.startBlock(p, text, lineNo);
      if (step !== null) return step;
    }
    return NOTHING;
  }

  private lineString(p: LinePreset, text: string, lineNo: number): TextStep | null {
    const m = p.regex.exec(text);
    if (m === null) return null;
    const fields: TextFields = definedGroups(m.groups ?? {});
    p.complete?.(fields);
    const frame = this.frame(fields, text.slice(0, m.index), lineNo, lineNo);
    return frame === null
      ? null
      : { closed: null, span: { from: lineNo, to: lineNo, frames: [frame] }, held: false };
  }

  private startBlock(p: BlockPreset, text: string, lineNo: number): TextStep | null {
    const m = p.start.exec(text);
    if (m === null) return null;
    const keys = this.keyRegexes.get(p) as RegExp;
    const block: OpenBlock = {
      preset: p,
      keys,
      from: lineNo,
      to: lineNo,
      prefix: text.slice(0, m.index),
      fields: definedGroups(m.groups ?? {}),
    };
    this.open = block;
    if (this.readFields(block, text, m.index + m[0].length, false) === LAST_KEY)
      return { closed: null, span: this.close(), held: false };
    return HELD;
  }

  /** "more": the line is one of the block's fields; "done": its last field; "other": not part of it. */
  private continueBlock(block: OpenBlock, text: string, lineNo: number): "more" | "done" | "other" {
    if (lineNo - block.from >= MAX_BLOCK_LINES) return "other";
    const margin = MARGIN.exec(text)?.[0].length ?? 0;
    if (margin === text.length) return "other";
    const read = this.readFields(block, text, margin, true);
    if (read === NO_KEY) return "other";
    block.to = lineNo;
    return read === LAST_KEY ? "done" : "more";
  }

  /**
   * Reads `Key: value` fields of the block's keys from `from`; with `mustStart` the text there must
   * begin with a key (else nothing is read: NO_KEY). LAST_KEY when the block's last key was read.
   */
  private readFields(block: OpenBlock, text: string, from: number, mustStart: boolean): number {
    const re = block.keys;
    re.lastIndex = from;
    let m = re.exec(text);
    if (m === null) return mustStart ? NO_KEY : KEYS;
    if (mustStart && m.index !== from) return NO_KEY;
    const f = block.fields;
    const keys = block.preset.keys;
    let last = false;
    while (m !== null) {
      const key = m[1] as string;
      const valueStart = m.index + m[0].length;
      const next = re.exec(text);
      let value = text.slice(valueStart, next === null ? text.length : next.index);
      if (this.escaped) value = unescapeQuoted(value);
      value = value.trim().replace(/[,;]$/, "").trim();
      const field = keys[key];
      if (field !== null && field !== undefined && f[field] === undefined) f[field] = value;
      if (key === block.preset.last) last = true;
      m = next;
    }
    return last ? LAST_KEY : KEYS;
  }

  private close(): TextSpan {
    const block = this.open as OpenBlock;
    this.open = null;
    const f = block.fields;
    block.preset.complete?.(f);
    const frame = this.frame(f, block.prefix, block.from, block.to);
    return { from: block.from, to: block.to, frames: frame === null ? [] : [frame] };
  }

  private frame(f: TextFields, prefix: string, from: number, to: number): Frame | null {
    return textFrame(f, prefix, from, to);
  }
}

function at(f: Frame, lineNo: number): Frame {
  return f.lineStart === lineNo && f.lineEnd === lineNo ? f : { ...f, lineStart: lineNo, lineEnd: lineNo };
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
function unescapeQuoted(value: string): string {
  const end = value.search(/(?<!\\)"/);
  return (end < 0 ? value : value.slice(0, end)).replace(/\\(["\\/])/g, "$1");
}
