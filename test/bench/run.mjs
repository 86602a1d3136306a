#!/usr/bin/env node
/**
 * Benchmark runner for `analyze --json` (issue 2, "Performance"). `npm run bench` builds, then runs this.
 *
 *   node test/bench/run.mjs [--scale 1] [--runs 3] [--only a,c] [--data DIR] [--no-mtail] [--cli dist/cli.js]
 *
 * Per corpus file: `node dist/cli.js analyze --json FILE` as a child process `--runs` times (best wall
 * time, max peak RSS), its output checked field by field against truth.json; for (a) and (c) mtail
 * --one_shot with the exact programs in test/bench/mtail/, interleaved with our runs so the ratio is
 * measured under the same machine load. Prints a markdown table and the targets; writes results.json
 * next to the corpus. Exit 1 when any result is not exact, 2 on bad usage or a missing build.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compareCounts, compareSummary, parseMtailCounts } from "./lib/compare.mjs";
import { haveGnuTime, onPath, timedRun, warmPageCache } from "./lib/measure.mjs";
import { printReport } from "./lib/report.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const CLI = join(ROOT, "dist", "cli.js");
const SEED = 20261129;
const MiB = 1024 * 1024;

export const CORPORA = [
  { id: "a", file: "ndjson.log", title: "(a) NDJSON raw bodies", mtail: "ndjson.mtail" },
  { id: "b", file: "pino.log", title: "(b) pino-wrapped bodies" },
  { id: "c", file: "xml.log", title: "(c) XML, one per line", mtail: "xml.mtail" },
  { id: "d", file: "pretty.log", title: "(d) pretty-printed JSON" },
  { id: "e", file: "huge.json", title: "(e) one single-line body" },
  { id: "f", file: "cri.log", title: "(f) CRI records of (a)'s bodies" },
  { id: "g", file: "docker.log", title: "(g) json-file records of (a)'s bodies" },
];

function usage(message) {
  console.error(
    `${message}\nusage: node test/bench/run.mjs [--scale 1] [--runs 3] [--only a,c] [--data DIR] [--no-mtail] [--cli FILE]`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { scale: 1, runs: 3, only: null, data: join(HERE, "data"), mtail: true, cli: CLI };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === "--no-mtail") {
      opts.mtail = false;
      continue;
    }
    if (v === undefined) usage(`missing value after ${a}`);
    if (a === "--scale") opts.scale = Number(v);
    else if (a === "--runs") opts.runs = Number(v);
    else if (a === "--only") opts.only = v.split(",").map((s) => s.trim());
    else if (a === "--data") opts.data = resolve(v);
    else if (a === "--cli") opts.cli = resolve(v);
    else usage(`unknown option ${a}`);
    i++;
  }
  if (!(opts.scale > 0)) usage("--scale must be > 0");
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage("--runs must be a positive integer");
  const ids = CORPORA.map((c) => c.id);
  for (const id of opts.only ?? []) if (!ids.includes(id)) usage(`--only takes ids among ${ids.join(",")}`);
  return opts;
}

/** The corpus in `dir` matches (seed, scale) and every file has the size the generator recorded. */
function corpusReady(dir, scale) {
  try {
    const meta = JSON.parse(readFileSync(join(dir, "corpus.json"), "utf8"));
    if (meta.seed !== SEED || meta.scale !== scale || !existsSync(join(dir, "truth.json"))) return false;
    return CORPORA.every((c) => statSync(join(dir, c.file)).size === meta.files[c.file].bytes);
  } catch {
    return false;
  }
}

function ensureCorpus(dir, scale) {
  if (corpusReady(dir, scale)) return;
  console.error(`corpus missing or not at scale ${scale}: generating it in ${dir}`);
  const r = spawnSync(
    process.execPath,
    [join(HERE, "generate.mjs"), "--scale", String(scale), "--out", dir, "--seed", String(SEED)],
    { stdio: "inherit" },
  );
  if (r.status !== 0 || !corpusReady(dir, scale)) {
    console.error("corpus generation failed");
    process.exit(2);
  }
}

/** Parses analyze's stdout; a failed run becomes a mismatch that says why. */
function checkOurs(run, expected) {
  if (run.status !== 0) {
    const why = run.stderr.trim().split("\n")[0] ?? "";
    return [{ field: "(exit status)", expected: 0, got: `${run.status}${why ? `: ${why}` : ""}` }];
  }
  let got;
  try {
    got = JSON.parse(run.stdout);
  } catch {
    return [
      { field: "(output)", expected: "one JSON object", got: JSON.stringify(run.stdout.slice(0, 120)) },
    ];
  }
  return compareSummary(expected, got);
}

