/**
 * Exactness checks: `analyze --json` output and mtail's counters against the generator's truth.json.
 * Maps (byCode, byStatus, byCategory) are compared key by key with an absent key meaning 0, so an
 * implementation may list zero-valued keys (e.g. every category) or leave them out.
 */

const MAP_FIELDS = new Set(["byCode", "byStatus", "byCategory"]);

/** Returns `[{ field, expected, got }]`, empty when `got` equals `expected` on every field of the truth. */
export function compareSummary(expected, got) {
  const out = [];
  if (got === null || typeof got !== "object" || Array.isArray(got)) {
    return [{ field: "(output)", expected: "a JSON object", got: JSON.stringify(got) }];
  }
  for (const [field, want] of Object.entries(expected)) {
    const have = got[field];
    if (MAP_FIELDS.has(field)) {
      if (have === null || typeof have !== "object" || Array.isArray(have)) {
        out.push({ field, expected: JSON.stringify(want), got: JSON.stringify(have) ?? "missing" });
        continue;
      }
      out.push(...compareCounts(field, want, have));
    } else if (have !== want) {
      out.push({ field, expected: want, got: have === undefined ? "missing" : JSON.stringify(have) });
    }
  }
  return out;
}

/** Key-by-key comparison of two `{key: count}` maps; an absent key counts as 0. */
export function compareCounts(field, want, have) {
  const out = [];
  const keys = new Set([...Object.keys(want), ...Object.keys(have)]);
  for (const key of [...keys].sort()) {
    const w = want[key] ?? 0;
    const h = have[key] ?? 0;
    if (w !== h) out.push({ field: `${field}[${JSON.stringify(key)}]`, expected: w, got: h });
  }
  return out;
}

/** mtail's `aliyun_responses_total{code="…",prog="…"} N` lines → `{code: N}`. */
export function parseMtailCounts(text) {
  const counts = {};
  const re = /^aliyun_responses_total\{([^}]*)\} (\d+(?:\.\d+)?(?:e\+?\d+)?)$/gm;
  for (const m of text.matchAll(re)) {
    const code = /(?:^|,)code="((?:[^"\\]|\\.)*)"/.exec(m[1] ?? "");
    const key = code ? JSON.parse(`"${code[1]}"`) : "";
    counts[key] = (counts[key] ?? 0) + Number(m[2]);
  }
  return counts;
}
