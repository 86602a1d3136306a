/**
 * (3) Scrape cost with ~1,000 `aliyun_api_responses_total` series, then (4) idle CPU and RSS of the same
 * exporter, its file read to the end and nobody scraping.
 *
 * The log holds structured lines `{"action":…,"response":{…}}` over `actions` actions × 4 codes (one
 * success, three errors with a HostId, so error series carry an exemplar under OpenMetrics), each
 * combination `repeat` times. Scrapes are sequential on one keep-alive connection, like Prometheus.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startExporter, tempDir, writeConfig } from "./sidecar-exporter.mjs";
import { OPENMETRICS, samples, scrape, scrapeUntil, sleep, stats, sum } from "./sidecar-scrape.mjs";

const CODES = ["", "Throttling", "InvalidParameter", "InternalError"];
const WARMUP_SCRAPES = 10;

function seriesLog(actions, repeat) {
  const lines = [];
  let id = 0;
  for (let r = 0; r < repeat; r++) {
    for (let a = 0; a < actions; a++) {
      const action = `DescribeBench${String(a).padStart(3, "0")}`;
      for (const code of CODES) {
        id++;
        const response =
          code === ""
            ? { RequestId: `bench-series-${id}`, TotalCount: 0 }
            : {
                RequestId: `bench-series-${id}`,
                HostId: "ess.cn-hangzhou.aliyuncs.com",
                Code: code,
                Message: "bench",
              };
        lines.push(JSON.stringify({ level: "info", action, response }));
      }
    }
  }
  return { text: `${lines.join("\n")}\n`, responses: lines.length };
}

async function timeScrapes(url, count, accept) {
  for (let i = 0; i < WARMUP_SCRAPES; i++) await scrape(url, accept);
  const ms = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const s = await scrape(url, accept);
    ms.push(s.ms);
    bytes = Buffer.byteLength(s.body);
  }
  return { ...stats(ms), bodyBytes: bytes };
}

/** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function memoryMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

function clockTicksPerSecond() {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const n = Number(r.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
}

export async function measureScrapeAndIdle({ cli, actions, repeat, scrapes, idleSeconds }) {
  const dir = tempDir("series");
  const log = join(dir, "app.log");
  const { text, responses } = seriesLog(actions, repeat);
  writeFileSync(log, text);
  const exporter = await startExporter(cli, writeConfig(dir, [join(dir, "*.log")]));
  const read = await scrapeUntil(
    exporter.url,
    (b) =>
      sum(b, "aliyun_response_exporter_records_total", { source: "app", result: "response" }) >= responses,
    { everyMs: 50, deadlineMs: 30_000, what: "the series log read" },
  );
  const series = samples(read.body, "aliyun_api_responses_total").length;
  const plain = await timeScrapes(exporter.url, scrapes, undefined);
  const openMetrics = await timeScrapes(exporter.url, scrapes, OPENMETRICS);
  const om = await scrape(exporter.url, OPENMETRICS);
  const exemplars = om.body
    .split("\n")
    .filter((l) => l.startsWith("aliyun_api_responses_total") && l.includes(" # {")).length;

  // Idle: settle for a second after the last scrape, then nothing but the exporter's own timers.
  await sleep(1000);
  const hz = clockTicksPerSecond();
  const before = cpuTicks(exporter.pid);
  const t0 = performance.now();
  await sleep(idleSeconds * 1000);
  const ticks = cpuTicks(exporter.pid) - before;
  const wallS = (performance.now() - t0) / 1000;
  const memory = memoryMiB(exporter.pid);
  const exit = await exporter.stop();
  return {
    scrape: { series, responses, exemplars, plain, openMetrics, scrapes, warmup: WARMUP_SCRAPES },
    idle: {
      seconds: wallS,
      cpuTicks: ticks,
      clockTicksPerSecond: hz,
      cpuPercent: (100 * ticks) / hz / wallS,
      rssMiB: memory.rss,
      peakRssMiB: memory.peak,
    },
    exit,
  };
}