function checkMtail(run, expected) {
  if (run.status !== 0) {
    return [
      {
        field: "(mtail exit status)",
        expected: 0,
        got: `${run.status}: ${run.stderr.trim().split("\n")[0]}`,
      },
    ];
  }
  const counts = parseMtailCounts(run.stdout);
  const out = compareCounts("byCode", expected.byCode, counts);
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  if (total !== expected.lines)
    out.push({ field: "lines (sum of counters)", expected: expected.lines, got: total });
  return out;
}

/** Keeps the distinct mismatches of all runs (a flaky result shows up as several `got` values). */
function addMismatches(into, corpus, tool, list) {
  for (const m of list) {
    const key = `${tool}|${m.field}|${m.got}`;
    if (!into.some((x) => x.key === key)) into.push({ key, corpus, tool, ...m });
  }
}

function summarise(runs) {
  const times = runs.map((r) => r.ms);
  const rss = runs.map((r) => r.rssMiB).filter((x) => x !== null);
  return { bestMs: Math.min(...times), timesMs: times, peakRssMiB: rss.length > 0 ? Math.max(...rss) : null };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) {
    console.error(`${opts.cli} not found: run \`npm run bench\` (which builds first) or \`npm run build\``);
    process.exit(2);
  }
  ensureCorpus(opts.data, opts.scale);
  const truth = JSON.parse(readFileSync(join(opts.data, "truth.json"), "utf8"));
  const meta = JSON.parse(readFileSync(join(opts.data, "corpus.json"), "utf8"));
  const gnuTime = haveGnuTime();
  if (!gnuTime) console.error("warning: GNU time (/usr/bin/time) not usable, peak RSS is not measured");
  const mtailBin = opts.mtail ? onPath("mtail") : null;
  if (opts.mtail && mtailBin === null)
    console.error("warning: mtail not on PATH, the mtail columns stay empty");

  const results = [];
  const mismatches = [];
  for (const corpus of CORPORA.filter((c) => opts.only === null || opts.only.includes(c.id))) {
    const path = join(opts.data, corpus.file);
    const expected = truth[corpus.file];
    warmPageCache(path);
    const useMtail = corpus.mtail !== undefined && mtailBin !== null;
    const ours = [];
    const mtail = [];
    for (let i = 0; i < opts.runs; i++) {
      const run = timedRun(process.execPath, [opts.cli, "analyze", "--json", path], { gnuTime });
      addMismatches(mismatches, corpus.id, "analyze", checkOurs(run, expected));
      ours.push(run);
      console.error(`${corpus.id} ${corpus.file} analyze run ${i + 1}: ${run.ms.toFixed(0)} ms`);
      if (useMtail) {
        const args = [
          "--one_shot",
          "--one_shot_format=prometheus",
          "--progs",
          join(HERE, "mtail", corpus.mtail),
        ];
        args.push("--logs", path, "--address", "127.0.0.1", "--port", "0");
        const m = timedRun(mtailBin, args, { gnuTime });
        addMismatches(mismatches, corpus.id, "mtail", checkMtail(m, expected));
        mtail.push(m);
        console.error(`${corpus.id} ${corpus.file} mtail run ${i + 1}: ${m.ms.toFixed(0)} ms`);
      }
    }
    results.push({
      id: corpus.id,
      title: corpus.title,
      file: corpus.file,
      bytes: statSync(path).size,
      responses: expected.responses,
      items: meta.files[corpus.file].items ?? null,
      ours: summarise(ours),
      oursExact: !mismatches.some((m) => m.corpus === corpus.id && m.tool === "analyze"),
      mtail: useMtail ? summarise(mtail) : null,
      mtailExact: useMtail ? !mismatches.some((m) => m.corpus === corpus.id && m.tool === "mtail") : null,
    });
  }

  const report = { date: new Date().toISOString(), scale: opts.scale, runs: opts.runs, seed: SEED, results };
  report.mismatches = mismatches.map(({ key, ...m }) => m);
  writeFileSync(join(opts.data, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
  printReport(report, MiB);
  process.exit(mismatches.length > 0 ? 1 : 0);
}

main();
