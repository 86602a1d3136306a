import type { ApiResponse } from "../core/records.js";
import { type Totals, TotalsBuilder } from "../core/totals.js";
import type { LogFormat } from "../decoders/line-decoder.js";
import type { Catalog } from "../extract/catalog.js";
import { loadCatalogSync } from "../extract/catalog-sync.js";
import { Extractor } from "../extract/extractor.js";
import type { RequestIdWindow } from "../extract/request-id-window.js";
import type { TextRecognizer } from "../parsers/body-parser.js";
import { RecordPipeline } from "../pipeline.js";

export interface AnalyzeOptions {
  source?: string;
  catalog?: Catalog;
  maxRecordBytes?: number;
  maxMultilineBytes?: number;
  streamThresholdBytes?: number;
  /** The read time of responses whose line has no time (default IN_MEMORY_READ_TIME). */
  now?: () => number;
  format?: LogFormat;
  text?: TextRecognizer | null;
  dedup?: RequestIdWindow | null;
}

/** In-memory input has no moment of reading worth showing: a fixed one keeps results reproducible. */
const IN_MEMORY_READ_TIME = 0;

let defaultCatalog: Catalog | undefined;

/** The shipped catalogue, read once. */
export function shippedCatalog(): Catalog {
  defaultCatalog ??= loadCatalogSync();
  return defaultCatalog;
}

/** Analyses input given as chunks (split anywhere) and returns every event and the summary. */
export function analyzeChunks(
  chunks: Iterable<Buffer>,
  options: AnalyzeOptions = {},
): { events: ApiResponse[]; summary: Totals } {
  const { source = "test", catalog = shippedCatalog(), now = () => IN_MEMORY_READ_TIME, ...limits } = options;
  const events: ApiResponse[] = [];
  const totals = new TotalsBuilder();
  const pipeline = new RecordPipeline({
    source,
    extractor: new Extractor(catalog),
    ...limits,
    now,
    onBatch: (_source, responses, counts) => {
      for (const r of responses) events.push(r);
      totals.add(responses, counts);
    },
  });
  for (const chunk of chunks) pipeline.push(chunk);
  pipeline.end();
  return { events, summary: totals.totals };
}

/** Analyses one whole input held in memory (tests, small files). */
export function analyzeBuffer(
  input: Buffer,
  options: AnalyzeOptions = {},
): { events: ApiResponse[]; summary: Totals } {
  return analyzeChunks([input], options);
}
