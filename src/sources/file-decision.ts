/**
 * What to do with one followed file, decided from what one look at it saw: the truncation,
 * orphaning (rotation, deletion), release and partial-line rules of the file source in one pure
 * function (README "Sources: how files are followed"). The tailer takes the look (one stat of the
 * open file) and carries the step out; the source only finds the paths and acts on the outcome.
 *
 * A followed file is in one of three states; `decide` is called at every look and gives the next:
 *
 *   state     seen at the look                                         next state
 *   FOLLOWED  no watched path leads to it (renamed away, or deleted)   ORPHANED (since now)
 *   ORPHANED  a watched path leads to it again                         FOLLOWED
 *   ORPHANED  read to its end, and no growth for rotateWaitMs since    RELEASED "deleted" when no link
 *             it was orphaned or last grew                               is left, else "rotated"
 *   either    truncated                                                the same; the sink ends and
 *                                                                        reading starts again at 0
 *   stopping  FOLLOWED                                                 RELEASED "stopped" at once
 *   stopping  ORPHANED, read to its end                                RELEASED, without the wait
 *
 * - Truncated: the size or mtime changed and the file is shorter than the read offset, or its
 *   first bytes are no longer the ones remembered while the offset lies past them (a copytruncate
 *   that regrew past the offset between two looks).
 * - Reading never goes past the size of this look: a truncation landing between the stat and the
 *   read is then seen first at the next look instead of feeding new bytes from the old offset.
 * - A partial line held by the sink is flushed as complete when nothing grew for
 *   partialLineTimeoutMs.
 * - Stopping leaves a FOLLOWED file to the next run: nothing is read, but a truncation is still
 *   noticed, so a held partial line of the truncated content ends now instead of being lost. An
 *   ORPHANED file is read on (within the stop's time budget) to its end.
 *
 * After mtail's file stream, which takes the same decisions at EOF. Why nothing is read twice or
 * lost across these steps: docs/design.md §8.
 */
import type { CloseReason } from "./types.js";

/** What one look at a followed file saw, and what the tailer remembers of it. */
export interface FileLook {
  /** When the look was taken (ms, the source's monotonic clock). */
  readonly now: number;
  /** A watched path led to the file at the source's last path check. */
  readonly linked: boolean;
  /** Its link count is 0: gone from every directory. */
  readonly deleted: boolean;
  /** The size at this look, and whether size or mtime differ from the previous look's. */
  readonly size: number;
  readonly changed: boolean;
  /** The first bytes remembered are no longer at the start of the file. */
  readonly headChanged: boolean;
  /** Where reading goes on. */
  readonly offset: number;
  /** Bytes the sink holds (a partial line). */
  readonly pendingBytes: number;
  /** When it was found orphaned; undefined while followed. */
  readonly orphanedAt: number | undefined;
  readonly lastGrowthAt: number;
  /** Bytes this look may read before the other files get their turn. */
  readonly budgetBytes: number;
  readonly stopping: boolean;
}

/** The source's settings that the decision reads. */
export interface FileRules {
  readonly rotateWaitMs: number;
  readonly partialLineTimeoutMs: number;
}

/** The step to carry out, in this order. */
export interface FileStep {
  /** End the sink and read again from offset 0. */
  readonly truncated: boolean;
  /** When the file was orphaned (`now` at the first look that found it so); undefined when followed. */
  readonly orphanedAt: number | undefined;
  /** Bytes to read from the (new) offset. */
  readonly readBytes: number;
  /** Flush the sink's partial line as complete. */
  readonly flush: boolean;
  /**
   * Release the file, once the read reached this look's size ("stopped": at once); null: keep it
   * (read on at once if the budget ran out, else at the next look).
   */
  readonly release: CloseReason | null;
}

export function decide(look: FileLook, rules: FileRules): FileStep {
  const { now } = look;
  const truncated = look.changed && (look.size < look.offset || (look.offset > 0 && look.headChanged));
  const offset = truncated ? 0 : look.offset;
  const orphanedAt = look.linked ? undefined : (look.orphanedAt ?? now);
  const keepForNextRun = look.stopping && orphanedAt === undefined;
  const readBytes = keepForNextRun ? 0 : Math.max(0, Math.min(look.budgetBytes, look.size - offset));
  const grew = truncated || readBytes > 0;
  const flush = !grew && look.pendingBytes > 0 && now - look.lastGrowthAt >= rules.partialLineTimeoutMs;
  let release: CloseReason | null = null;
  if (keepForNextRun) release = "stopped";
  else if (orphanedAt !== undefined && offset + readBytes >= look.size) {
    const quietSince = Math.max(orphanedAt, grew ? now : look.lastGrowthAt);
    if (now - quietSince >= (look.stopping ? 0 : rules.rotateWaitMs))
      release = look.deleted ? "deleted" : "rotated";
  }
  return { truncated, orphanedAt, readBytes, flush, release };
}
