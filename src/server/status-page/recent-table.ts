import { CATEGORIES } from "../../core/records.js";
import type { RecentError } from "../recent-errors.js";
import { escapeHtml, shortTime, withParams } from "./html.js";

/** Rows per page of the recent-errors table; every kept error is reachable through the pages. */
const PAGE_SIZE = 50;

/**
 * The kept errors, filtered by `?category=` and `?code=` and paged by `?page=` (a plain GET form and
 * links: it works without JavaScript). The message wraps inside its column.
 */
export function recentErrorsSection(all: readonly RecentError[], params: URLSearchParams): string {
  const category = params.get("category") ?? "";
  const code = params.get("code");
  const matching = all.filter(
    (e) => (category === "" || e.category === category) && (code === null || code === "" || e.code === code),
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1));
  const rows = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);

  const codes = [...new Set(all.map((e) => e.code))].sort();
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${escapeHtml(value)}"${selected ? " selected" : ""}>${escapeHtml(label)}</option>`;
  const form =
    `<form id="filter" method="get" action="./#errors">` +
    `<label>category <select name="category">${option("", "all", category === "")}` +
    CATEGORIES.filter((c) => c !== "success")
      .map((c) => option(c, c, c === category))
      .join("") +
    `</select></label> <label>code <select name="code">${option("", "all", !code)}` +
    codes.map((c) => option(c, c === "" ? "(none)" : c, c === code)).join("") +
    `</select></label> <button type="submit">Filter</button>` +
    (category !== "" || (code !== null && code !== "") ? ` <a href="./#errors">clear</a>` : "") +
    `</form>`;

  const summary =
    `<p class="muted" id="errors-count">${matching.length} of ${all.length} kept errors` +
    `${matching.length === all.length ? "" : " match"}${pages > 1 ? ` · page ${page} of ${pages}` : ""}</p>`;
  const link = (p: number, text: string) =>
    `<a href="${escapeHtml(withParams(params, { page: p === 1 ? null : String(p) }))}#errors">${text}</a>`;
  const nav =
    pages <= 1
      ? ""
      : `<p class="pages">${page > 1 ? link(page - 1, "← newer") : ""} ${Array.from(
          { length: pages },
          (_, i) => (i + 1 === page ? `<b>${i + 1}</b>` : link(i + 1, String(i + 1))),
        ).join(" ")} ${page < pages ? link(page + 1, "older →") : ""}</p>`;

  if (all.length === 0) return `${form}<p>No error responses seen yet.</p>`;
  const body = rows
    .map(
      (e) =>
        `<tr class="cat-${escapeHtml(e.category)}"><td class="time">${escapeHtml(shortTime(e.time))}` +
        `${e.timeSource === "read" ? ' <span class="badge" title="the line has no time: when it was read">read</span>' : ""}</td>` +
        `<td><b class="code">${escapeHtml(e.code)}</b><br><span class="muted">${escapeHtml(e.status)} · ${escapeHtml(e.category)}</span></td>` +
        `<td>${escapeHtml(e.action)}<br><span class="muted">${escapeHtml(e.source)}${e.stream === undefined ? "" : ` · ${escapeHtml(e.stream)}`}</span></td>` +
        `<td class="ids"><span title="request id">${escapeHtml(e.requestId)}</span><br><span class="muted" title="host id">${escapeHtml(e.hostId ?? "")}</span></td>` +
        `<td class="message">${escapeHtml(e.message ?? "")}</td></tr>`,
    )
    .join("\n");
  return (
    `${form}${summary}<table class="recent"><colgroup><col class="c-time"><col class="c-code"><col class="c-action"><col class="c-ids"><col></colgroup>` +
    `<thead><tr><th>time (from the log)</th><th>code</th><th>action · source</th><th>request id · host id</th><th>message</th></tr></thead>` +
    `<tbody>\n${body}\n</tbody></table>${nav}`
  );
}
