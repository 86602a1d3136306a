/** Markdown tables for the sidecar bench: the figures, then each target with its verdict. */

const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : "n/a");
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");
const yes = (ok) => (ok ? "met" : "**not met**");

function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export function targets(r) {
  const { latency: l, throughput: t, scrapeIdle: s } = r;
  return [
    {
      target: "append → /metrics: median ≤ 300 ms",
      measured: `${f1(l.latencyMs.median)} ms`,
      ok: l.latencyMs.median <= 300,
    },
    {
      target: "append → /metrics: p99 ≤ 1 s",
      measured: `${f1(l.latencyMs.p99)} ms`,
      ok: l.latencyMs.p99 <= 1000,
    },
    {
      target: "tailing ≥ 80% of one-thread analyze (stdin), quiet",
      measured: `${f2(t.quietRatioVsStdin)}× (${f1(t.tailQuiet.mibPerS)} vs ${f1(t.analyzeStdin.mibPerS)} MiB/s)`,
      ok: t.quietRatioVsStdin >= 0.8,
    },
    {
      target: "the same with /metrics polled every 50 ms",
      measured: `${f2(t.ratioVsStdin)}× (${f1(t.tail.mibPerS)} vs ${f1(t.analyzeStdin.mibPerS)} MiB/s)`,
      ok: t.ratioVsStdin >= 0.8,
    },
    {
      target: "tailing counts exact (= analyze --json)",
      measured: t.exact ? "exact" : "MISMATCH",
      ok: t.exact,
    },
    {
      target: `scrape of ~1,000 series ≤ 20 ms (p99, both formats)`,
      measured: `${f2(Math.max(s.scrape.plain.p99, s.scrape.openMetrics.p99))} ms`,
      ok: Math.max(s.scrape.plain.p99, s.scrape.openMetrics.p99) <= 20,
    },
    { target: "idle CPU < 1%", measured: `${f2(s.idle.cpuPercent)}%`, ok: s.idle.cpuPercent < 1 },
  ];
}

export function formatReport(r) {
  const { latency: l, throughput: t, scrapeIdle: s } = r;
  const out = [];
  out.push(
    `### (1) Append → visible on /metrics (pollIntervalMs 250, ${l.samples} appends, /metrics polled every ${l.pollEveryMs} ms)`,
    "",
    table(
      ["", "median ms", "p90 ms", "p99 ms", "max ms", "timeouts"],
      [
        [
          "write → end of detecting scrape",
          f1(l.latencyMs.median),
          f1(l.latencyMs.p90),
          f1(l.latencyMs.p99),
          f1(l.latencyMs.max),
          String(l.timeouts),
        ],
        [
          "write → start of detecting scrape",
          f1(l.lowerBoundMs.median),
          f1(l.lowerBoundMs.p90),
          f1(l.lowerBoundMs.p99),
          f1(l.lowerBoundMs.max),
          "",
        ],
      ],
    ),
    "",
    `### (2) Tailing throughput vs analyze (${f1(t.file.mib)} MiB NDJSON, ${t.file.responses} responses, best of ${t.runs}, interleaved)`,
    "",
    table(
      [
        "reader",
        "read ms (best)",
        "MiB/s",
        "start-up ms",
        "end-to-end ms (best)",
        "end-to-end MiB/s",
        "read ms, every run",
      ],
      [
        ["`run`, /metrics polled every 50 ms", t.tail],
        ["`run`, quiet (/proc/PID/io, then /metrics)", t.tailQuiet],
        ["`cat f \\| analyze --json -` (one thread)", t.analyzeStdin],
        ["`analyze --json f` (two threads)", t.analyzeFile],
      ].map(([name, x]) => [
        name,
        f1(x.bestMs),
        f1(x.mibPerS),
        f1(x.startupMs ?? Math.min(...x.startupTimesMs)),
        f1(x.wallBestMs),
        f1(x.wallMibPerS),
        x.readMs.map(f1).join(", "),
      ]),
    ),
    "",
    table(
      ["tail MiB/s ÷ analyze MiB/s", "vs stdin (one thread)", "vs file (two threads)"],
      [
        ["`run` quiet, read", f2(t.quietRatioVsStdin), f2(t.quietRatioVsFile)],
        ["`run` polled, read", f2(t.ratioVsStdin), f2(t.ratioVsFile)],
        ["`run` polled, end-to-end", f2(t.wallRatioVsStdin), f2(t.wallRatioVsFile)],
      ],
    ),
    "",
    `Counts: ${t.exact ? "exact in every run (byCode, byCategory, records by result and bytes read equal analyze --json; exit 0 after SIGTERM)" : `${t.problems.length} mismatches`}.`,
    "",
    `### (3) Scrape cost (${s.scrape.series} \`aliyun_api_responses_total\` series, ${s.scrape.exemplars} with exemplars; ${s.scrape.scrapes} scrapes each after ${s.scrape.warmup} warm-up)`,
    "",
    table(
      ["format", "body KiB", "median ms", "p90 ms", "p99 ms", "max ms"],
      [
        [
          "Prometheus text",
          f1(s.scrape.plain.bodyBytes / 1024),
          f2(s.scrape.plain.median),
          f2(s.scrape.plain.p90),
          f2(s.scrape.plain.p99),
          f2(s.scrape.plain.max),
        ],
        [
          "OpenMetrics",
          f1(s.scrape.openMetrics.bodyBytes / 1024),
          f2(s.scrape.openMetrics.median),
          f2(s.scrape.openMetrics.p90),
          f2(s.scrape.openMetrics.p99),
          f2(s.scrape.openMetrics.max),
        ],
      ],
    ),
    "",
    `### (4) Idle (same exporter, file read, no scrapes, ${f1(s.idle.seconds)} s)`,
    "",
    table(
      ["CPU %", "CPU ticks", "RSS MiB", "peak RSS MiB"],
      [
        [
          f2(s.idle.cpuPercent),
          `${s.idle.cpuTicks} (1/${s.idle.clockTicksPerSecond} s)`,
          f1(s.idle.rssMiB),
          f1(s.idle.peakRssMiB),
        ],
      ],
    ),
    "",
    "### Targets",
    "",
    table(
      ["target", "measured", "result"],
      targets(r).map((x) => [x.target, x.measured, yes(x.ok)]),
    ),
  );
  if (!t.exact) {
    out.push(
      "",
      "Mismatches:",
      ...t.problems
        .slice(0, 20)
        .map((p) => `- run ${p.run} ${p.tool} ${p.field}: expected ${p.expected}, got ${p.got}`),
    );
  }
  return `${out.join("\n")}\n`;
}
