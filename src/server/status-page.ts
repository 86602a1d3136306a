import type { ResponseHistory } from "../metrics/history.js";
import type { MetricsSnapshot } from "../metrics/snapshot.js";
import type { RecentError } from "./recent-errors.js";
import { minuteChart } from "./status-page/chart.js";
import { ago, bytes, escapeHtml, percent, perSecond } from "./status-page/html.js";
import { recentErrorsSection } from "./status-page/recent-table.js";

/** One configured source as the status page shows it. */
export interface SourceRow {
  readonly name: string;
  readonly paths: readonly string[];
  /** Files followed now; null for stdin. */
  readonly files: number | null;
  /** Why the globs match nothing (only when `files` is 0). */
  readonly hints: readonly string[];
  /** Bytes written to the open files and not read yet (their lag); null for stdin. */
  readonly behindBytes: number | null;
  readonly bytes: number;
  readonly lines: number;
  readonly malformed: number;
  readonly readErrors: number;
  /** When the source last handed on data (ms); null before. */
  readonly lastReadAt: number | null;
}

export interface StatusPageData {
  readonly now: number;
  readonly ready: boolean;
  readonly snapshot: MetricsSnapshot;
  readonly history?: ResponseHistory;
  /** Every kept error, newest first (the table filters and pages them). */
  readonly recent: readonly RecentError[];
  readonly sources: readonly SourceRow[];
  /**
   * What the app reports about itself (version, start time, checkpoint and reload state…), shown as
   * a table; its `problems` (lines: no files, failing checkpoints, a failed reload) are in the banner.
   */
  readonly details: Readonly<Record<string, unknown>>;
  /** The page's query: `category`, `code`, `page`. */
  readonly params: URLSearchParams;
}

/** A source is red when this share of its lines (of at least MIN_LINES) is malformed. */
const MALFORMED_RED = 0.1;
const MIN_LINES = 20;
const WINDOWS = [
  ["1 min", 60_000],
  ["5 min", 300_000],
  ["15 min", 900_000],
] as const;
const TOP_N = 8;

/** What is wrong now, for the red banner (README, "The status page"). */
function problems(data: Pick<StatusPageData, "ready" | "sources" | "snapshot" | "details">): string[] {
  const out: string[] = [];
  if (!data.ready) out.push("not ready: the config is loading or the sources are starting");
  // The app's own: sources without files, failing checkpoints, a failed reload.
  if (Array.isArray(data.details.problems)) for (const p of data.details.problems) out.push(String(p));
  for (const s of data.sources) {
    if (s.readErrors > 0) out.push(`source ${s.name}: ${s.readErrors} read errors`);
    if (s.lines >= MIN_LINES && s.malformed / s.lines >= MALFORMED_RED)
      out.push(`source ${s.name}: ${percent(s.malformed, s.lines)} of lines are malformed bodies`);
  }
  const series = data.snapshot.labelOverflow.series ?? 0;
  if (series > 0) out.push(`limits.maxSeries reached: ${series} responses counted in the __other__ series`);
  return out;
}

