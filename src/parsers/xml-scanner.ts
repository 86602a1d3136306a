import { firstNonBlank } from "./blanks.js";
import type { FactsBuilder } from "./facts.js";
import { classifyBytes, FieldClass } from "./field-names.js";
import { decodeEntities } from "./xml-names.js";

/**
 * The fast path for an XML document that starts and ends on one line: declaration, elements with
 * plain attributes, text with the predefined entities. It accepts only documents that are plainly
 * well-formed and returns -1 for anything else (comments, CDATA, DOCTYPE, odd names, unknown
 * entities, a mismatched tag, text right inside the root, the line ending first), which the framer
 * then gives to sax, the full parser. sax alone runs at 20–27 MiB/s (test/bench/evidence.md).
 *
 * Names are compared and classified as bytes; strings are built only for fields. Returns the
 * position after the root's end tag, -1 to let sax decide, or REJECTED for what sax would reject
 * too (a mismatched end tag, text right inside the root, deeper than MAX_DEPTH), with the elements
 * nested in the root that were open then in `rejectedOpen`: they fail the same way.
 */
export function scanXmlLine(buf: Buffer, pos: number, end: number, facts: FactsBuilder): number {
  facts.reset();
  if (rejectedOpen.length > 0) rejectedOpen.length = 0;
  if (startsWith(buf, pos, end, XML_DECL)) {
    const close = buf.indexOf(DECL_END, pos + 5);
    if (close < 0 || close + 2 > end || !plainDeclaration(buf, pos, close + 2)) return -1;
    pos = firstNonBlank(buf, close + 2, end);
  }
  let depth = 0;
  let textStart = -1;
  let textAmp = false;
  while (pos < end) {
    if (buf[pos] !== 0x3c) return -1;
    if (buf[pos + 1] === 0x2f) {
      // End tag: the open element's name, byte for byte, then `>` (white space allowed before it).
      if (depth === 0) return -1;
      depth--;
      const s0 = NAME_START[depth] as number;
      const nameEnd = pos + 2 + ((NAME_END[depth] as number) - s0);
      if (nameEnd > end) return -1;
      if (!sameBytes(buf, s0, pos + 2, nameEnd - pos - 2)) return reject(depth + 1);
      const gt = firstNonBlank(buf, nameEnd, end);
      if (gt >= end || buf[gt] !== 0x3e) return -1;
      // The start tag's local name (the end tag's bytes are the same, at another place).
      const local = LOCAL_START[depth] as number;
      const localEnd = NAME_END[depth] as number;
      if (OPENED[depth] === 1) {
        facts.close(depth === 0 ? buf.latin1Slice(local, localEnd) : undefined);
        if (depth > 0) {
          const cls = classifyBytes(buf, local, localEnd);
          if (cls !== FieldClass.None) facts.field(cls, buf.latin1Slice(local, localEnd), null);
        }
      } else if (depth > 0) {
        const cls = classifyBytes(buf, local, localEnd);
        if (cls !== FieldClass.None) {
          const text = textStart >= 0 ? buf.utf8Slice(textStart, pos) : "";
          facts.field(
            cls,
            buf.latin1Slice(local, localEnd),
            textAmp ? (decodeEntities(text) as string) : text,
          );
        }
      } else {
        // A root without children: still a (non-response) document.
        facts.open();
        facts.close(buf.latin1Slice(local, localEnd));
      }
      pos = gt + 1;
      if (depth === 0) return pos;
    } else {
      // Start tag.
      const nameStart = pos + 1;
      const nameEnd = scanName(buf, nameStart, end);
      if (nameEnd < 0) return -1;
      const local = firstColon < 0 ? nameStart : firstColon + 1;
      const tagEnd = scanAttributes(buf, nameEnd, end);
      if (tagEnd < 0) return -1;
      if (depth > 0 && OPENED[depth - 1] === 0) {
        OPENED[depth - 1] = 1;
        facts.open();
      }
      if (buf[tagEnd - 2] === 0x2f) {
        // Self-closing: an empty field, or an empty root.
        if (depth === 0) {
          facts.open();
          facts.close(buf.latin1Slice(local, nameEnd));
          return tagEnd;
        }
        const cls = classifyBytes(buf, local, nameEnd);
        if (cls !== FieldClass.None) facts.field(cls, buf.latin1Slice(local, nameEnd), "");
      } else {
        if (depth >= MAX_DEPTH) return reject(depth);
        NAME_START[depth] = nameStart;
        NAME_END[depth] = nameEnd;
        LOCAL_START[depth] = local;
        OPENED[depth] = 0;
        depth++;
      }
      pos = tagEnd;
    }
    // Text up to the next tag: checked for entities, and for text right inside the root (no API
    // response has it, and Java's `at Foo.<init>(Foo.java:10)` must not open a document).
    let p = pos;
    let amp = -1;
    for (; p < end; p++) {
      const b = buf[p];
      if (b === 0x3c) break;
      if (b === 0x26 && amp < 0) amp = p;
    }
    if (p >= end) return -1;
    if (depth === 1) {
      const t = firstNonBlank(buf, pos, p);
      // An ASCII character is text for sax too (a non-ASCII space might not be: sax decides).
      if (t < p) {
        if ((buf[t] as number) >= 0x80) return -1;
        reject(1);
        rejectedRoot.textOnly = OPENED[0] === 0;
        return REJECTED;
      }
    }
    if (amp >= 0 && !validEntities(buf, amp, p)) return -1;
    textStart = pos;
    textAmp = amp >= 0;
    pos = p;
  }
  return -1;
}

