import { firstNonBlank } from "../parsers/blanks.js";
import { isFailed, MORE } from "../parsers/body-parser.js";
import { FactsBuilder } from "../parsers/facts.js";
import { JsonScanner } from "../parsers/json-scanner.js";
import { scanXmlLine } from "../parsers/xml-scanner.js";

/**
 * Whether a line is a complete response of its own: from its first non-blank byte one JSON object
 * or one-line XML document with a request id, and nothing but blanks after it. Such a line settles
 * an open XML body or text block (docs/design.md §3, bounded waiting): an API response does not stand
 * inside another one's text. Open JSON bodies are not settled this way — each of their lines must
 * be JSON, so a cut one fails within a line or two, and a compact object can be an array element.
 */
export class SettleProbe {
  private readonly json = new JsonScanner();
  private readonly xmlFacts = new FactsBuilder("xml");

  settles(buf: Buffer, start: number, end: number): boolean {
    const first = firstNonBlank(buf, start, end);
    const b = buf[first];
    if (b === 0x7b) {
      const after = this.json.begin(buf, first, end);
      if (after === MORE || isFailed(after)) {
        this.json.finish();
        return false;
      }
      return firstNonBlank(buf, after, end) === end && this.json.result() !== null;
    }
    if (b !== 0x3c) return false;
    const after = scanXmlLine(buf, first, end, this.xmlFacts);
    return after > 0 && firstNonBlank(buf, after, end) === end && this.xmlFacts.result() !== null;
  }
}
