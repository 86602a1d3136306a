import { createRequire } from "node:module";
import type sax from "sax";
import type { Parsed } from "../core/records.js";
import { FactsBuilder } from "./facts.js";
import { classifyName, FieldClass } from "./field-names.js";
import { localName } from "./xml-names.js";
import { MAX_DEPTH } from "./xml-scanner.js";

/**
 * sax is loaded on the first document that needs it (most XML takes the one-line fast path): that
 * keeps ~12 ms off the start of `analyze` and of its worker. sax is CommonJS, so `require` can do it
 * synchronously, as the framer needs.
 */
let saxModule: typeof sax | undefined;
function loadSax(): typeof sax {
  saxModule ??= createRequire(import.meta.url)("sax") as typeof sax;
  return saxModule;
}

export enum XmlStatus {
  NeedMore = 0,
  Done = 1,
  Error = 2,
}

/**
 * The full XML parser: sax in strict mode, one document at a time, fed line by line. Used for
 * multi-line documents and for whatever the one-line fast path declines. A new sax parser is made
 * per document: a strict sax parser cannot go on after an error, and feeding several documents to
 * one parser loses records (test/bench/evidence.md, "XML").
 */
export class SaxBody {
  readonly facts = new FactsBuilder("xml");
  status = XmlStatus.NeedMore;
  /** When Done: how many UTF-16 units of the last fed text belong to the document. */
  endInLastText = 0;
  private parser: sax.SAXParser | null = null;
  private names: string[] = [];
  private opened: boolean[] = [];
  private text = "";
  private fedBefore = 0;
  /** The root has held an element (README "What counts as a response": else a failure is no body). */
  private rootHeldElement = false;
  /** Where each open element's `<` is, in UTF-16 units of the text fed since `begin` (root first). */
  readonly openAt: number[] = [];

  begin(): void {
    this.facts.reset();
    this.status = XmlStatus.NeedMore;
    this.names.length = 0;
    this.opened.length = 0;
    this.openAt.length = 0;
    this.text = "";
    this.fedBefore = 0;
    this.rootHeldElement = false;
    const p = loadSax().parser(true, { position: true });
    p.onopentag = (node) => this.openTag(node.name);
    p.onclosetag = (name) => this.closeTag(name);
    p.ontext = (t) => {
      // Text right inside the root is not an API response (see scanXmlLine): give up at once.
      if (this.names.length === 1 && /\S/.test(t)) {
        this.status = XmlStatus.Error;
        throw STOP;
      }
      this.text += t;
    };
    p.oncdata = (t) => {
      this.text += t;
    };
    p.onerror = () => {
      if (this.status === XmlStatus.NeedMore) this.status = XmlStatus.Error;
      // Stop sax here: the document is not well-formed.
      p.onerror = () => {};
      throw STOP;
    };
    this.parser = p;
  }

  /** Feeds one more piece of text (a line, with "\n" where the line had one). */
  write(text: string): XmlStatus {
    const p = this.parser;
    if (p === null || this.status !== XmlStatus.NeedMore) return this.status;
    try {
      p.write(text);
    } catch (e) {
      if (e !== STOP) throw e;
    }
    this.fedBefore += text.length;
    // sax hands text on only when the next tag starts; look at what it holds for the root now.
    if (this.status === XmlStatus.NeedMore && this.names.length === 1) {
      if (/\S/.test((p as unknown as { textNode: string }).textNode ?? "")) this.status = XmlStatus.Error;
    }
    if (this.status !== XmlStatus.NeedMore) this.parser = null;
    return this.status;
  }

  result(): Parsed | null {
    return this.facts.result();
  }

  /** Whether an element was opened inside the root (a start tag that failed opened none). */
  get heldElement(): boolean {
    return this.rootHeldElement;
  }

  /** Elements open now (0: still in the prolog, before the root). */
  get depth(): number {
    return this.names.length;
  }

  /** sax emits a closetag for a self-closing tag too, so opening and closing always pair. */
  private openTag(name: string): void {
    if (this.status !== XmlStatus.NeedMore) return;
    if (this.names.length >= MAX_DEPTH) {
      // No API response is this deep: give up (bounded work on `<a>` × n, docs/design.md §3).
      this.status = XmlStatus.Error;
      throw STOP;
    }
    const n = this.opened.length;
    if (n > 0 && this.opened[n - 1] === false) {
      this.opened[n - 1] = true;
      this.facts.open();
    }
    if (n === 1) this.rootHeldElement = true;
    this.names.push(name);
    this.opened.push(false);
    this.openAt.push((this.parser as sax.SAXParser).startTagPosition - 1);
    this.text = "";
  }

  private closeTag(name: string): void {
    if (this.status !== XmlStatus.NeedMore) return;
    this.names.pop();
    this.openAt.pop();
    const wasOpened = this.opened.pop() as boolean;
    const local = localName(name);
    const cls = classifyName(local);
    const isRoot = this.names.length === 0;
    if (wasOpened) {
      this.facts.close(local);
      if (cls !== FieldClass.None && !isRoot) this.facts.field(cls, local, null);
    } else if (isRoot) {
      this.facts.open();
      this.facts.close(local);
    } else if (cls !== FieldClass.None) {
      this.facts.field(cls, local, this.text);
    }
    this.text = "";
    if (isRoot) {
      this.status = XmlStatus.Done;
      const p = this.parser as sax.SAXParser;
      this.endInLastText = p.position - this.fedBefore;
      // Ignore whatever follows the root on this line: the framer scans it on its own.
      p.onerror = () => {};
      throw STOP;
    }
  }
}

/** Thrown out of a sax handler to stop it mid-write (the document ended, or is not well-formed). */
const STOP = new Error("stop");
