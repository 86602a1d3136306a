import { DEFAULT_LOG_FORMAT, DEFAULT_MAX_MULTILINE_BYTES, DEFAULT_MAX_RECORD_BYTES } from "./core/limits.js";
import { type ApiResponse, emptyCounts, type Frame, type LineCounts } from "./core/records.js";
import { type DetectedFormat, FormatSniffer, type InputState } from "./decoders/format-sniffer.js";
import { createDecoder, type LineDecoder, type LogFormat } from "./decoders/line-decoder.js";
import { DEFAULT_DEDUP_WINDOW_IDS, dedupBatch } from "./extract/dedup.js";
import type { Extractor } from "./extract/extractor.js";
import { RequestIdWindow } from "./extract/request-id-window.js";
import { lendStringStatus } from "./extract/string-status.js";
import { InputFramer } from "./framing/input-framer.js";
import { LineSplitter } from "./framing/line-splitter.js";
import { TurnBudget, type TurnOptions } from "./framing/turn-budget.js";
import type { TextRecognizer } from "./parsers/body-parser.js";
import { createTextRecognizer, DEFAULT_TEXT_RULES, type TextRules } from "./parsers/sdk-text/recognizer.js";
import { type TextSettings, textRules } from "./parsers/sdk-text/rules.js";

/** Called once per batch (the records of one chunk) — the only place where sinks see records. */
type BatchHandler = (source: string, responses: readonly ApiResponse[], counts: LineCounts) => void;

export interface PipelineOptions {
  readonly source: string;
  /** An Extractor, or anything that extracts like one (the app's, which a reload can swap). */
  readonly extractor: Pick<Extractor, "extract">;
  readonly onBatch: BatchHandler;
  /** Lines longer than this are skipped as oversized (default DEFAULT_MAX_RECORD_BYTES). */
  readonly maxRecordBytes?: number;
  /** Longest multi-line body held while it is framed (default DEFAULT_MAX_MULTILINE_BYTES). */
  readonly maxMultilineBytes?: number;
  /** Lines longer than this are parsed as they stream by instead of being held (default 1 MiB). */
  readonly streamThresholdBytes?: number;
  /** The input starts at a file's first byte, where a BOM is dropped (default true). */
  readonly atFileStart?: boolean;
  /** The read time of a batch (epoch ms), for responses whose line has no time (default Date.now). */
  readonly now?: () => number;
  /**
   * The SDK error-string recognizer of this input (one per pipeline: it holds an open block). Default:
   * every preset, no user pattern (createTextRecognizer); null: bodies only.
   */
  readonly text?: TextRecognizer | null;
  /**
   * The request ids already counted (README "One request, counted once"): shared by the pipelines
   * of one source. Default: a window of DEFAULT_DEDUP_WINDOW_IDS of its own; null: no dedup.
   */
  readonly dedup?: RequestIdWindow | null;
  /** How lines are wrapped: `raw`, a container runtime's `cri` / `docker`, or `auto` (the default). */
  readonly format?: LogFormat;
  /**
   * `run`: the longest a push spends examining a long line in one turn of the event loop before it
   * goes on in the next (docs/design.md §3); `push` then returns a promise. Default: none (analyze).
   */
  readonly turn?: TurnOptions;
}

const DEFAULT_STREAM_THRESHOLD_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** A source's SDK-string and dedup settings (config `sources[]`). */
export interface TextAndDedupSettings {
  readonly sdkStrings: TextSettings;
  readonly dedupWindowIds: number;
}

/**
 * Built once per source from its settings: its recognizer's rules (each pipeline makes its own
 * recognizer from them: `createTextRecognizer`) and its request-id window (shared).
 */
export function sourceStages(s: TextAndDedupSettings): {
  textRules: TextRules;
  dedup: RequestIdWindow | null;
} {
  return {
    textRules: textRules(s.sdkStrings),
    dedup: s.dedupWindowIds === 0 ? null : new RequestIdWindow(s.dedupWindowIds),
  };
}

/** The options of one more pipeline of a source: a recognizer of its own, the source's window. */
export function pipelineStages(stages: { textRules: TextRules; dedup: RequestIdWindow | null } | undefined): {
  text?: TextRecognizer | null;
  dedup?: RequestIdWindow | null;
} {
  return stages === undefined ? {} : { text: createTextRecognizer(stages.textRules), dedup: stages.dedup };
}

/**
 * The synchronous middle of the data flow for one input (one file, or stdin): bytes → lines →
 * frames → responses, handed on per batch. It is the `ByteSink` a source writes into.
 */
export class RecordPipeline {
  private readonly framer: InputFramer;
  /** Built once the format is known: at once, or for `auto` from the input's first line. */
  private splitter: LineSplitter | null = null;
  /** Between splitter and framer for container logs; null for raw input. */
  private decoder: LineDecoder | null = null;
  /** `auto`: the input's first bytes until its format is known. */
  private sniffer: FormatSniffer | null = null;
  private counts: LineCounts = emptyCounts();
  readonly dedup: RequestIdWindow | null;
  private readonly budget: TurnBudget | null;
  /** While a line waits for the next turn: what the last push returned. */
  private going: Promise<void> | null = null;

