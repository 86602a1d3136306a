import type { MetricsSnapshot } from "../metrics/snapshot.js";
import type { RecentError } from "./recent-errors.js";

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Every value that may come from a log line goes through here before it reaches the page. */
export function escapeHtml(value: unknown): string {
  const s = typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export interface StatusPageData {
  readonly snapshot: MetricsSnapshot;
  readonly recent: readonly RecentError[];
  /** Whatever the app reports about itself (version, sources, start time…), shown as a table. */
  readonly status: Readonly<Record<string, unknown>>;
  readonly ready: boolean;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${((100 * part) / whole).toFixed(2)} %`;
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  try {
    return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}

function rows(pairs: readonly (readonly [string, unknown])[]): string {
  return pairs
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(show(v))}</td></tr>`)
    .join("\n");
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right}.bad{color:#b00020}.ok{color:#1b5e20}
.recent td{font-family:ui-monospace,monospace;font-size:12px}
.recent td:nth-child(1),.recent td:nth-child(7){white-space:nowrap}.recent td:last-child{min-width:24rem}`;

/** What is wrong now (a source that sees no file, failing checkpoints, a failed reload), in red. */
function problemList(problems: unknown): string {
  if (!Array.isArray(problems) || problems.length === 0) return "";
  return `<ul class="bad problems">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul>`;
}

/** The `/` page: totals, error and throttling rates, recent errors. Self-contained, no external assets. */
export function renderStatusPage(data: StatusPageData): string {
  const s = data.snapshot;
  const totals = rows([
    ["responses", s.responses],
    ["errors", s.errors],
    ["error rate", percent(s.errors, s.responses)],
    ["throttled", s.throttled],
    ["throttling rate", percent(s.throttled, s.responses)],
    ...Object.entries(s.byCategory).map(([c, n]) => [`category ${c}`, n] as const),
    ["lines read", s.lines],
    ["bytes read", s.bytes],
    ["unrecognized lines (malformed / non-response)", `${s.malformed} / ${s.nonResponse}`],
    ["oversized records", s.oversized],
    ["duplicates dropped", s.duplicates],
  ]);
  const recent =
    data.recent.length === 0
      ? "<p>No error responses seen yet.</p>"
      : `<table class="recent"><tr><th>time</th><th>source</th><th>action</th><th>status</th><th>code</th>` +
        `<th>category</th><th>request id</th><th>host id</th><th>message</th></tr>\n${data.recent
          .map(
            (e) =>
              `<tr><td>${escapeHtml(e.time)}</td><td>${escapeHtml(e.source)}</td><td>${escapeHtml(e.action)}</td>` +
              `<td>${escapeHtml(e.status)}</td><td>${escapeHtml(e.code)}</td><td>${escapeHtml(e.category)}</td>` +
              `<td>${escapeHtml(e.requestId)}</td><td>${escapeHtml(e.hostId)}</td><td>${escapeHtml(e.message)}</td></tr>`,
          )
          .join("\n")}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>aliyun-response-exporter</title><style>${STYLE}</style></head>
<body>
<h1>aliyun-response-exporter</h1>
<p>${data.ready ? '<span class="ok">ready</span>' : '<span class="bad">not ready</span>'} ·
<a href="metrics">metrics</a> · <a href="api/v1/recent-errors">recent errors (JSON)</a> ·
<a href="healthz">healthz</a> · <a href="readyz">readyz</a></p>
${problemList(data.status.problems)}
<h2>Totals since start</h2>
<table>${totals}</table>
<h2>Recent errors</h2>
${recent}
<h2>Exporter</h2>
<table>${rows(Object.entries(data.status))}</table>
</body></html>
`;
}
