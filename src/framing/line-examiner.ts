import { type BodyParser, failedAt, isFailed, MORE, type TextRecognizer } from "../parsers/body-parser.js";
import { JsonScanner } from "../parsers/json-scanner.js";
import { XmlBody } from "../parsers/xml-body.js";
import { findCandidate, quoteIn } from "./candidates.js";
import type { FrameSink } from "./frame-sink.js";
import { FAILED, PAUSED, RESPONSE } from "./line-outcomes.js";
import { knownFailures, type Skips } from "./replay.js";
import { MAX_STRING_DEPTH, StringBodies, type TextFramer } from "./string-bodies.js";
import { PAUSE, type Stop, type TurnBudget } from "./turn-budget.js";

/**
 * One line's bodies (docs/design.md §3): finds the candidates on a line — bodies, SDK strings, quoted
 * strings holding either — has the body parsers parse them, and after a failed one goes on from
 * the candidate after its start. The framer (body-framer.ts) gives it lines and follows a body
 * that goes on past its line.
 */
export class LineExaminer {
  readonly json: JsonScanner;
  readonly xml = new XmlBody();
  /** The strings of the line being examined: set `lineNo` before each line (theirs is its own). */
  readonly strings: StringBodies;
  /** After `examine`: the parser of a body that opened at `openedAt` and goes on past the line; else null. */
  opened: BodyParser | null = null;
  openedAt = -1;
  /** Between `mayStop` and `mayNotStop`: the line may stop (turn-budget.ts). */
  private pausable = false;
  /** After a stop: where the line goes on from. */
  stop: Stop | null = null;
  /**
   * Set before `examine` of a line that goes on from `stop` (its arguments): where it looks for
   * quotes from; what the recognizer kept of the line still holds (the same bytes).
   */
  goingOn: Stop | null = null;
  private readonly examinesStrings: boolean;
  /** The turn budget, for the input's framer and the one of its strings' text; else null. */
  private readonly budget: TurnBudget | null;

  /**
   * `depth`: how many strings this text is inside (0: the input itself); `deeper` makes the framer
   * that examines the text of a string one level deeper.
   */
  constructor(
    private readonly out: FrameSink,
    private readonly text: TextRecognizer | null,
    private readonly depth: number,
    deeper: () => TextFramer,
    budget: TurnBudget | null,
  ) {
    this.budget = depth <= 1 ? budget : null;
    this.strings = new StringBodies(deeper, text, depth === 0 ? budget : null);
    this.examinesStrings = depth < MAX_STRING_DEPTH;
    this.json = new JsonScanner(this.examinesStrings ? this.strings : null);
  }

  /**
   * The framer has nothing open (a new line, or one that stopped and `goesOn`): under a turn
   * budget the line may stop at a candidate. The input's examiner arms the budget for the
   * examiners of its strings' text and forgets what they did on the line before.
   */
  mayStop(goesOn: boolean): void {
    this.pausable = true;
    if (this.depth !== 0 || this.budget === null) return;
    this.budget.armed = true;
    if (!goesOn) this.strings.forget();
  }

  mayNotStop(): void {
    this.pausable = false;
    if (this.depth === 0 && this.budget !== null) this.budget.armed = false;
  }

  /**
   * Examines line `lineNo` (`buf[start, end)`) from `from` with the line's `flags` so far; returns
   * them with what was found. `last`: no line follows (a body open at the line's end ends there).
   * When a body opens and goes on past the line, `opened` says which and where, and the line is
   * not final; else it is (the caller counts it). When the turn's budget runs out (`pausable`
   * lines only), the input's examiner returns the flags with PAUSED and `stop` says where to go on
   * from; the examiner of a string's text throws PAUSE.
   */
  examine(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    flags: number,
    from: number,
    skip: Skips | null,
    last: boolean,
  ): number {
    this.opened = null;
    let pos = from;
    const goingOn = this.goingOn;
    this.goingOn = null;
    let quotesFrom = goingOn === null ? from : goingOn.quotesFrom;
    const text = this.text;
    if (goingOn === null) text?.newLine();
    // The next candidate from `candidateFrom`, kept while `pos` has not passed it: a line of many
    // quoted strings before one candidate is searched once, not once per string.
    let candidateFrom = -1;
    let candidate = -1;
    const budget = this.pausable ? this.budget : null;
    let first = true;
    try {
      for (;;) {
        if (budget?.armed) {
          if (!first && budget.expired()) throw PAUSE;
          first = false;
          if (this.depth === 0) this.strings.anchor(pos);
        }
        if (candidateFrom < 0 || pos < candidateFrom || (candidate >= 0 && candidate < pos)) {
          candidate = findCandidate(buf, pos, end);
          candidateFrom = pos;
        }
        let p = candidate;
        const limit = p < 0 ? end : p;
        if (quotesFrom < limit) {
          const q = quoteIn(buf, Math.max(pos, quotesFrom), limit);
          if (q >= 0) {
            const after = this.strings.quoted(buf, start, q, end, this.out);
            if (after > 0) {
              flags |= RESPONSE;
              pos = after;
            }
            quotesFrom = Math.abs(after);
            continue;
          }
          quotesFrom = limit;
        }
        let parser: BodyParser;
        const t = text === null ? -1 : text.find(buf, pos, limit, end);
        if (t >= 0) {
          p = t;
          parser = (text as TextRecognizer).parser;
        } else if (p < 0) break;
        else if (skip !== null && skip.bits[p - skip.base] === 1) {
          flags |= FAILED;
          pos = p + 1;
          continue;
        } else parser = buf[p] === 0x7b ? this.json : this.xml;
        let after = parser.begin(buf, p, end);
        if (after === MORE && !last) {
          this.opened = parser;
          this.openedAt = p;
          return flags;
        }
        const endsHere = after === MORE;
        if (endsHere) {
          // No line follows: the body is finished now (still open: failed, as `finish` has it).
          after = parser.finish();
          if (after === MORE) after = failedAt(end);
        }
        if (isFailed(after)) {
          // `Response-body: b'{…}'` with escapes fails as JSON: the bytes literal is decoded (rare).
          const afterBytes =
            parser === this.json && this.examinesStrings && !endsHere
              ? this.strings.pythonBytes(buf, start, p, end, this.out)
              : -1;
          if (afterBytes > 0) {
            flags |= RESPONSE;
            pos = afterBytes;
            continue;
          }
          if (parser.format !== "text" && parser.notABody?.() !== true) flags |= FAILED;
          skip = knownFailures(parser, skip, 0, null, start, end);
          pos = p + 1;
          continue;
        }
        flags |= this.out.body(parser, buf, start, p, lineNo, lineNo);
        pos = after;
      }
    } catch (e) {
      // The turn is spent here, or in a string's text (string-bodies.ts kept where): the line goes
      // on from this candidate. The input's examiner says so; a string's text's throws on.
      if (e !== PAUSE) throw e;
      this.stop = { pos, flags, skip, quotesFrom, lineStart: start };
      if (this.depth !== 0) throw e;
      return flags | PAUSED;
    }
    return flags;
  }
}
