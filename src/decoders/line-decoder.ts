/**
 * The line decoder of one input, chosen from `sources[].format` (README "Container logs"):
 * `raw` (none: the splitter feeds the framer), `cri`, `docker`, or `auto`, which decides from the
 * input's first non-blank line (format-sniffer.ts) and then stays with it.
 */
import type { LineCounts, OutputStream } from "../core/records.js";
import type { LineHandler } from "../framing/line-splitter.js";
import { CriParser } from "./cri.js";
import { DockerParser } from "./docker.js";
import type { JoinerOptions } from "./pending-lines.js";
import { RecordJoiner } from "./record-joiner.js";

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
  /** The runtime's stream of that line (a field of the events, never a label). */
  streamOf(lineNo: number): OutputStream | undefined;
  /** The framer holds no line any more: the times of past lines can go. */
  forgetTimes(): void;
}

/** The decoder for `format` in front of `framer`; null for `raw` (`auto` is decided before: format-sniffer.ts). */
export function createDecoder(
  format: "raw" | "cri" | "docker",
  framer: LineHandler,
  counts: LineCounts,
  options: JoinerOptions,
): LineDecoder | null {
  if (format === "raw") return null;
  const parser = format === "cri" ? new CriParser() : new DockerParser();
  return new RecordJoiner(framer, parser, counts, options);
}
