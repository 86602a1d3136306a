import { UsageError } from "../core/errors.js";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The static labels that the sources add to `aliyun_api_responses_total`. Sources may declare
 * different label names; a metric has one label set, so every series carries the union, with `""`
 * where a source lacks a label (Prometheus treats an empty label as an absent one).
 */
export interface StaticLabels {
  /** Sorted union of the label names. */
  readonly names: readonly string[];
  /** The full set (every name) for one source; unknown sources get all `""`. */
  forSource(source: string): Readonly<Record<string, string>>;
}

export function staticLabels(
  bySource: Readonly<Record<string, Readonly<Record<string, string>>>>,
  reserved: readonly string[],
): StaticLabels {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [source, labels] of Object.entries(bySource)) {
    for (const name of Object.keys(labels)) {
      const where = `sources.${source}.labels.${name}`;
      if (!LABEL_NAME.test(name)) problems.push(`${where}: not a valid Prometheus label name`);
      else if (name.startsWith("__")) problems.push(`${where}: names starting with "__" are reserved`);
      else if (reserved.includes(name)) problems.push(`${where}: clashes with the metric's own label`);
      else names.add(name);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("; "), problems);

  const sorted = [...names].sort();
  const empty = Object.fromEntries(sorted.map((n) => [n, ""]));
  const sets = new Map<string, Readonly<Record<string, string>>>();
  for (const [source, labels] of Object.entries(bySource)) {
    sets.set(source, { ...empty, ...labels });
  }
  return {
    names: sorted,
    forSource: (source) => sets.get(source) ?? empty,
  };
}
