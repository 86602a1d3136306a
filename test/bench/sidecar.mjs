#!/usr/bin/env node
/**
 * Benchmark of the sidecar `run` command (issue 3, "Performance"). Not a test: never part of npm test.
 * Needs `npm run build` first.
 *
 *   node test/bench/sidecar.mjs [--samples 200] [--mib 100] [--runs 3] [--scrapes 200] [--idle 10]
 *                               [--data DIR] [--cli dist/cli.js] [--only latency,throughput,scrape]
 *
 * (1) append → visible on /metrics, (2) tailing throughput vs analyze on the same NDJSON file (counts
 * checked exact), (3) scrape time with ~1,000 series, (4) idle CPU and RSS. Prints markdown tables and
 * writes the raw figures to DATA/sidecar-results.json. Every exporter is stopped by pid and every temp
 * dir removed, also on failure or Ctrl-C. Exit 1 when the tailer's counts are not exact, 2 on bad usage
 * or a missing build; targets not met do not change the exit status.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanupAll, cleanupNow } from "./lib/sidecar-exporter.mjs";
import { measureLatency } from "./lib/sidecar-latency.mjs";
import { formatReport, targets } from "./lib/sidecar-report.mjs";
import { closeConnections } from "./lib/sidecar-scrape.mjs";
import { measureScrapeAndIdle } from "./lib/sidecar-scrape-cost.mjs";
import { measureThroughput } from "./lib/sidecar-throughput.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const PHASES = ["latency", "throughput", "scrape"];

function usage(message) {
  console.error(
    `${message}\nusage: node test/bench/sidecar.mjs [--samples 200] [--mib 100] [--runs 3] [--scrapes 200] [--idle 10] [--data DIR] [--cli FILE] [--only ${PHASES.join(",")}]`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    samples: 200,
    mib: 100,
    runs: 3,
    scrapes: 200,
    idle: 10,
    data: join(HERE, "data"),
    cli: join(ROOT, "dist", "cli.js"),
    only: PHASES,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (v === undefined) usage(`missing value after ${a}`);
    if (a === "--data") opts.data = resolve(v);
    else if (a === "--cli") opts.cli = resolve(v);
    else if (a === "--only") opts.only = v.split(",").map((s) => s.trim());
    else if (["--samples", "--mib", "--runs", "--scrapes", "--idle"].includes(a)) {
      const n = Number(v);
      if (!(n > 0)) usage(`${a} must be a positive number`);
      opts[a.slice(2)] = n;
    } else usage(`unknown option ${a}`);
  }
  for (const p of opts.only) if (!PHASES.includes(p)) usage(`--only takes phases among ${PHASES.join(",")}`);
  return opts;
}

/** The NDJSON corpus of the analyze bench; generated at scale 0.25 (~50 MiB NDJSON) when missing. */
function ensureCorpus(dir) {
  const file = join(dir, "ndjson.log");
  if (existsSync(file)) return file;
  console.error(`${file} missing: generating the bench corpus at scale 0.25`);
  const r = spawnSync(process.execPath, [join(HERE, "generate.mjs"), "--scale", "0.25", "--out", dir], {
    stdio: "inherit",
  });
  if (r.status !== 0 || !existsSync(file)) {
    console.error("corpus generation failed");
    process.exit(2);
  }
  return file;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) usage(`${opts.cli} not found: run \`npm run build\` first`);
  const onSignal = (signal) => {
    cleanupNow();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", cleanupNow);

  const started = performance.now();
  const result = {
    date: new Date().toISOString(),
    commit: spawnSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
    }).stdout?.trim(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      loadavgAtStart: loadavg(),
    },
    options: { ...opts, only: opts.only.join(",") },
  };
  try {
    if (opts.only.includes("latency")) {
      console.error(`(1) append → /metrics latency: ${opts.samples} appends…`);
      result.latency = await measureLatency({
        cli: opts.cli,
        samples: opts.samples,
        pollEveryMs: 10,
        seed: 20261129,
      });
    }
    if (opts.only.includes("throughput")) {
      const corpus = ensureCorpus(opts.data);
      console.error(`(2) tailing throughput vs analyze on ~${opts.mib} MiB, ${opts.runs} runs each…`);
      result.throughput = await measureThroughput({
        cli: opts.cli,
        corpus,
        targetMiB: opts.mib,
        runs: opts.runs,
      });
    }
    if (opts.only.includes("scrape")) {
      console.error(`(3) scrape cost with ~1,000 series, (4) idle CPU over ${opts.idle} s…`);
      result.scrapeIdle = await measureScrapeAndIdle({
        cli: opts.cli,
        actions: 250,
        repeat: 4,
        scrapes: opts.scrapes,
        idleSeconds: opts.idle,
      });
    }
  } finally {
    closeConnections();
    await cleanupAll();
  }
  result.elapsedS = (performance.now() - started) / 1000;
  result.machine.loadavgAtEnd = loadavg();
  const complete = result.latency && result.throughput && result.scrapeIdle;
  if (complete) result.targets = targets(result);
  mkdirSync(opts.data, { recursive: true });
  writeFileSync(join(opts.data, "sidecar-results.json"), `${JSON.stringify(result, null, 2)}\n`);
  if (complete) process.stdout.write(formatReport(result));
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  console.error(
    `done in ${result.elapsedS.toFixed(1)} s; raw figures in ${join(opts.data, "sidecar-results.json")}`,
  );
  if (result.throughput && !result.throughput.exact) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
