/**
 * Scrapes a running CLI's /metrics and reads the exposition back into samples, so the tests can
 * compare counters with what they wrote. A deliberately small parser: one sample per line,
 * `name{label="value",…} value [# {exemplar labels} value [timestamp]]`.
 */
import { METRICS } from "../../src/metrics/catalog.js";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly exemplar?: { readonly labels: Readonly<Record<string, string>>; readonly value: number };
}

export const OPENMETRICS_ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

const SAMPLE_RE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})?\s+(\S+)(?:\s+\S+)?(?:\s+#\s+\{(.*)\}\s+(\S+).*)?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === undefined) return labels;
  for (const m of text.matchAll(LABEL_RE)) {
    labels[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    // Label values may hold `}`; a lazy match is enough for the values these tests write.
    const m = SAMPLE_RE.exec(line);
    if (m === null) throw new Error(`unparsable exposition line: ${line}`);
    const sample: Sample = {
      name: m[1] as string,
      labels: parseLabels(m[2]),
      value: Number(m[3]),
      ...(m[4] === undefined ? {} : { exemplar: { labels: parseLabels(m[4]), value: Number(m[5]) } }),
    };
    samples.push(sample);
  }
  return samples;
}

export interface Scrape {
  readonly contentType: string;
  readonly text: string;
  readonly samples: Sample[];
}

export async function scrape(baseUrl: string, accept?: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`, accept ? { headers: { accept } } : {});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`);
  return { contentType: res.headers.get("content-type") ?? "", text, samples: parseExposition(text) };
}

export async function samplesOf(baseUrl: string): Promise<Sample[]> {
  return (await scrape(baseUrl)).samples;
}

/** Sum of the samples of `name` whose labels include `match`. */
export function total(
  samples: readonly Sample[],
  name: string,
  match: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

export const RESPONSES = METRICS.responses.name;
export const RECORDS = METRICS.records.name;
const BYTES_READ = METRICS.bytesRead.name;
const FILES_WATCHED = METRICS.filesWatched.name;
const ROTATIONS = METRICS.fileRotations.name;
const TRUNCATIONS = METRICS.fileTruncations.name;

/**
 * `aliyun_api_responses_total` summed per `category/code/status` (over actions), zero series left
 * out: the shape `ResponseLedger.expected()` has, so one `toEqual` says "each line counted once".
 */
export function responsesByKey(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== RESPONSES || s.value === 0) continue;
    const key = `${s.labels.category}/${s.labels.code}/${s.labels.status}`;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** Adds two `responsesByKey` maps (run 1 + run 2 of a restart). */
export function addByKey(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** The counters a tailing test looks at, read from one scrape (compact, so a timeout message shows it). */
export interface Snapshot {
  /** `records_total{result="response"}` of the source (or of all sources). */
  readonly responses: number;
  /** `aliyun_api_responses_total` per `category/code/status`: it has no source label. */
  readonly byKey: Record<string, number>;
  /** `records_total` per result, for the source (or all sources). */
  readonly records: Record<string, number>;
  readonly bytesRead: number;
  readonly filesWatched: number;
  readonly rotations: number;
  readonly truncations: number;
}

export function snapshotOf(samples: readonly Sample[], source?: string): Snapshot {
  const bySource: Record<string, string> = source === undefined ? {} : { source };
  const records: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== RECORDS || (source !== undefined && s.labels.source !== source)) continue;
    const result = s.labels.result as string;
    records[result] = (records[result] ?? 0) + s.value;
  }
  return {
    responses: records.response ?? 0,
    byKey: responsesByKey(samples),
    records,
    bytesRead: total(samples, BYTES_READ, bySource),
    filesWatched: total(samples, FILES_WATCHED),
    rotations: total(samples, ROTATIONS, bySource),
    truncations: total(samples, TRUNCATIONS, bySource),
  };
}

export async function snapshot(baseUrl: string, source?: string): Promise<Snapshot> {
  return snapshotOf(await samplesOf(baseUrl), source);
}
