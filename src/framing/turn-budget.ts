import type { Skips } from "./replay.js";

/** A pipeline's turn budget: `ms` per turn; tests set the rest to 1 and 0 (stop wherever it may). */
export interface TurnOptions {
  readonly ms: number;
  /** Candidates between two looks at the clock. */
  readonly checkEvery?: number;
  readonly minLineBytes?: number;
}

const DEFAULT_CHECK_EVERY = 32;
const DEFAULT_MIN_LINE_BYTES = 64 * 1024;

/**
 * How long `run` lets one turn of the event loop spend on examining lines (docs/design.md §3,
 * "One line never blocks the loop"). Shared by a pipeline's framers: the framer of the input and
 * the one that examines the text of the input's strings. A line whose examination passes the
 * deadline stops at a candidate boundary — of the line itself, or of the decoded text of one of its
 * strings — and goes on from there in the next turn (input-framer.ts `resume`).
 *
 * Every examination does at least one candidate before it looks at the clock, so each turn gets
 * somewhere, whatever the budget.
 */
export class TurnBudget {
  /** `performance.now()` by which the turn should end (Infinity: no limit). */
  deadline = Number.POSITIVE_INFINITY;
  /** The input's framer is examining a line that can stop and go on: only then may a deeper one stop. */
  armed = false;
  private countdown: number;

  private readonly turnMs: number;
  /**
   * The input's lines shorter than this do not stop: one costs little, and stopping a turn spent
   * on many of them gains nothing (on a loaded machine a preempted process would stop them often).
   */
  readonly minLineBytes: number;
  private readonly checkEvery: number;

  constructor(o: TurnOptions) {
    this.turnMs = o.ms;
    this.minLineBytes = o.minLineBytes ?? DEFAULT_MIN_LINE_BYTES;
    this.checkEvery = o.checkEvery ?? DEFAULT_CHECK_EVERY;
    this.countdown = this.checkEvery;
  }

  /** A new turn starts now. */
  start(): void {
    this.deadline = performance.now() + this.turnMs;
    this.countdown = this.checkEvery;
  }

  /** No limit until the next `start` (a flush or the input's end finishes the work at once). */
  unlimited(): void {
    this.deadline = Number.POSITIVE_INFINITY;
  }

  /** Called before each candidate but the first of an examination: true when it should stop there. */
  expired(): boolean {
    if (--this.countdown > 0) return false;
    this.countdown = this.checkEvery;
    return performance.now() >= this.deadline;
  }
}

/**
 * Thrown by the examination of a string's text when it stops (string-bodies.ts keeps where), and
 * caught by the input's line examiner, which stops at the candidate that holds the string.
 */
export const PAUSE: unique symbol = Symbol("pause");

/**
 * Where an examination that stopped (turn-budget.ts) goes on from: `examine`'s arguments for it,
 * as positions of the buffer the line was in when it stopped, which started at `lineStart`.
 */
export interface Stop {
  readonly pos: number;
  readonly flags: number;
  readonly skip: Skips | null;
  readonly quotesFrom: number;
  readonly lineStart: number;
}

/** `stop` for its line now at `start` (the line was copied, or its text decoded again elsewhere). */
export function movedStop(stop: Stop, start: number): Stop {
  const shift = start - stop.lineStart;
  if (shift === 0) return stop;
  const skip = stop.skip === null ? null : { base: stop.skip.base + shift, bits: stop.skip.bits };
  return {
    pos: stop.pos + shift,
    flags: stop.flags,
    skip,
    quotesFrom: stop.quotesFrom + shift,
    lineStart: start,
  };
}
