import { parentPort, workerData } from "node:worker_threads";
import type { LogFormat } from "../decoders/line-decoder.js";
import { loadCatalog } from "../extract/catalog.js";
import type { CatalogEntry } from "../extract/catalog-schema.js";
import { Extractor } from "../extract/extractor.js";
import { RecordPipeline } from "../pipeline.js";
import { readFileRange } from "./file-range.js";
import { SummaryBuilder } from "./summary.js";

/** What the main thread hands the worker: the second part of one file, and how to read it. */
export interface RegionJob {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly maxRecordBytes: number;
  readonly maxMultilineBytes: number;
  readonly format: LogFormat;
  readonly extraFiles: readonly string[];
  readonly extraCodes: readonly CatalogEntry[];
}

// The other half of `analyze`'s parallel read (see parallel.ts): a pipeline of its own over
// [start, end) of the file, which starts at a line start, then its totals back to the main thread.
const job = workerData as RegionJob;
const totals = new SummaryBuilder();
const pipeline = new RecordPipeline({
  source: job.path,
  extractor: new Extractor(await loadCatalog(job.extraFiles, job.extraCodes)),
  maxRecordBytes: job.maxRecordBytes,
  maxMultilineBytes: job.maxMultilineBytes,
  format: job.format,
  atFileStart: false,
  onBatch: (_source, responses, counts) => totals.add(responses, counts),
});
for (const data of readFileRange(job.path, job.start, job.end)) pipeline.push(data);
pipeline.end();
parentPort?.postMessage({
  summary: totals.summary,
  byAction: totals.byAction,
  errorCodes: totals.errorCodes,
});
