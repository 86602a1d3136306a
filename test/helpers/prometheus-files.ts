/**
 * Reading the shipped Prometheus rules and Grafana dashboard for tests: their YAML/JSON shapes, every
 * PromQL expression they contain, and the metric names and label matchers inside those expressions.
 *
 * The PromQL scan is deliberately small (no full parser): it is enough for the expressions we ship,
 * and a construct it does not understand shows up as an unknown "metric" name, failing loudly.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const PROMETHEUS_DIR = path.join(ROOT, "config/prometheus");
export const RECORDING_RULES_FILE = path.join(PROMETHEUS_DIR, "recording-rules.yml");
export const ALERTS_FILE = path.join(PROMETHEUS_DIR, "alerts.yml");
const DASHBOARD_FILE = path.join(ROOT, "config/grafana/aliyun-api.json");

export interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

function loadRuleGroups(file: string): RuleGroup[] {
  const doc = parseYaml(readFileSync(file, "utf8")) as { groups?: RuleGroup[] } | null;
  if (!doc?.groups) throw new Error(`${file}: no "groups"`);
  return doc.groups;
}

export function allRules(file: string): Rule[] {
  return loadRuleGroups(file).flatMap((g) => g.rules);
}

export function alertRules(): (Rule & { alert: string })[] {
  return allRules(ALERTS_FILE).filter((r): r is Rule & { alert: string } => typeof r.alert === "string");
}

/** The runbook base URL that alerts.yml documents in its header (`# Runbook base URL: …`). */
export function runbookBase(): string {
  const base = /^# Runbook base URL: (\S+)$/m.exec(readFileSync(ALERTS_FILE, "utf8"))?.[1];
  if (base === undefined) throw new Error(`${ALERTS_FILE}: no "# Runbook base URL:" line`);
  return base;
}

export function recordedNames(): string[] {
  return allRules(RECORDING_RULES_FILE).flatMap((r) => (r.record ? [r.record] : []));
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function loadDashboard(): { [key: string]: Json } {
  return JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")) as { [key: string]: Json };
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Calls `visit` on every object nested anywhere in `node` (including `node`). */
export function walkObjects(node: Json, visit: (obj: { [key: string]: Json }) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walkObjects(item, visit);
  } else if (isObject(node)) {
    visit(node);
    for (const value of Object.values(node)) walkObjects(value, visit);
  }
}

export interface DashboardQuery {
  /** Where it was found, for messages: a panel title, a variable name or an annotation name. */
  readonly where: string;
  /** A PromQL expression with Grafana variables still in it. */
  readonly expr: string;
}

/**
 * Every PromQL expression of the dashboard: panel targets (rows included), annotations, and the
 * selector inside the `label_values(…)` query of each variable (its label argument is not PromQL).
 */
export function dashboardQueries(dashboard: { [key: string]: Json }): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const visitPanels = (panels: Json | undefined): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels) {
      if (!isObject(p)) continue;
      for (const t of Array.isArray(p.targets) ? p.targets : []) {
        if (isObject(t) && typeof t.expr === "string") {
          out.push({ where: `panel "${String(p.title)}" ${String(t.refId)}`, expr: t.expr });
        }
      }
      visitPanels(p.panels);
    }
  };
  visitPanels(dashboard.panels);

  const annotations = dashboard.annotations;
  for (const a of isObject(annotations) && Array.isArray(annotations.list) ? annotations.list : []) {
    if (isObject(a) && typeof a.expr === "string")
      out.push({ where: `annotation "${String(a.name)}"`, expr: a.expr });
  }

  const templating = dashboard.templating;
  for (const v of isObject(templating) && Array.isArray(templating.list) ? templating.list : []) {
    if (!isObject(v) || v.type !== "query") continue;
    const q = isObject(v.query) ? v.query.query : v.query;
    if (typeof q !== "string") continue;
    const where = `variable ${String(v.name)}`;
    const m = /^\s*label_values\(\s*(.*?)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(q);
    if (m?.[1]) out.push({ where, expr: m[1] });
    else if (!/^\s*label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/.test(q)) out.push({ where, expr: q });
  }
  return out;
}

/** How many `expr` strings the dashboard holds anywhere (to prove that dashboardQueries missed none). */
export function countExprKeys(dashboard: { [key: string]: Json }): number {
  let n = 0;
  walkObjects(dashboard, (obj) => {
    if (typeof obj.expr === "string") n += 1;
  });
  return n;
}

/** Grafana variables replaced by values that make the expression plain PromQL. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}|\$__interval|\$\{__interval\}/g, "1m")
    .replace(/\$__range|\$\{__range\}/g, "1h")
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}?/g, ".*");
}

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "atan2",
  "inf",
  "nan",
]);

/** Blanks out strings, comments and Grafana variables, keeping the offsets of everything else. */
function maskExpr(expr: string): string {
  return expr
    .replace(/#[^\n]*/g, (m) => " ".repeat(m.length))
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (m) => `"${" ".repeat(m.length - 2)}"`)
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}?/g, (m) => " ".repeat(m.length));
}

/** Names of the series an expression selects (metric names and recording-rule names). */
export function metricNamesIn(expr: string): string[] {
  const s = maskExpr(expr)
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  // Numbers and durations first, so that the `m` of `5m` or the `e` of `1e3` is not an identifier.
  const token = /(\d+(?:\.\d+)?(?:e[+-]?\d+)?[a-z]*)|([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/gi;
  for (const m of s.matchAll(token)) {
    const ident = m[2];
    if (!ident || m[3] || KEYWORDS.has(ident.toLowerCase())) continue;
    names.add(ident);
  }
  return [...names];
}

export interface LabelMatcher {
  readonly metric: string;
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** The label matchers written in braces after a metric name: `name{label op "value", …}`. */
export function labelMatchersIn(expr: string): LabelMatcher[] {
  const out: LabelMatcher[] = [];
  const masked = maskExpr(expr);
  for (const sel of masked.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^}]*)\}/g)) {
    const [, metric = "", body = ""] = sel;
    const bodyStart = (sel.index ?? 0) + sel[0].indexOf("{") + 1;
    const original = expr.slice(bodyStart, bodyStart + body.length);
    for (const m of original.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      const [, label = "", op = "=", value = ""] = m;
      out.push({ metric, label, op: op as LabelMatcher["op"], value });
    }
  }
  return out;
}

/** The number compared with `left` by `>` or `>=` in `expr` (the threshold of an alert). */
export function thresholdAfter(expr: string, left: string): number | undefined {
  const escaped = left.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${escaped}\\s*>=?\\s*([0-9.]+(?:e[+-]?[0-9]+)?)`).exec(expr);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

/** Anchors of every ATX heading (`#`…`######`) of a Markdown text, outside fenced code blocks. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m?.[1]) anchors.add(githubSlug(m[1]));
  }
  return anchors;
}
