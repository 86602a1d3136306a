/**
 * (1) Append → visible on /metrics. The exporter follows an empty log; the bench appends one response
 * line at a time (through one open O_APPEND descriptor, as a logger does) and scrapes /metrics every
 * ~10 ms until `aliyun_api_responses_total{action="BenchLatencyProbe"}` counts it. Latency = from just
 * before the write to the end of the first scrape that shows it, so it includes up to one poll step
 * (10 ms) and that scrape's own time: an upper bound on what the exporter itself takes.
 */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "./prng.mjs";
import { startExporter, tempDir, writeConfig } from "./sidecar-exporter.mjs";
import { scrape, scrapeUntil, sleep, stats, sum } from "./sidecar-scrape.mjs";

const PROBE_ACTION = "BenchLatencyProbe";
/** The first appends also pay for lazily compiled code; they are run but not counted. */
const WARMUP = 3;
const PER_SAMPLE_DEADLINE_MS = 5000;

function probeLine(n) {
  const body = { RequestId: `bench-latency-${n}`, Code: "OK" };
  return `${JSON.stringify({ time: new Date().toISOString(), level: "info", action: PROBE_ACTION, response: body })}\n`;
}

export async function measureLatency({ cli, samples, pollEveryMs, seed }) {
  const dir = tempDir("latency");
  const log = join(dir, "app.log");
  writeFileSync(log, "");
  const exporter = await startExporter(cli, writeConfig(dir, [join(dir, "*.log")]));
  const random = mulberry32(seed);
  const fd = openSync(log, "a");
  const latencies = [];
  const lowerBounds = [];
  let timeouts = 0;
  try {
    await scrapeUntil(exporter.url, (b) => sum(b, "aliyun_response_exporter_files_watched") >= 1, {
      everyMs: 20,
      deadlineMs: 10_000,
      what: "the empty log opened",
    });
    for (let n = 1; n <= WARMUP + samples; n++) {
      const line = probeLine(n);
      const writtenAt = performance.now();
      writeSync(fd, line);
      let seen;
      const giveUpAt = writtenAt + PER_SAMPLE_DEADLINE_MS;
      for (;;) {
        const s = await scrape(exporter.url);
        if (sum(s.body, "aliyun_api_responses_total", { action: PROBE_ACTION }) >= n) {
          seen = s;
          break;
        }
        if (s.endedAt > giveUpAt) break;
        await sleep(Math.max(0, s.startedAt + pollEveryMs - performance.now()));
      }
      if (n > WARMUP) {
        if (seen === undefined) {
          timeouts++;
          latencies.push(PER_SAMPLE_DEADLINE_MS);
        } else {
          latencies.push(seen.endedAt - writtenAt);
          lowerBounds.push(Math.max(0, seen.startedAt - writtenAt));
        }
      }
      if (seen === undefined) {
        // Resynchronise: wait (bounded) for the late line, so the next sample measures only itself.
        await scrapeUntil(
          exporter.url,
          (b) => sum(b, "aliyun_api_responses_total", { action: PROBE_ACTION }) >= n,
          {
            everyMs: 50,
            deadlineMs: 10_000,
            what: `probe ${n}`,
          },
        );
      }
      // One append every ~50–100 ms, jittered so appends do not phase-lock with the exporter's 250 ms poll.
      await sleep(50 + 50 * random());
    }
  } finally {
    closeSync(fd);
  }
  const exit = await exporter.stop();
  return {
    samples,
    warmup: WARMUP,
    pollEveryMs,
    timeouts,
    latencyMs: stats(latencies),
    // Start of the detecting scrape − write time: the figure minus one scrape's own duration.
    lowerBoundMs: stats(lowerBounds),
    raw: latencies.map((v) => Math.round(v * 100) / 100),
    exit,
  };
}
