import { parentPort, workerData } from "node:worker_threads";
import type { ApiResponse } from "../core/records.js";
import { TotalsBuilder } from "../core/totals.js";
import type { LogFormat } from "../decoders/line-decoder.js";
import { loadCatalog } from "../extract/catalog-load.js";
import type { CatalogEntry } from "../extract/catalog-schema.js";
import { dedupBatch, isPlaceholderId } from "../extract/dedup.js";
import { Extractor } from "../extract/extractor.js";
import { RequestIdWindow } from "../extract/request-id-window.js";
import { createTextRecognizer } from "../parsers/sdk-text/recognizer.js";
import type { TextSettings } from "../parsers/sdk-text/rules.js";
import { textRules } from "../parsers/sdk-text/rules.js";
import { RecordPipeline } from "../pipeline.js";
import { readFileRange } from "./file-range.js";
import { addToHead, emptyHead, type ShapeIndex } from "./region-head.js";

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
  readonly sdkStrings: TextSettings;
  readonly dedupWindowIds: number;
}

// The other half of `analyze`'s parallel read (see parallel.ts): a pipeline of its own over
// [start, end) of the file, which starts at a line start, then its totals back to the main thread.
const job = workerData as RegionJob;
const totals = new TotalsBuilder();
const window = job.dedupWindowIds === 0 ? null : new RequestIdWindow(job.dedupWindowIds);
/** The responses read before this part's window is full: the main thread decides for them (region-head.ts). */
const head = emptyHead();
const shapes: ShapeIndex = new Map();
const pipeline = new RecordPipeline({
  source: job.path,
  extractor: new Extractor(await loadCatalog(job.extraFiles, job.extraCodes)),
  maxRecordBytes: job.maxRecordBytes,
  maxMultilineBytes: job.maxMultilineBytes,
  format: job.format,
  atFileStart: false,
  text: createTextRecognizer(textRules(job.sdkStrings)),
  dedup: null,
  onBatch: (_source, responses, counts) => {
    if (window === null) {
      totals.add(responses, counts);
      return;
    }
    let i = 0;
    for (; i < responses.length && window.added < window.size; i++) {
      const r = responses[i] as ApiResponse;
      addToHead(head, shapes, r);
      if (!isPlaceholderId(r.requestId)) window.add(r.requestId);
    }
    const { kept, duplicates } = dedupBatch(i === 0 ? responses : responses.slice(i), window);
    totals.add(kept, { ...counts, duplicate: counts.duplicate + duplicates });
  },
});
for (const data of readFileRange(job.path, job.start, job.end)) pipeline.push(data);
pipeline.end();
parentPort?.postMessage({
  totals: totals.totals,
  byAction: totals.byAction,
  errorCodes: totals.errorCodes,
  head,
});
