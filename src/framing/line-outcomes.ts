import type { LineCounts } from "../core/records.js";

/**
 * What a line held, as flags collected while its bodies are parsed; once the line is final they
 * decide how it is counted (docs/design.md §3): a line with any response character is part of a response;
 * else a valid body without a request id makes it `non_response`; else a failed candidate makes it
 * `malformed`; anything else is `non_response`.
 */
export const RESPONSE = 1; // a character of a recognised response
export const BODY = 2; // a character of a valid body without request id
export const FAILED = 4; // a failed candidate started here or consumed some of it
/** Not an outcome: the line's examination stopped for this turn (turn-budget.ts) and goes on later. */
export const PAUSED = 8;

/** Counts one final non-blank line by its flags. */
export function countLine(counts: LineCounts, flags: number): void {
  countLines(counts, flags, 1);
}

/** Counts `n` final non-blank lines that have the same flags. */
export function countLines(counts: LineCounts, flags: number, n: number): void {
  counts.lines += n;
  if (flags & RESPONSE) return;
  if (flags & BODY || !(flags & FAILED)) counts.nonResponse += n;
  else counts.malformed += n;
}
