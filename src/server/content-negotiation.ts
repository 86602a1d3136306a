const OPENMETRICS = "application/openmetrics-text";

/**
 * Whether a scrape asked for OpenMetrics (the only format that carries exemplars). Prometheus sends
 * e.g. `application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,
 * text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`; OpenMetrics wins when its best q-value is positive and
 * at least that of plain text, the only other format served. Anything unparsable falls back to plain text, which
 * every scraper understands.
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined || !accept.toLowerCase().includes(OPENMETRICS)) return false;
  let open = 0;
  let other = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      if (p.startsWith("q=")) {
        const v = Number(p.slice(2));
        q = Number.isFinite(v) ? v : 0;
      }
    }
    if (type === OPENMETRICS) open = Math.max(open, q);
    // The alternative we can serve; `*/*` alone does not outrank an explicit OpenMetrics entry.
    else if (type === "text/plain" || type === "text/*") other = Math.max(other, q);
  }
  return open > 0 && open >= other;
}
