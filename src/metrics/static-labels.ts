import { UsageError } from "../core/errors.js";
import { METRICS } from "./catalog.js";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the exporter sets itself on `aliyun_api_responses_total`; a static label may not reuse them. */
export const RESERVED_LABELS: readonly string[] = METRICS.responses.labels;

/**
 * The rule for static label names (README "Static labels"), checked by the config schema and by
 * `staticLabels`: why `name` cannot be one, or null when it can.
 */
export function labelNameProblem(name: string): string | null {
  if (!LABEL_NAME.test(name)) {
    return `"${name}" is not a valid Prometheus label name (letters, digits and _, not starting with a digit)`;
  }
  if (name.startsWith("__")) return `"${name}" is reserved: names starting with __ belong to Prometheus`;
  if (RESERVED_LABELS.includes(name)) {
    return `"${name}" is reserved: the exporter sets it (${RESERVED_LABELS.join(", ")})`;
  }
  return null;
}

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

/** The static labels of every source; invalid names are thrown as one UsageError, each with its path. */
export function staticLabels(
  bySource: Readonly<Record<string, Readonly<Record<string, string>>>>,
): StaticLabels {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [source, labels] of Object.entries(bySource)) {
    for (const name of Object.keys(labels)) {
      const problem = labelNameProblem(name);
      if (problem === null) names.add(name);
      else problems.push(`sources.${source}.labels.${name}: ${problem}`);
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