  constructor(private readonly options: PipelineOptions) {
    this.dedup = options.dedup === undefined ? new RequestIdWindow(DEFAULT_DEDUP_WINDOW_IDS) : options.dedup;
    this.budget = options.turn === undefined ? null : new TurnBudget(options.turn);
    this.framer = new InputFramer(
      this.counts,
      options.maxMultilineBytes ?? DEFAULT_MAX_MULTILINE_BYTES,
      options.text === undefined ? createTextRecognizer(DEFAULT_TEXT_RULES) : options.text,
      this.budget,
    );
    const format = options.format ?? DEFAULT_LOG_FORMAT;
    if (format === "auto") this.sniffer = new FormatSniffer(options.atFileStart ?? true);
    else this.build(format);
  }

  /** Bytes received but not yet accounted for: a checkpoint must let them be read again. */
  get pendingBytes(): number {
    return (
      (this.sniffer?.pendingBytes ?? 0) +
      (this.splitter?.pendingBytes ?? 0) +
      (this.decoder?.pendingBytes ?? 0) +
      this.framer.pendingBytes
    );
  }

  /**
   * Nothing held between lines: what follows would be framed the same by a fresh pipeline (with
   * atFileStart false). Parallel `analyze` relies on it to join two halves of a file exactly.
   */
  get atRest(): boolean {
    return this.pendingBytes === 0;
  }

  /**
   * Void when every complete line is processed. Under a turn budget (`turn`), a promise when a
   * line goes on in later turns: the caller pushes nothing more until it resolves (the lines wait
   * in the framer, counted in `pendingBytes`); `flush` and `end` finish them at once.
   */
  push(data: Buffer): Promise<void> | undefined {
    this.budget?.start();
    this.counts.bytes += data.length;
    const splitter = this.splitter;
    if (splitter !== null) splitter.push(data);
    else this.sniff(data, "more");
    if (this.framer.paused) return this.goOn();
    this.emit();
    return undefined;
  }

  /** The promise of a push whose lines go on in the next turns: one turn's budget at a time. */
  private goOn(): Promise<void> {
    this.going ??= new Promise((resolve) => {
      // The batch is handed on in a turn of its own, after the last line's.
      const turn = (): void => {
        if (this.framer.paused) {
          (this.budget as TurnBudget).start();
          this.framer.resume();
          setImmediate(turn);
          return;
        }
        this.going = null;
        this.emit();
        resolve();
      };
      setImmediate(turn);
    });
    return this.going;
  }

  /**
   * The input paused (a source calls this after partialLineTimeoutMs of quiet): a partial last line
   * is complete, and a body still open is settled — it does not hold back what follows (docs/design.md §3).
   */
  flush(): void {
    if (this.splitter === null) this.sniff(EMPTY, "paused");
    this.splitter?.flush();
    this.framer.settle();
    this.emit();
  }

  /** The input ended: a partial line is complete and a body still open is truncated. */
  end(): void {
    if (this.splitter === null) this.sniff(EMPTY, "ended");
    this.splitter?.flush();
    this.decoder?.finish();
    this.framer.finish();
    this.emit();
  }

  /** `auto`: holds the input's first bytes until they tell its format, then builds the chain and splits them. */
  private sniff(data: Buffer, state: InputState): void {
    const known = (this.sniffer as FormatSniffer).add(data, state);
    if (known === null) return;
    this.sniffer = null;
    const splitter = this.build(known.format);
    for (const chunk of known.chunks) splitter.push(chunk);
  }

  private build(format: DetectedFormat): LineSplitter {
    const maxRecordBytes = this.options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    // A line over maxRecordBytes must take the streaming path, where it is measured and skipped.
    const streamThresholdBytes = Math.min(
      this.options.streamThresholdBytes ?? DEFAULT_STREAM_THRESHOLD_BYTES,
      maxRecordBytes,
    );
    this.decoder = createDecoder(format, this.framer, this.counts, { maxRecordBytes, streamThresholdBytes });
    this.splitter = new LineSplitter(this.decoder ?? this.framer, {
      maxRecordBytes,
      streamThresholdBytes,
      atFileStart: this.options.atFileStart ?? true,
    });
    return this.splitter;
  }

  private emit(): void {
    const frames = this.framer.frames;
    const counts = this.counts;
    if (frames.length === 0 && counts.lines === 0 && counts.bytes === 0 && counts.oversized === 0) return;
    this.framer.frames = [];
    const { extractor, source, onBatch, now = Date.now } = this.options;
    const readTime = frames.length === 0 ? 0 : now();
    const decoder = this.decoder;
    // SDK strings are rare: a batch without one skips both passes that pair them with bodies.
    const withStrings = frames.some((f) => f.parsed.format === "text");
    if (withStrings) lendStringStatus(frames);
    let responses: readonly ApiResponse[] = frames.map((f: Frame) =>
      extractor.extract(f, source, readTime, decoder?.timeOf(f.lineStart), decoder?.streamOf(f.lineStart)),
    );
    if (this.dedup !== null && responses.length > 0) {
      const d = dedupBatch(responses, this.dedup, withStrings);
      responses = d.kept;
      counts.duplicate += d.duplicates;
    }
    counts.responses = responses.length;
    onBatch(source, responses, counts);
    this.counts = emptyCounts();
    this.framer.counts = this.counts;
    if (decoder !== null) {
      decoder.counts = this.counts;
      if (this.framer.pendingBytes === 0) decoder.forgetTimes();
    }
  }
}