const STYLE = `*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:.6rem 1.2rem;color:#fff;background:#1b5e20}header.state-bad{background:#b00020}
header h1{font-size:1.15rem;margin:0;display:inline}header ul{margin:.3rem 0 0;padding-left:1.2rem}
header a{color:#fff}nav{display:inline;margin-left:1rem;font-size:.9rem}
main{padding:0 1.2rem 1.2rem}h2{font-size:1rem;margin:.8rem 0 .3rem}
.row{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}#rates{font-size:13px}.row>section{min-width:0}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #ddd;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666;font-size:.85em}p{margin:.3rem 0}.bad{color:#b00020;font-weight:600}.ok{color:#1b5e20}
.badge{font-size:.75em;background:#eee;border-radius:3px;padding:0 .3em;color:#555}
svg text{font-size:10px;fill:#555}svg .axis{stroke:#999}svg .r{fill:#c7ccd1}svg .e{fill:#d32f2f}svg .t{fill:#f9a825}
.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .8em;vertical-align:-.05em}
table.recent{width:100%;table-layout:fixed;font-size:12.5px}.recent td{overflow-wrap:anywhere}
.recent .c-time{width:10.5rem}.recent .c-code{width:12.5rem}.recent .c-action{width:11rem}.recent .c-ids{width:16rem}
.recent td.message{white-space:pre-wrap}.recent td.ids,.recent td.time{font-family:ui-monospace,monospace;font-size:11.5px}
tr.cat-throttling td:first-child{border-left:4px solid #f9a825}tr.cat-server_error td:first-child{border-left:4px solid #6a1b9a}
tr.cat-auth_error td:first-child{border-left:4px solid #d32f2f}tr.cat-client_error td:first-child{border-left:4px solid #1565c0}
form{margin:.3rem 0}select{max-width:18rem}.pages a,.pages b{margin:0 .15rem}`;

/** The `/` page: an incident view, server-rendered, without scripts or external assets. */
export function renderStatusPage(data: StatusPageData): string {
  const wrong = problems(data);
  const banner =
    wrong.length === 0
      ? `<header id="state" class="state-ok"><h1>aliyun-response-exporter · OK</h1>${links()}</header>`
      : `<header id="state" class="state-bad"><h1>aliyun-response-exporter · ${wrong.length} problem${wrong.length === 1 ? "" : "s"}</h1>${links()}` +
        `<ul class="bad problems">${wrong.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul></header>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${wrong.length === 0 ? "" : "✖ "}aliyun-response-exporter</title><style>${STYLE}</style></head>
<body>
${banner}
<main>
<div class="row">
<section><h2>Error and throttling rate</h2>${ratesTable(data)}</section>
<section><h2>Last hour, per minute</h2>${chart(data)}</section>
</div>
<div class="row">
<section><h2>Top error codes, last 15 min</h2>${topTable(data, "code")}</section>
<section><h2>Top actions, last 15 min</h2>${topTable(data, "action")}</section>
<section><h2>Since start</h2>${totalsTable(data.snapshot)}</section>
</div>
<h2 id="errors">Recent errors</h2>
${recentErrorsSection(data.recent, data.params)}
<h2>Sources</h2>
${sourcesTable(data)}
<h2>Exporter</h2>
<table id="details">${Object.entries(data.details)
    .filter(([k]) => k !== "problems" && k !== "sources")
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(show(v))}</td></tr>`)
    .join("")}</table>
</main>
</body></html>
`;
}

function links(): string {
  return `<nav><a href="metrics">metrics</a> · <a href="api/v1/recent-errors">recent errors (JSON)</a> · <a href="readyz">readyz</a></nav>`;
}

function ratesTable(data: StatusPageData): string {
  const h = data.history;
  if (h === undefined) return `<p class="muted">No history.</p>`;
  const rows = WINDOWS.map(([label, ms]) => {
    const w = h.window(ms);
    const short = w.seconds < ms / 1000 - 1 ? ` <span class="muted">(${Math.round(w.seconds)} s)</span>` : "";
    return (
      `<tr><th>${label}${short}</th><td class="num">${w.responses}</td><td class="num">${perSecond(w.responses, w.seconds)}</td>` +
      `<td class="num">${w.errors}</td><td class="num${w.errors > 0 ? " bad" : ""}">${percent(w.errors, w.responses)}</td>` +
      `<td class="num">${w.throttled}</td><td class="num${w.throttled > 0 ? " bad" : ""}">${percent(w.throttled, w.responses)}</td></tr>`
    );
  });
  return (
    `<table id="rates"><thead><tr><th>window</th><th>responses</th><th>per s</th><th>errors</th><th>error rate</th>` +
    `<th>throttled</th><th>throttling rate</th></tr></thead><tbody>${rows.join("")}</tbody></table>` +
    `<p class="muted">Counted when read; each error's own time is in the table below.</p>`
  );
}

