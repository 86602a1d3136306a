import { statSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import type { Config } from "../config/schema.js";
import { UsageError } from "../core/errors.js";
import { DEFAULT_LOG_FORMAT, DEFAULT_MAX_MULTILINE_BYTES, DEFAULT_MAX_RECORD_BYTES } from "../core/limits.js";
import { type ApiResponse, emptyCounts, type LineCounts } from "../core/records.js";
import { redactor } from "../core/redact.js";
import { type Totals, TotalsBuilder } from "../core/totals.js";
import { VERSION } from "../core/version.js";
import type { LogFormat } from "../decoders/line-decoder.js";
import { loadCatalog } from "../extract/catalog-load.js";
import { DEFAULT_DEDUP_WINDOW_IDS, dedupBatch } from "../extract/dedup.js";
import { Extractor } from "../extract/extractor.js";
import { DEFAULT_TEXT_SETTINGS } from "../parsers/sdk-text/rules.js";
import { pipelineStages, RecordPipeline, sourceStages } from "../pipeline.js";
import { eventJson } from "./event-json.js";
import { readFileRange, readStdin } from "./file-range.js";
import { analyzeFileInTwo, canSplit } from "./parallel.js";
import { ProgressBar } from "./progress.js";
import { headResponses } from "./region-head.js";

export interface AnalyzeArgs {
  inputs: string[];
  json: boolean;
  events: boolean;
  metrics: boolean;
  /** `--no-redact`: print messages as they are (default: masked, or the config's `redact`). */
  noRedact?: boolean;
  config?: Config;
  /** Forces a line format; else the config's first source's, else `auto` (README "Container logs"). */
  format?: LogFormat;
}

export interface AnalyzeIo {
  stdin: Readable;
  stdout: Writable;
}

/** `analyze`: reads files (or stdin) once to the end and prints a summary, events or metrics. */
export async function runAnalyze(args: AnalyzeArgs, io: AnalyzeIo): Promise<void> {
  const inputs = args.inputs.length > 0 ? args.inputs : ["-"];
  if (inputs.filter((i) => i === "-").length > 1) throw new UsageError("stdin (-) can be read only once");
  const sizes = inputs.map((i) => (i === "-" ? 0 : fileSize(i)));
  const config = args.config;
  const catalog = await loadCatalog(config?.errorCodes.files, config?.errorCodes.codes);
  const extractor = new Extractor(catalog);
  const source = config?.sources[0];
  const limits = {
    maxRecordBytes: source?.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    maxMultilineBytes: source?.maxMultilineBytes ?? DEFAULT_MAX_MULTILINE_BYTES,
    format: args.format ?? source?.format ?? DEFAULT_LOG_FORMAT,
  };
  const totals = new TotalsBuilder();
  // prom-client is loaded only when asked for: it is a third of analyze's start-up time.
  const metrics = args.metrics
    ? new (await import("../metrics/exporter-metrics.js")).ExporterMetrics({
        labelCaps: config?.labelCaps,
        ...(config
          ? { maxSeries: config.limits.maxSeries, maxLabelValueLength: config.limits.maxLabelValueLength }
          : {}),
        version: VERSION,
        processMetrics: false,
      })
    : null;
  const progress = ProgressBar.forStderr(sizes.reduce((a, b) => a + b, 0));
  const redact = redactor(args.noRedact !== true && (config?.redact ?? true));

  for (const [i, input] of inputs.entries()) {
    let pending = "";
    const onBatch = (name: string, responses: readonly ApiResponse[], counts: LineCounts): void => {
      totals.add(responses, counts);
      metrics?.recordBatch(name, responses, counts);
      if (args.events) for (const r of responses) pending += `${eventJson(r, redact)}\n`;
    };
    const settings = {
      sdkStrings: source?.sdkStrings ?? DEFAULT_TEXT_SETTINGS,
      dedupWindowIds: source?.dedupWindowIds ?? DEFAULT_DEDUP_WINDOW_IDS,
    };
    const pipeline = new RecordPipeline({
      source: input,
      extractor,
      onBatch,
      ...limits,
      ...pipelineStages(sourceStages(settings)),
    });
    const size = sizes[i] ?? 0;
    if (input !== "-" && !args.events && !metrics && canSplit(size)) {
      // Totals only: the file's second half goes to a worker (events and metrics keep one thread,
      // in input order).
      const other = await analyzeFileInTwo(
        input,
        size,
        pipeline,
        {
          ...limits,
          extraFiles: config?.errorCodes.files ?? [],
          extraCodes: config?.errorCodes.codes ?? [],
          ...settings,
        },
        (n) => progress?.advance(n),
      );
      pipeline.end();
      if (other) {
        totals.merge(other);
        const dedup = pipeline.dedup;
        const head = headResponses(other.head);
        const { kept, duplicates } = dedup === null ? { kept: head, duplicates: 0 } : dedupBatch(head, dedup);
        totals.add(kept, { ...emptyCounts(), duplicate: duplicates });
      }
      continue;
    }
    for await (const data of input === "-" ? readStdin(io.stdin) : readFileRange(input)) {
      pipeline.push(data);
      progress?.advance(data.length);
      if (pending.length > 0) {
        // Events are written per chunk, with backpressure from the consumer of stdout.
        if (!io.stdout.write(pending)) await new Promise((r) => io.stdout.once("drain", r));
        pending = "";
      }
    }
    pipeline.end();
    if (pending.length > 0) io.stdout.write(pending);
  }
  progress?.finish();

  const summary = totals.totals;
  if (args.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
  if (metrics) io.stdout.write((await metrics.metricsText(false)).body);
  if (!args.json && !args.events && !args.metrics) io.stdout.write(formatSummary(summary, inputs, totals));
}

function fileSize(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${path}: not a regular file`);
    return st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0.0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

function top(counts: Record<string, number>, n: number): [string, number][] {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n);
}

/** The readable summary: totals, rates, top codes and actions. */
function formatSummary(
  s: Totals,
  inputs: readonly string[],
  detail: { byAction: Record<string, number>; errorCodes: Record<string, number> },
): string {
  const lines = [
    `Read ${inputs.join(", ")}: ${s.lines} lines, ${(s.bytes / 1048576).toFixed(1)} MiB`,
    `Responses     ${s.responses}`,
    `  success     ${s.success}`,
    `  errors      ${s.errors}  (error rate ${percent(s.errors, s.responses)})`,
    `  throttled   ${s.throttled}  (throttling rate ${percent(s.throttled, s.responses)})`,
    `Unrecognised  ${s.unrecognizedLines} lines (malformed ${s.malformedLines}, not a response ${s.nonResponseLines}, oversized ${s.oversizedLines})`,
    "",
    "By category",
    ...top(s.byCategory, 10).map(
      ([k, v]) => `  ${k.padEnd(24)} ${String(v).padStart(9)}  ${percent(v, s.responses)}`,
    ),
    "",
    "Top error codes",
  ];
  const codes = top(detail.errorCodes, 10);
  if (codes.length === 0) lines.push("  (none)");
  for (const [k, v] of codes) lines.push(`  ${k.padEnd(40)} ${String(v).padStart(9)}`);
  lines.push("", "Top actions");
  for (const [k, v] of top(detail.byAction, 10)) lines.push(`  ${k.padEnd(40)} ${String(v).padStart(9)}`);
  lines.push("", "By HTTP status");
  for (const [k, v] of top(s.byStatus, 10)) lines.push(`  ${k.padEnd(8)} ${String(v).padStart(9)}`);
  return `${lines.join("\n")}\n`;
}
