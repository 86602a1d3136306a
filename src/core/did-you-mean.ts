/** Suggestions for a misspelt word (a config key, a command, a flag): the closest allowed one. */

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: `jsno` is 1 from `json`. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

const normalize = (word: string) => word.toLowerCase().replace(/[-_]/g, "");

/**
 * The allowed word that `word` most likely meant: the same ignoring case, `-` and `_`, else the
 * nearest within an edit distance of about a third of its length (at least 1, at most 2).
 */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  const wanted = normalize(word);
  const same = allowed.find((k) => normalize(k) === wanted);
  if (same !== undefined) return same;
  const limit = Math.min(2, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const k of allowed) {
    const d = editDistance(normalize(k), wanted);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
