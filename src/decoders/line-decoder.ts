/**
 * The line decoder of one input, chosen from `sources[].format` (README "Container logs"):
 * `raw` (none: the splitter feeds the framer), `cri`, `docker`, or `auto`, which decides from the
 * input's first non-blank line and then stays with it.
 */
import type { LineCounts } from "../core/records.js";
import type { LineHandler } from "../framing/line-splitter.js";
import { CriParser, looksLikeCri } from "./cri.js";
import { DockerParser, looksLikeDocker } from "./docker.js";
import { isBlank, type JoinerOptions, RecordJoiner } from "./record-joiner.js";

export const LOG_FORMATS = ["auto", "raw", "cri", "docker"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What the pipeline needs of a decoder besides the `LineHandler` calls. */
export interface LineDecoder extends LineHandler {
  counts: LineCounts;
  /** Raw bytes of records not handed on to the framer yet. */
  readonly pendingBytes: number;
  /** End of input: unfinished lines are handed on as they are. */
  finish(): void;
  /** The runtime time of a content line the framer got, by its line number. */
  timeOf(lineNo: number): number | undefined;
  /** The framer holds no line any more: the times of past lines can go. */
  forgetTimes(): void;
}

/** The decoder for `format` in front of `framer`; null for `raw`. */
export function createDecoder(
  format: LogFormat,
  framer: LineHandler,
  counts: LineCounts,
  options: JoinerOptions,
): LineDecoder | null {
  switch (format) {
    case "raw":
      return null;
    case "cri":
      return new RecordJoiner(framer, new CriParser(), counts, options);
    case "docker":
      return new RecordJoiner(framer, new DockerParser(), counts, options);
    case "auto":
      return new AutoDecoder(framer, counts, options);
  }
}

/** The format a file's first non-blank line shows. */
export function detectFormat(buf: Buffer, start: number, end: number): "raw" | "cri" | "docker" {
  if (looksLikeCri(buf, start, end)) return "cri";
  if (looksLikeDocker(buf, start, end)) return "docker";
  return "raw";
}

/** `auto`: raw until the first non-blank line says otherwise; then one format for the whole input. */
class AutoDecoder implements LineDecoder {
  private _counts: LineCounts;
  private joiner: RecordJoiner | null = null;
  /** The handler lines go to once decided: the framer itself (raw) or the joiner. */
  private target: LineHandler | null = null;

  constructor(
    private readonly framer: LineHandler,
    counts: LineCounts,
    private readonly options: JoinerOptions,
  ) {
    this._counts = counts;
  }

  get counts(): LineCounts {
    return this._counts;
  }

  set counts(c: LineCounts) {
    this._counts = c;
    if (this.joiner !== null) this.joiner.counts = c;
  }

  get pendingBytes(): number {
    return this.joiner?.pendingBytes ?? 0;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    if (this.target === null) {
      // Blank lines before the first record mean the same in every format.
      if (isBlank(buf, start, end)) {
        this.framer.line(buf, start, end, lineNo, size);
        return;
      }
      this.decide(detectFormat(buf, start, end));
    }
    (this.target as LineHandler).line(buf, start, end, lineNo, size);
  }

  longStart(buf: Buffer, start: number, end: number, lineNo: number): void {
    // A first line longer than any runtime record is raw.
    if (this.target === null) this.decide("raw");
    (this.target as LineHandler).longStart(buf, start, end, lineNo);
  }

  longData(buf: Buffer, start: number, end: number): void {
    this.target?.longData(buf, start, end);
  }

  longEnd(oversized: boolean, size: number): void {
    this.target?.longEnd(oversized, size);
  }

  holdLimitBytes(): number {
    // Undecided, the splitter streams long lines as for raw input (a runtime record is shorter).
    return this.target?.holdLimitBytes?.() ?? 0;
  }

  finish(): void {
    this.joiner?.finish();
  }

  timeOf(lineNo: number): number | undefined {
    return this.joiner?.timeOf(lineNo);
  }

  forgetTimes(): void {
    this.joiner?.forgetTimes();
  }

  private decide(format: "raw" | "cri" | "docker"): void {
    if (format === "raw") {
      this.target = this.framer;
      return;
    }
    const parser = format === "cri" ? new CriParser() : new DockerParser();
    this.joiner = new RecordJoiner(this.framer, parser, this._counts, this.options);
    this.target = this.joiner;
  }
}
