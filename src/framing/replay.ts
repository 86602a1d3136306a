import type { BodyParser } from "../parsers/body-parser.js";
import type { HeldLine } from "./held-lines.js";

/**
 * What the framer examines again after a body failed (docs/design.md §3: a broken body never hides the
 * responses after it), and which candidates in those lines it need not parse again.
 */

export /** A line to examine again, with its bytes. */
interface ReplayLine {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  readonly offset: number;
  readonly flags: number;
  /** Where to start looking for candidates. */
  readonly from: number;
  /** Candidate positions known to fail (nested in a failed body, still open when it failed). */
  readonly skip: Skips | null;
}

/** Candidate positions known to fail, `bits[pos - base]` = 1 (a bitmap: such lists can be long). */
export interface Skips {
  readonly base: number;
  readonly bits: Uint8Array;
}

/**
 * Adds the candidate positions that a failed body says fail the same way (BodyParser.openStarts) to
 * `skip`, a bitmap over `[base, end)`. Positions of the body's first line are moved by `shift`; those
 * of later lines are already in the arena (`held`: the body's lines; null for a body that failed on
 * its own line).
 */
export function knownFailures(
  parser: BodyParser,
  skip: Skips | null,
  shift: number,
  held: readonly HeldLine[] | null,
  base: number,
  end: number,
): Skips | null {
  const pairs = parser.openStarts?.();
  if (pairs === undefined || pairs.length === 0) return skip;
  const out = skip ?? { base, bits: new Uint8Array(end - base) };
  const bits = out.bits;
  for (let i = 0; i < pairs.length; i += 2) {
    const line = pairs[i] as number;
    if (line < 0 || (line !== 0 && (held === null || line >= held.length))) continue;
    const at = (pairs[i + 1] as number) + (line === 0 ? shift : 0) - out.base;
    if (at >= 0 && at < bits.length) bits[at] = 1;
  }
  return out;
}
