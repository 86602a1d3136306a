/** Small HTML helpers of the status page. Every value that may come from a log line is escaped. */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  const s = typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)} %`;
}

export function perSecond(count: number, seconds: number): string {
  if (seconds <= 0) return "–";
  const r = count / seconds;
  return r === 0 ? "0" : r < 0.01 ? r.toExponential(1) : r < 10 ? r.toFixed(2) : r.toFixed(0);
}

/** `42 s ago`, `3 min ago`, `2 h ago`. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** `2024-05-01 10:00:02.456Z`: ISO 8601 with a space, easier to read in a table. */
export function shortTime(iso: string): string {
  return iso.replace("T", " ");
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A query string that keeps `params` and changes `changes` (null removes a key). */
export function withParams(
  params: URLSearchParams,
  changes: Readonly<Record<string, string | null>>,
): string {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") next.delete(k);
    else next.set(k, v);
  }
  const q = next.toString();
  return q === "" ? "./" : `?${q}`;
}
