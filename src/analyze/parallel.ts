import { UsageError } from "../core/errors.js";
import type { Totals } from "../core/totals.js";
import type { RecordPipeline } from "../pipeline.js";
import { lineStartNear, readFileRange } from "./file-range.js";
import type { RegionHead } from "./region-head.js";
import type { RegionJob } from "./worker.js";

const MAIN_SHARE = 0.56;

/** Below this a worker's start-up (~70 ms) is not paid back. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

interface RegionTotals {
  totals: Totals;
  byAction: Record<string, number>;
  errorCodes: Record<string, number>;
  /** Responses not in the totals yet: the main thread dedups them after its part (worker.ts). */
  head: RegionHead;
}

/** Lowers PARALLEL_MIN_BYTES so that tests cross it with small files (README "Build"). */
const MIN_BYTES_ENV = "ALIYUN_RESPONSE_EXPORTER_PARALLEL_MIN_BYTES";

/** Large enough to be worth a second thread (whether there is a second core is analyzeFileInTwo's). */
export function canSplit(size: number): boolean {
  const set = process.env[MIN_BYTES_ENV];
  if (set === undefined || set === "") return size >= PARALLEL_MIN_BYTES;
  if (!/^\d+$/.test(set)) throw new UsageError(`${MIN_BYTES_ENV}: expected a number of bytes, got "${set}"`);
  return size >= Number(set);
}

/**
 * Reads one file on two cores: a worker analyses its second part while `pipeline` takes the first.
 * Exact: the halves meet at a line start, and the worker's totals count only if the first half's
 * pipeline ends at rest there (no multi-line body open), which is the state the worker started
 * from. Otherwise the worker is dropped and the first pipeline reads on through the second half.
 * Returns the worker's totals to add, or null when the pipeline read the whole file itself.
 */
export async function analyzeFileInTwo(
  path: string,
  size: number,
  pipeline: RecordPipeline,
  job: Omit<RegionJob, "path" | "start" | "end">,
  onRead: (bytes: number) => void,
): Promise<RegionTotals | null> {
  // Loaded here, not at the top: `analyze` of a small input never pays for them.
  const [{ availableParallelism }, { Worker }] = await Promise.all([
    import("node:os"),
    import("node:worker_threads"),
  ]);
  // The worker starts ~60 ms later than the main thread (its own module loading) and reads a bit
  // slower: measured on the bench's XML corpus, 56% for the main thread makes both end together.
  const mid = availableParallelism() > 1 ? lineStartNear(path, Math.floor(size * MAIN_SHARE)) : -1;
  if (mid < 0 || mid >= size) {
    for (const data of readFileRange(path)) {
      pipeline.push(data);
      onRead(data.length);
    }
    return null;
  }
  const worker = new Worker(new URL("./worker.js", import.meta.url), {
    workerData: { ...job, path, start: mid, end: size } satisfies RegionJob,
  });
  const result = new Promise<RegionTotals>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`analyze worker exited with code ${code}`)));
  });
  result.catch(() => {}); // awaited below, or abandoned on the sequential fallback
  for (const data of readFileRange(path, 0, mid)) {
    pipeline.push(data);
    onRead(data.length);
  }
  if (pipeline.atRest) {
    const totals = await result;
    onRead(size - mid);
    return totals;
  }
  await worker.terminate();
  for (const data of readFileRange(path, mid, size)) {
    pipeline.push(data);
    onRead(data.length);
  }
  return null;
}