/** No API response is deeper (sax gives up at the same depth, xml-sax.ts); the stacks stay small. */
export const MAX_DEPTH = 256;

export const REJECTED = -2;

/** After REJECTED: the start positions of the open elements nested in the root. */
export const rejectedOpen: number[] = [];
/** After REJECTED: whether the root held text before any element (then it is not a body). */
export const rejectedRoot = { textOnly: false };

function reject(depth: number): number {
  rejectedRoot.textOnly = false;
  for (let d = 1; d < depth; d++) rejectedOpen.push((NAME_START[d] as number) - 1);
  return REJECTED;
}
const NAME_START = new Int32Array(MAX_DEPTH);
const NAME_END = new Int32Array(MAX_DEPTH);
const LOCAL_START = new Int32Array(MAX_DEPTH);
/** 1 once the element has a child element (then it is a container in the FactsBuilder). */
const OPENED = new Uint8Array(MAX_DEPTH);

const XML_DECL = Buffer.from("<?xml");
const DECL_END = Buffer.from("?>");
/** A plain declaration (`version`, `encoding`, `standalone` pseudo-attributes); anything else goes to sax. */
const XML_DECL_SHAPE = /^<\?xml(?:[ \t]+[A-Za-z]+[ \t]*=[ \t]*(?:"[^"<>?&]*"|'[^'<>?&]*'))*[ \t]*\?>$/;

function sameBytes(buf: Buffer, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

function startsWith(buf: Buffer, pos: number, end: number, word: Buffer): boolean {
  if (pos + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (buf[pos + i] !== word[i]) return false;
  return true;
}

/**
 * Position of the first `:` in the name scanName read last (-1: none): the local name follows it,
 * as xml-names.ts `localName` (what sax's names give) has it, a `:` first in the name included.
 */
let firstColon = -1;

/** An ASCII XML name; -1 when the name is empty or has other characters (sax decides those). */
function scanName(buf: Buffer, pos: number, end: number): number {
  firstColon = -1;
  if (pos >= end || NAME_START_BYTE[buf[pos] as number] !== 1) return -1;
  if (buf[pos] === 0x3a) firstColon = pos;
  for (pos++; pos < end; pos++) {
    const b = buf[pos] as number;
    if (NAME_BYTE[b] !== 1) break;
    if (b === 0x3a && firstColon < 0) firstColon = pos;
  }
  return pos;
}

/** The last declaration that passed XML_DECL_SHAPE: the same bytes need no regex again. */
let lastDeclaration = Buffer.alloc(0);

function plainDeclaration(buf: Buffer, start: number, end: number): boolean {
  const n = end - start;
  if (n === lastDeclaration.length && sameAs(buf, start, lastDeclaration)) return true;
  if (!XML_DECL_SHAPE.test(buf.latin1Slice(start, end))) return false;
  lastDeclaration = Buffer.from(buf.subarray(start, end));
  return true;
}

/** Attributes `name="value"` up to `>` or `/>`; returns the position after the tag. */
function scanAttributes(buf: Buffer, pos: number, end: number): number {
  for (;;) {
    const afterWs = firstNonBlank(buf, pos, end);
    if (afterWs >= end) return -1;
    const c = buf[afterWs];
    if (c === 0x3e) return afterWs + 1;
    if (c === 0x2f) return afterWs + 1 < end && buf[afterWs + 1] === 0x3e ? afterWs + 2 : -1;
    if (afterWs === pos) return -1; // attributes must be separated by white space
    const nameEnd = scanName(buf, afterWs, end);
    if (nameEnd < 0) return -1;
    const eq = firstNonBlank(buf, nameEnd, end);
    if (buf[eq] !== 0x3d) return -1;
    const q = firstNonBlank(buf, eq + 1, end);
    const quote = buf[q];
    if (quote !== 0x22 && quote !== 0x27) return -1;
    let i = q + 1;
    for (; i < end && buf[i] !== quote; i++) {
      const b = buf[i];
      if (b === 0x3c || b === 0x26) return -1;
    }
    if (i >= end) return -1;
    pos = i + 1;
  }
}

/**
 * Every `&` in `buf[pos, end)` starts `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` or a character
 * reference `&#N;` / `&#xH;` (at most U+10FFFF): what strict sax accepts. Checked on bytes; the
 * string decoding (decodeEntities) is done for field values only.
 */
function validEntities(buf: Buffer, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) {
    if (buf[i] !== 0x26) continue;
    const next = entityEnd(buf, i + 1, end);
    if (next < 0) return false;
    i = next - 1;
  }
  return true;
}

/** The position after the `;` of the entity whose name starts at `p`, or -1. */
function entityEnd(buf: Buffer, p: number, end: number): number {
  if (buf[p] === 0x23) {
    let q = p + 1;
    const hex = buf[q] === 0x78;
    if (hex) q++;
    const digitsStart = q;
    let value = 0;
    for (; q < end && buf[q] !== 0x3b; q++) {
      const b = buf[q] as number;
      const d =
        b >= 0x30 && b <= 0x39
          ? b - 0x30
          : hex && (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66
            ? (b | 0x20) - 0x57
            : -1;
      if (d < 0) return -1;
      value = value * (hex ? 16 : 10) + d;
      if (value > 0x10ffff) return -1;
    }
    return q < end && q > digitsStart && isXmlChar(value) ? q + 1 : -1;
  }
  for (const name of NAMED_ENTITIES) {
    if (p + name.length <= end && sameAs(buf, p, name)) return p + name.length;
  }
  return -1;
}

/** XML 1.0 `Char`: what a character reference may name (sax checks the same). */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

const NAMED_ENTITIES = ["amp;", "lt;", "gt;", "quot;", "apos;"].map((n) => Buffer.from(n));

function sameAs(buf: Buffer, p: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) if (buf[p + i] !== word[i]) return false;
  return true;
}

const NAME_START_BYTE = new Uint8Array(256);
const NAME_BYTE = new Uint8Array(256);
for (let b = 0; b < 128; b++) {
  const ch = String.fromCharCode(b);
  if (/[A-Za-z_:]/.test(ch)) NAME_START_BYTE[b] = 1;
  if (/[A-Za-z0-9_:.-]/.test(ch)) NAME_BYTE[b] = 1;
}
