/**
 * (2) Tailing throughput vs analyze on the same file. A prefix of the NDJSON corpus (cut at a line end)
 * is copied to a temp log, then, `runs` times and interleaved so that all three see the same machine
 * load:
 *  - `analyze --json FILE` (splits a file ≥ 32 MiB across two threads when only totals are asked for);
 *  - `cat FILE | analyze --json -` (stdin: one thread, the same pipeline as the tailer);
 *  - `run` on the file with `startAt: beginning`, until `bytes_read_total` equals the file size and
 *    `records_total{result="response"}` equals analyze's response count, seen twice: "polled" (/metrics
 *    every 50 ms, the brief's method) and "quiet" (watching /proc/PID/io, see `tailOnce`).
 * Throughput compares reading, not start-up: `run` loads more than analyze (config, HTTP server,
 * prom-client: ~300 ms vs ~100 ms), which would otherwise weigh ~20% on a 1–2 s run. So the tail time
 * runs from the start-up line (logged just before the sources start) to the end of the scrape that
 * shows the last byte (late by up to one poll step), and each analyze time has the
 * same command's best time on an empty input subtracted. End-to-end times (from the spawn, and analyze's
 * plain wall time) are reported next to them.
 * Exactness: the tailer's responses summed by code and its records by result must equal analyze's.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { compareCounts, compareSummary } from "./compare.mjs";
import { warmPageCache } from "./measure.mjs";
import { startExporter, tempDir, writeConfig } from "./sidecar-exporter.mjs";
import { scrapeUntil, sleep, sum, sumBy } from "./sidecar-scrape.mjs";

const MiB = 1024 * 1024;
const TAIL_DEADLINE_MS = 120_000;
const QUIET_SLACK_BYTES = 2 * MiB;

/** Copies `[0, n)` of `src` to `dst`, with n the first line end at or after `bytes` (or the whole file). */
function copyPrefix(src, dst, bytes) {
  const size = statSync(src).size;
  const inFd = openSync(src, "r");
  const outFd = openSync(dst, "w");
  const buf = Buffer.allocUnsafe(4 * MiB);
  let pos = 0;
  try {
    for (;;) {
      const n = readSync(inFd, buf, 0, buf.length, pos);
      if (n === 0) break;
      let take = n;
      if (pos + n >= bytes) {
        const nl = buf.subarray(0, n).indexOf(0x0a, Math.max(0, bytes - 1 - pos));
        if (nl >= 0) take = nl + 1;
      }
      writeSync(outFd, buf, 0, take);
      pos += take;
      if (take < n) break;
    }
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
  return { bytes: pos, corpusBytes: size };
}

function timed(file, args) {
  const started = performance.now();
  const r = spawnSync(file, args, {
    encoding: "utf8",
    maxBuffer: 64 * MiB,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ms = performance.now() - started;
  if (r.status !== 0)
    throw new Error(`${args.join(" ")}: exit ${r.status ?? r.signal}: ${r.stderr.trim().slice(0, 300)}`);
  return { ms, summary: JSON.parse(r.stdout) };
}

/** Bytes the process has read through read(2)/pread(2) so far, all threads (/proc/PID/io). */
function rchar(pid) {
  return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1]);
}

/**
 * Waits, without touching the exporter, until it has read all but the last `QUIET_SLACK_BYTES` of the
 * file (its rchar grew by that much since the start-up line), or its reading stalled. Bytes read
 * before the bench saw the start-up line (a few ms) are covered by the slack, and the stall check
 * covers any error in the estimate.
 */
async function quietWait(pid, bytes) {
  const base = rchar(pid);
  let last = base;
  let changedAt = performance.now();
  const giveUpAt = changedAt + TAIL_DEADLINE_MS;
  for (;;) {
    const now = performance.now();
    const v = rchar(pid);
    if (v - base >= bytes - QUIET_SLACK_BYTES || now > giveUpAt) return;
    if (v !== last) [last, changedAt] = [v, now];
    else if (now - changedAt > 300) return;
    await sleep(5);
  }
}

/**
 * One tail of the whole file. `polled`: /metrics every 50 ms throughout (the brief's method; each
 * scrape takes a few ms of the exporter's only thread, ~20 of them during a 1 s run). `quiet`:
 * /proc/PID/io until the last 2 MiB, then /metrics every 5 ms, so that what is timed is the tailer
 * rather than the bench's scrapes (Prometheus scrapes every 15–60 s).
 */
async function tailOnce(cli, dir, file, want, mode) {
  const exporter = await startExporter(cli, writeConfig(dir, [file]));
  try {
    if (mode === "quiet") await quietWait(exporter.pid, want.bytes);
    const last = await scrapeUntil(
      exporter.url,
      (b) =>
        sum(b, "aliyun_response_exporter_bytes_read_total", { source: "app" }) >= want.bytes &&
        sum(b, "aliyun_response_exporter_records_total", { source: "app", result: "response" }) >=
          want.responses,
      { everyMs: mode === "quiet" ? 5 : 50, deadlineMs: TAIL_DEADLINE_MS, what: "tailing the whole file" },
    );
    const body = last.body;
    const records = sumBy(body, "aliyun_response_exporter_records_total", "result");
    return {
      fromSpawnMs: last.endedAt - exporter.spawnedAt,
      fromStartLineMs: last.endedAt - exporter.startedAt,
      startupMs: exporter.startedAt - exporter.spawnedAt,
      byCode: sumBy(body, "aliyun_api_responses_total", "code"),
      byCategory: sumBy(body, "aliyun_api_responses_total", "category"),
      bytesRead: sum(body, "aliyun_response_exporter_bytes_read_total", { source: "app" }),
      records,
      exit: await exporter.stop(),
    };
  } finally {
    await exporter.stop();
  }
}

function mismatches(truth, tail) {
  const out = [
    ...compareCounts("byCode", truth.byCode, tail.byCode),
    ...compareCounts("byCategory", truth.byCategory, tail.byCategory),
  ];
  const recordsWant = {
    response: truth.responses,
    malformed: truth.malformedLines,
    non_response: truth.nonResponseLines,
    oversized: truth.oversizedLines ?? 0,
    duplicate: truth.duplicates ?? 0,
  };
  out.push(...compareCounts("records_total", recordsWant, tail.records));
  if (tail.bytesRead !== truth.bytes)
    out.push({ field: "bytes_read_total", expected: truth.bytes, got: tail.bytesRead });
  if (tail.exit !== 0) out.push({ field: "(exit after SIGTERM)", expected: 0, got: tail.exit });
  return out;
}

export async function measureThroughput({ cli, corpus, targetMiB, runs }) {
  const dir = tempDir("throughput");
  const file = join(dir, "app.log");
  const { bytes, corpusBytes } = copyPrefix(corpus, file, Math.round(targetMiB * MiB));
  warmPageCache(file);
  const node = process.execPath;
  const empty = join(dir, "empty.log");
  writeFileSync(empty, "");
  const analyzeFileCmd = (f) => [node, [cli, "analyze", "--json", f]];
  const analyzeStdinCmd = (f) => [
    "/bin/sh",
    ["-c", 'cat "$1" | "$2" "$3" analyze --json -', "sh", f, node, cli],
  ];
  const startup = { file: [], stdin: [] };
  const analyzeFile = [];
  const analyzeStdin = [];
  const tail = [];
  const quiet = [];
  const problems = [];
  let truth;
  for (let r = 0; r < runs; r++) {
    startup.file.push(timed(...analyzeFileCmd(empty)).ms);
    startup.stdin.push(timed(...analyzeStdinCmd(empty)).ms);
  }
  for (let r = 0; r < runs; r++) {
    const a = timed(...analyzeFileCmd(file));
    analyzeFile.push(a.ms);
    truth ??= a.summary;
    for (const p of compareSummary(truth, a.summary))
      problems.push({ run: r + 1, tool: "analyze FILE", ...p });
    const s = timed(...analyzeStdinCmd(file));
    analyzeStdin.push(s.ms);
    for (const p of compareSummary(truth, s.summary))
      problems.push({ run: r + 1, tool: "analyze stdin", ...p });
    for (const mode of ["polled", "quiet"]) {
      const t = await tailOnce(cli, dir, file, { bytes, responses: truth.responses }, mode);
      (mode === "quiet" ? quiet : tail).push(t);
      for (const p of mismatches(truth, t)) problems.push({ run: r + 1, tool: `run (tail, ${mode})`, ...p });
    }
  }
  const best = (list) => Math.min(...list);
  const mibs = (ms) => bytes / MiB / (ms / 1000);
  const reader = (times, startupTimes) => {
    const startupMs = best(startupTimes);
    const readMs = times.map((ms) => ms - startupMs);
    return {
      bestMs: best(readMs),
      readMs,
      startupMs,
      startupTimesMs: startupTimes,
      mibPerS: mibs(best(readMs)),
      wallBestMs: best(times),
      wallTimesMs: times,
      wallMibPerS: mibs(best(times)),
    };
  };
  const tailer = (list) => {
    const readMs = list.map((t) => t.fromStartLineMs);
    const wallMs = list.map((t) => t.fromSpawnMs);
    return {
      bestMs: best(readMs),
      readMs,
      startupTimesMs: list.map((t) => t.startupMs),
      mibPerS: mibs(best(readMs)),
      wallBestMs: best(wallMs),
      wallTimesMs: wallMs,
      wallMibPerS: mibs(best(wallMs)),
    };
  };
  const result = {
    file: { bytes, mib: bytes / MiB, responses: truth.responses, lines: truth.lines, corpusBytes },
    runs,
    analyzeFile: reader(analyzeFile, startup.file),
    analyzeStdin: reader(analyzeStdin, startup.stdin),
    tail: tailer(tail),
    tailQuiet: tailer(quiet),
    exact: problems.length === 0,
    problems,
  };
  result.ratioVsStdin = result.tail.mibPerS / result.analyzeStdin.mibPerS;
  result.ratioVsFile = result.tail.mibPerS / result.analyzeFile.mibPerS;
  result.wallRatioVsStdin = result.tail.wallMibPerS / result.analyzeStdin.wallMibPerS;
  result.wallRatioVsFile = result.tail.wallMibPerS / result.analyzeFile.wallMibPerS;
  result.quietRatioVsStdin = result.tailQuiet.mibPerS / result.analyzeStdin.mibPerS;
  result.quietRatioVsFile = result.tailQuiet.mibPerS / result.analyzeFile.mibPerS;
  return result;
}
