/**
 * Scraping the exporter the way Prometheus does: GET /metrics on one keep-alive connection, loopback
 * only, optionally with `Accept: application/openmetrics-text`. Plus a small exposition reader (sum of
 * the samples of one metric that match some labels) and the stats the report needs.
 */
import { Agent, get } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
export const OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** One scrape: `{ ms, body, startedAt, endedAt }`, ms from the request to the last byte of the body. */
export function scrape(baseUrl, accept) {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = get(
      `${baseUrl}/metrics`,
      { agent, headers: accept ? { accept } : {}, timeout: 10_000 },
      (res) => {
        const parts = [];
        res.on("data", (b) => parts.push(b));
        res.on("end", () => {
          const endedAt = performance.now();
          if (res.statusCode !== 200) {
            reject(new Error(`GET /metrics: HTTP ${res.statusCode}`));
            return;
          }
          resolve({
            ms: endedAt - startedAt,
            body: Buffer.concat(parts).toString("utf8"),
            startedAt,
            endedAt,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("GET /metrics timed out")));
    req.on("error", reject);
  });
}

export function closeConnections() {
  agent.destroy();
}

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})?\s+(\S+)/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The samples of `name` in a text exposition (Prometheus or OpenMetrics; an exemplar after the value is
 * ignored): `[{ labels, value }]`.
 */
export function samples(text, name) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const m = SAMPLE_RE.exec(line);
    if (m === null || m[1] !== name) continue;
    const labels = {};
    for (const l of (m[2] ?? "").matchAll(LABEL_RE)) labels[l[1]] = JSON.parse(`"${l[2]}"`);
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of `name` whose labels include every pair of `match`. */
export function sum(text, name, match = {}) {
  let total = 0;
  for (const s of samples(text, name)) {
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** `{ [labels[key]]: summed value }` over the samples of `name`. */
export function sumBy(text, name, key) {
  const out = {};
  for (const s of samples(text, name)) out[s.labels[key]] = (out[s.labels[key]] ?? 0) + s.value;
  return out;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Scrapes every `everyMs` (measured from the start of the previous scrape) until `done(body)`; returns
 * the scrape that satisfied it, or throws after `deadlineMs`.
 */
export async function scrapeUntil(baseUrl, done, { everyMs, deadlineMs, what }) {
  const giveUpAt = performance.now() + deadlineMs;
  for (;;) {
    const s = await scrape(baseUrl);
    if (done(s.body)) return s;
    if (s.endedAt > giveUpAt) throw new Error(`${what}: not reached within ${deadlineMs} ms`);
    await sleep(Math.max(0, s.startedAt + everyMs - performance.now()));
  }
}

/** Nearest-rank percentile of an array of numbers (p in 0..100). */
function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function stats(values) {
  return {
    n: values.length,
    median: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: Math.max(...values),
    min: Math.min(...values),
  };
}
