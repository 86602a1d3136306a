#!/usr/bin/env node
/**
 * Benchmark runner for `analyze --json` (issues 2 and 10, "Performance"). `npm run bench` builds, then
 * runs this.
 *
 *   node test/bench/run.mjs [--scale 1] [--runs 5] [--only a,c] [--data DIR] [--no-mtail] [--cli dist/cli.js]
 *                           [--startup-pairs 20] [--results FILE]
 *
 * `--runs` rounds, each going over the corpus files in turn and running on each: `node dist/cli.js
 * analyze --json FILE` (two threads from 32 MiB), the same on stdin (`analyze --json - < FILE`, one
 * thread, in order), mtail --one_shot with the exact program of test/bench/mtail/ where there is one,
 * and the line-split floor (lib/line-floor.mjs), so that every ratio is measured under the same
 * machine load (the container corpora's cost over (a): the median of the round-by-round ratios). Every output is
 * checked against truth.json. Then the start-up rows: `analyze --json` of an empty file and
 * `--version`, paired with bare `node -e 0`. Prints markdown tables (medians) and the targets; writes
 * the raw figures to `--results`. Exit 1 when any result is not exact, 2 on bad usage or a missing build.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compareCounts, compareSummary, parseMtailCounts } from "./lib/compare.mjs";
import { ensureCorpus, fileReady } from "./lib/corpus.mjs";
import { haveGnuTime, median, onPath, timedRun, warmPageCache } from "./lib/measure.mjs";
import { printReport } from "./lib/report.mjs";
import { startupRows } from "./lib/startup.mjs";

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

const FLOOR = join(HERE, "lib", "line-floor.mjs");

function usage(message) {
  console.error(
    `${message}\nusage: node test/bench/run.mjs [--scale 1] [--runs 5] [--only a,c] [--data DIR] [--no-mtail] [--cli FILE] [--startup-pairs 20] [--results FILE]`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    scale: 1,
    runs: 5,
    only: null,
    data: join(HERE, "data"),
    dataGiven: false,
    mtail: true,
    cli: CLI,
    startupPairs: 20,
    results: join(HERE, "data", "results.json"),
  };
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
    else if (a === "--data") {
      opts.data = resolve(v);
      opts.dataGiven = true;
    } else if (a === "--cli") opts.cli = resolve(v);
    else if (a === "--startup-pairs") opts.startupPairs = Number(v);
    else if (a === "--results") opts.results = resolve(v);
    else usage(`unknown option ${a}`);
    i++;
  }
  if (!(opts.scale > 0)) usage("--scale must be > 0");
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage("--runs must be a positive integer");
  if (!Number.isInteger(opts.startupPairs) || opts.startupPairs < 0)
    usage("--startup-pairs must be an integer ≥ 0");
  const ids = CORPORA.map((c) => c.id);
  for (const id of opts.only ?? []) if (!ids.includes(id)) usage(`--only takes ids among ${ids.join(",")}`);
  return opts;
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
  const rss = runs.map((r) => r.rssMiB).filter((x) => x !== null);
  return {
    medianMs: median(runs.map((r) => r.ms)),
    timesMs: runs.map((r) => r.ms),
    peakRssMiB: rss.length > 0 ? Math.max(...rss) : null,
  };
}

function mtailArgs(corpus, path) {
  return [
    "--one_shot",
    "--one_shot_format=prometheus",
    "--progs",
    join(HERE, "mtail", corpus.mtail),
    "--logs",
    path,
    "--address",
    "127.0.0.1",
    "--port",
    "0",
  ];
}

/** A corpus to run: its runs so far, by tool. */
function prepare(corpus, path, expected, facts, tools) {
  warmPageCache(path);
  const useMtail = corpus.mtail !== undefined && tools.mtail !== null;
  const runs = { file: [], stdin: [], mtail: [], floor: [] };
  return { corpus, path, expected, records: facts.records, useMtail, runs };
}

