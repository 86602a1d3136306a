import { firstNonBlank } from "../framing/candidates.js";
import type { FactsBuilder } from "./facts.js";
import { classifyName, FieldClass } from "./field-names.js";
import { decodeEntities, localName } from "./xml-names.js";

/**
 * The fast path for an XML document that starts and ends on one line: declaration, elements with
 * plain attributes, text with the predefined entities. It accepts only documents that are plainly
 * well-formed and returns -1 for anything else (comments, CDATA, DOCTYPE, odd names, unknown
 * entities, a mismatched tag, the line ending first), which the framer then gives to sax, the full
 * parser. sax alone runs at 20–27 MiB/s (parser-performance.md), far below this scanner.
 *
 * Returns the position after the root's end tag.
 */
export function scanXmlLine(buf: Buffer, pos: number, end: number, facts: FactsBuilder): number {
  facts.reset();
  if (startsWith(buf, pos, end, XML_DECL)) {
    const close = buf.indexOf(DECL_END, pos + 5);
    if (close < 0 || close + 2 > end) return -1;
    pos = skipWs(buf, close + 2, end);
  }
  const names: string[] = [];
  /** Per open element: has it a child element yet (then it is a container in `facts`)? */
  const opened: boolean[] = [];
  let textStart = -1;
  while (pos < end) {
    if (buf[pos] !== 0x3c) return -1;
    const c = buf[pos + 1];
    if (c === 0x2f) {
      // End tag.
      const nameEnd = scanName(buf, pos + 2, end);
      if (nameEnd < 0) return -1;
      const name = buf.toString("latin1", pos + 2, nameEnd);
      const gt = skipWs(buf, nameEnd, end);
      if (buf[gt] !== 0x3e || gt >= end || names[names.length - 1] !== name) return -1;
      const wasOpened = opened.pop() as boolean;
      names.pop();
      const local = localName(name);
      if (wasOpened) {
        facts.close(local);
        const cls = classifyName(local);
        if (cls !== FieldClass.None && names.length > 0) facts.field(cls, local, null);
      } else {
        const cls = classifyName(local);
        if (cls !== FieldClass.None && names.length > 0) {
          const text = textStart >= 0 ? buf.toString("utf8", textStart, pos) : "";
          facts.field(cls, local, text.includes("&") ? (decodeEntities(text) as string) : text);
        } else if (names.length === 0) {
          // A root without children: open and close it so an empty document is still well-formed.
          facts.open();
          facts.close(local);
        }
      }
      pos = gt + 1;
      if (names.length === 0) return pos;
    } else {
      // Start tag.
      const nameEnd = scanName(buf, pos + 1, end);
      if (nameEnd < 0) return -1;
      const name = buf.toString("latin1", pos + 1, nameEnd);
      const tagEnd = scanAttributes(buf, nameEnd, end);
      if (tagEnd < 0) return -1;
      const selfClosing = buf[tagEnd - 2] === 0x2f;
      if (names.length > 0 && opened[opened.length - 1] === false) {
        opened[opened.length - 1] = true;
        facts.open();
      }
      if (selfClosing) {
        const local = localName(name);
        const cls = classifyName(local);
        if (names.length === 0) {
          facts.open();
          facts.close(local);
          return tagEnd;
        }
        if (cls !== FieldClass.None) facts.field(cls, local, "");
      } else {
        names.push(name);
        opened.push(false);
      }
      pos = tagEnd;
    }
    // Text up to the next tag.
    const lt = buf.indexOf(0x3c, pos);
    if (lt < 0 || lt >= end) return -1;
    // Text right inside the root: no API response has it, and a prefix such as Java's
    // `at Foo.<init>(Foo.java:10)` must not open a document that swallows the lines after it.
    if (names.length === 1 && firstNonBlank(buf, pos, lt) < lt) return -1;
    const amp = buf.indexOf(0x26, pos);
    if (amp >= 0 && amp < lt && decodeEntities(buf.toString("utf8", pos, lt)) === null) return -1;
    textStart = pos;
    pos = lt;
  }
  return -1;
}

const XML_DECL = Buffer.from("<?xml");
const DECL_END = Buffer.from("?>");

function startsWith(buf: Buffer, pos: number, end: number, word: Buffer): boolean {
  if (pos + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (buf[pos + i] !== word[i]) return false;
  return true;
}

function skipWs(buf: Buffer, pos: number, end: number): number {
  while (pos < end) {
    const b = buf[pos];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) break;
    pos++;
  }
  return pos;
}

/** An ASCII XML name; -1 when the name is empty or has other characters (sax decides those). */
function scanName(buf: Buffer, pos: number, end: number): number {
  const first = buf[pos];
  if (first === undefined || pos >= end || NAME_START[first] !== 1) return -1;
  pos++;
  while (pos < end && NAME_CHAR[buf[pos] as number] === 1) pos++;
  return pos;
}

/** Attributes `name="value"` up to `>` or `/>`; returns the position after the tag. */
function scanAttributes(buf: Buffer, pos: number, end: number): number {
  for (;;) {
    const afterWs = skipWs(buf, pos, end);
    const c = buf[afterWs];
    if (afterWs >= end) return -1;
    if (c === 0x3e) return afterWs + 1;
    if (c === 0x2f) return buf[afterWs + 1] === 0x3e && afterWs + 1 < end ? afterWs + 2 : -1;
    if (afterWs === pos) return -1; // attributes must be separated by white space
    const nameEnd = scanName(buf, afterWs, end);
    if (nameEnd < 0) return -1;
    const eq = skipWs(buf, nameEnd, end);
    if (buf[eq] !== 0x3d) return -1;
    const q = skipWs(buf, eq + 1, end);
    const quote = buf[q];
    if (quote !== 0x22 && quote !== 0x27) return -1;
    const close = buf.indexOf(quote, q + 1);
    if (close < 0 || close >= end) return -1;
    for (let i = q + 1; i < close; i++) {
      const b = buf[i];
      if (b === 0x3c || b === 0x26) return -1;
    }
    pos = close + 1;
  }
}

const NAME_START = new Uint8Array(256);
const NAME_CHAR = new Uint8Array(256);
for (let b = 0; b < 128; b++) {
  const ch = String.fromCharCode(b);
  if (/[A-Za-z_:]/.test(ch)) NAME_START[b] = 1;
  if (/[A-Za-z0-9_:.-]/.test(ch)) NAME_CHAR[b] = 1;
}
