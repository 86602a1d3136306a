/**
 * What the exporter knows about itself, for the status page and `GET /api/v1/status` (README
 * "HTTP endpoints"): files per source, a source that matches no files, checkpoint writes that
 * fail, the outcome of the last reload, and `problems`, the one-line summary of what is wrong now.
 */

export interface SourceStatus {
  readonly name: string;
  readonly kind: "file" | "stdin";
  readonly paths: readonly string[];
  /** Files followed now (null for stdin). */
  readonly files: number | null;
  /** Up to MAX_LISTED_FILES of them, with the processed offset. */
  readonly openFiles: readonly { readonly path: string; readonly offset: number }[];
  /** A file source whose paths match no file: shown in red. */
  readonly noFiles: boolean;
  /** Why nothing matches, per glob, when `noFiles` ("directory /var/log/app does not exist"). */
  readonly hints: readonly string[];
}

interface CheckpointStatus {
  /** null: no checkpoint directory (positions are kept in memory only). */
  readonly dir: string | null;
  readonly writes: number;
  readonly errors: number;
  /** The last write failed (cleared by the next success). */
  readonly failing: boolean;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly lastWriteAt: string | null;
}

interface ReloadStatus {
  readonly lastSuccessful: boolean;
  /** The start, or the last reload that was applied. */
  readonly lastSuccessAt: string;
  readonly lastAttemptAt: string | null;
  /** Every problem of the last reload when it failed. */
  readonly problems: readonly string[];
  /** Settings the last applied reload changed that need a restart. */
  readonly restartNeeded: readonly string[];
  readonly reloads: number;
}

/** A type alias (not an interface) so that it is a plain record for the server's `status()`. */
export type ExporterStatus = {
  readonly version: string;
  readonly startedAt: string;
  readonly problems: readonly string[];
  readonly sources: readonly SourceStatus[];
  readonly checkpoint: CheckpointStatus;
  readonly reload: ReloadStatus;
};

export const MAX_LISTED_FILES = 20;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Checkpoint and reload events as they happen; `snapshot` turns them into an ExporterStatus. */
export class StatusTracker {
  private checkpointWrites = 0;
  private checkpointErrors = 0;
  private checkpointFailing = false;
  private lastCheckpointError: string | null = null;
  private lastCheckpointErrorAt: number | null = null;
  private lastCheckpointWriteAt: number | null = null;
  private reloadOk = true;
  private lastSuccessAt: number;
  private lastAttemptAt: number | null = null;
  private reloadProblems: readonly string[] = [];
  private restartNeeded: readonly string[] = [];
  private reloads = 0;

  constructor(
    private readonly version: string,
    private readonly startedAt: number = Date.now(),
  ) {
    this.lastSuccessAt = startedAt;
  }

  checkpointWrite(ok: boolean, err?: Error, now = Date.now()): void {
    this.checkpointFailing = !ok;
    if (ok) {
      this.checkpointWrites++;
      this.lastCheckpointWriteAt = now;
    } else {
      this.checkpointErrors++;
      this.lastCheckpointError = err?.message ?? "unknown error";
      this.lastCheckpointErrorAt = now;
    }
  }

  reloaded(problems: readonly string[], restartNeeded: readonly string[], now = Date.now()): void {
    this.reloads++;
    this.lastAttemptAt = now;
    this.reloadOk = problems.length === 0;
    this.reloadProblems = problems;
    if (this.reloadOk) {
      this.lastSuccessAt = now;
      this.restartNeeded = restartNeeded;
    }
  }

  snapshot(sources: readonly SourceStatus[], checkpointDir: string | null): ExporterStatus {
    const problems: string[] = [];
    for (const s of sources) {
      if (s.noFiles) problems.push(`source ${s.name} matches no files (${s.paths.join(", ")})`);
    }
    if (this.checkpointFailing) {
      problems.push(`checkpoints cannot be written to ${checkpointDir}: ${this.lastCheckpointError}`);
    }
    if (!this.reloadOk) {
      const n = this.reloadProblems.length;
      problems.push(
        `the last reload failed (${n} problem${n === 1 ? "" : "s"}); the previous configuration runs`,
      );
    }
    if (this.restartNeeded.length > 0) problems.push(`restart needed for ${this.restartNeeded.join(", ")}`);
    return {
      version: this.version,
      startedAt: new Date(this.startedAt).toISOString(),
      problems,
      sources,
      checkpoint: {
        dir: checkpointDir,
        writes: this.checkpointWrites,
        errors: this.checkpointErrors,
        failing: this.checkpointFailing,
        lastError: this.lastCheckpointError,
        lastErrorAt: iso(this.lastCheckpointErrorAt),
        lastWriteAt: iso(this.lastCheckpointWriteAt),
      },
      reload: {
        lastSuccessful: this.reloadOk,
        lastSuccessAt: new Date(this.lastSuccessAt).toISOString(),
        lastAttemptAt: iso(this.lastAttemptAt),
        problems: this.reloadProblems,
        restartNeeded: this.restartNeeded,
        reloads: this.reloads,
      },
    };
  }
}