/** One round of one corpus: file, stdin, mtail and floor, in turn. */
function round(c, opts, tools, mismatches) {
  const { corpus, path, expected, runs } = c;
  // Again each round: this machine pages out page-cache pages left unread for about a minute
  // (DAMON reclaim), and a round over every corpus can take that long.
  warmPageCache(path);
  const note = (tool, run) => {
    runs[tool].push(run);
    console.error(`${corpus.id} ${corpus.file} ${tool} run ${runs[tool].length}: ${run.ms.toFixed(0)} ms`);
  };
  const { gnuTime } = tools;
  const file = timedRun(process.execPath, [opts.cli, "analyze", "--json", path], { gnuTime });
  addMismatches(mismatches, corpus.id, "analyze FILE", checkOurs(file, expected));
  note("file", file);
  const stdin = timedRun(process.execPath, [opts.cli, "analyze", "--json", "-"], {
    gnuTime,
    stdinFile: path,
  });
  addMismatches(mismatches, corpus.id, "analyze -", checkOurs(stdin, expected));
  note("stdin", stdin);
  if (c.useMtail) {
    const m = timedRun(tools.mtail, mtailArgs(corpus, path), { gnuTime });
    addMismatches(mismatches, corpus.id, "mtail", checkMtail(m, expected));
    note("mtail", m);
  }
  const floor = timedRun(process.execPath, [FLOOR], { gnuTime, stdinFile: path });
  const lines = floor.status === 0 ? Number(floor.stdout.trim()) : floor.status;
  // The floor counts physical lines: a container corpus has more records than joined lines.
  const physical = c.records ?? expected.lines;
  if (lines !== physical)
    addMismatches(mismatches, corpus.id, "floor", [{ field: "lines", expected: physical, got: lines }]);
  note("floor", floor);
}

/** The result row of a corpus once all rounds ran (times in round order, for paired ratios). */
function resultRow(c, mismatches) {
  const { corpus, path, expected, runs, useMtail } = c;
  const exact = (tool) => !mismatches.some((m) => m.corpus === corpus.id && m.tool === tool);
  return {
    id: corpus.id,
    title: corpus.title,
    file: corpus.file,
    bytes: statSync(path).size,
    responses: expected.responses,
    file2: summarise(runs.file),
    stdin: summarise(runs.stdin),
    mtail: useMtail ? summarise(runs.mtail) : null,
    floor: summarise(runs.floor),
    exact: {
      file: exact("analyze FILE"),
      stdin: exact("analyze -"),
      mtail: useMtail ? exact("mtail") : null,
    },
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) {
    console.error(`${opts.cli} not found: run \`npm run bench\` (which builds first) or \`npm run build\``);
    process.exit(2);
  }
  const meta = ensureCorpus({
    ...opts,
    seed: SEED,
    files: CORPORA.filter((c) => opts.only === null || opts.only.includes(c.id)).map((c) => c.file),
    generator: join(HERE, "generate.mjs"),
  });
  if (typeof meta === "string") usage(meta);
  const truth = JSON.parse(readFileSync(join(opts.data, "truth.json"), "utf8"));
  const gnuTime = haveGnuTime();
  if (!gnuTime) console.error("warning: GNU time (/usr/bin/time) not usable, peak RSS is not measured");
  const mtail = opts.mtail ? onPath("mtail") : null;
  if (opts.mtail && mtail === null) console.error("warning: mtail not on PATH, the mtail columns stay empty");
  const tools = { gnuTime, mtail };

  const active = [];
  const missing = [];
  const mismatches = [];
  for (const corpus of CORPORA.filter((c) => opts.only === null || opts.only.includes(c.id))) {
    if (!fileReady(opts.data, meta, corpus.file)) {
      missing.push(corpus.file);
      console.error(`${corpus.file}: not in ${opts.data} (an older corpus?): skipped`);
      continue;
    }
    const facts = meta.files[corpus.file];
    active.push(prepare(corpus, join(opts.data, corpus.file), truth[corpus.file], facts, tools));
  }
  // Round by round over the corpora, so that (f) and (g) run under the same load as (a) in each
  // round: their cost is the median of the round-by-round ratios.
  for (let i = 0; i < opts.runs; i++) for (const c of active) round(c, opts, tools, mismatches);
  const results = active.map((c) => ({
    ...resultRow(c, mismatches),
    items: meta.files[c.corpus.file].items ?? null,
  }));
  const startup = startupRows({
    cli: opts.cli,
    pairs: opts.startupPairs,
    mtail: tools.mtail === null ? null : (empty) => [tools.mtail, mtailArgs(CORPORA[0], empty)],
  });

  const report = { date: new Date().toISOString(), scale: opts.scale, runs: opts.runs, seed: SEED };
  Object.assign(report, { results, startup, missing, mismatches: mismatches.map(({ key, ...m }) => m) });
  mkdirSync(dirname(opts.results), { recursive: true });
  writeFileSync(opts.results, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report, MiB);
  process.exit(mismatches.length > 0 ? 1 : 0);
}

main();