function chart(data: StatusPageData): string {
  if (data.history === undefined) return `<p class="muted">No history.</p>`;
  return (
    `${minuteChart(data.history.perMinute(60))}<div class="legend muted">` +
    `<span class="r" style="background:#c7ccd1"></span>responses<span style="background:#d32f2f"></span>errors` +
    `<span style="background:#f9a825"></span>throttled</div>`
  );
}

function topTable(data: StatusPageData, label: "code" | "action"): string {
  const h = data.history;
  const top = h?.top(label, 900_000, TOP_N, label === "code") ?? [];
  if (top.length === 0)
    return `<p class="muted">${label === "code" ? "No errors" : "No responses"} in the last 15 minutes.</p>`;
  const head =
    label === "code"
      ? "<tr><th>code</th><th>errors</th></tr>"
      : "<tr><th>action</th><th>responses</th><th>errors</th><th>error rate</th></tr>";
  const rows = top.map((t) =>
    label === "code"
      ? `<tr><td>${escapeHtml(t.value === "" ? "(none)" : t.value)}</td><td class="num">${t.errors}</td></tr>`
      : `<tr><td>${escapeHtml(t.value)}</td><td class="num">${t.responses}</td><td class="num">${t.errors}</td>` +
        `<td class="num">${percent(t.errors, t.responses)}</td></tr>`,
  );
  return `<table id="top-${label}s"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

function totalsTable(s: MetricsSnapshot): string {
  const rows: [string, string | number][] = [
    ["responses", s.responses],
    ["errors", `${s.errors} (${percent(s.errors, s.responses)})`],
    ["throttled", `${s.throttled} (${percent(s.throttled, s.responses)})`],
    ["lines read", s.lines],
    ["bytes read", bytes(s.bytes)],
    ["malformed / not a response", `${s.malformedLines} / ${s.nonResponseLines}`],
    ["oversized / duplicates", `${s.oversizedLines} / ${s.duplicates}`],
  ];
  return `<table id="totals">${rows.map(([k, v]) => `<tr><th>${k}</th><td class="num">${escapeHtml(v)}</td></tr>`).join("")}</table>`;
}

function sourcesTable(data: StatusPageData): string {
  if (data.sources.length === 0) return `<p class="muted">No sources.</p>`;
  const rows = data.sources.map((s) => {
    const noFiles = s.files === 0;
    const malformedHigh = s.lines >= MIN_LINES && s.malformed / s.lines >= MALFORMED_RED;
    const red = noFiles || s.readErrors > 0 || malformedHigh;
    return (
      `<tr class="${red ? "bad" : ""}"><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.paths.join(", "))}</td>` +
      `<td class="num${noFiles ? " bad" : ""}">${s.files === null ? "stdin" : s.files}` +
      `${s.hints.map((h) => `<br><span class="muted">${escapeHtml(h)}</span>`).join("")}</td>` +
      `<td class="num">${s.behindBytes === null ? "–" : bytes(s.behindBytes)}</td>` +
      `<td>${s.lastReadAt === null ? "never" : ago(data.now - s.lastReadAt)}</td>` +
      `<td class="num">${bytes(s.bytes)}</td><td class="num">${s.lines}</td>` +
      `<td class="num${malformedHigh ? " bad" : ""}">${percent(s.malformed, s.lines)}</td>` +
      `<td class="num${s.readErrors > 0 ? " bad" : ""}">${s.readErrors}</td><td>${red ? '<span class="bad">✖ check</span>' : '<span class="ok">ok</span>'}</td></tr>`
    );
  });
  return (
    `<table id="sources"><thead><tr><th>source</th><th>paths</th><th>files watched</th><th>behind (lag)</th><th>last data</th><th>read</th>` +
    `<th>lines</th><th>malformed</th><th>read errors</th><th>state</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join("; ") || "–" : String(v ?? "–")}`)
      .join(" · ");
  }
  try {
    return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}
