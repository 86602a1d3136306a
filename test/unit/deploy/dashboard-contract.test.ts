/**
 * The contract between the metric catalogue (src/metrics/catalog.ts) and what is built on it: the
 * Prometheus recording rules and alerts, the Grafana dashboard, and the README's runbooks. A renamed
 * metric, label or category breaks this test, not a dashboard; an alert without a runbook section
 * breaks it too.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CATEGORIES } from "../../../src/core/records.js";
import { METRICS, type MetricSpec, RECORD_RESULTS } from "../../../src/metrics/catalog.js";
import {
  ALERTS_FILE,
  alertRules,
  allRules,
  countExprKeys,
  dashboardQueries,
  type Json,
  labelMatchersIn,
  loadDashboard,
  markdownAnchors,
  metricNamesIn,
  RECORDING_RULES_FILE,
  ROOT,
  recordedNames,
  runbookBase,
  thresholdAfter,
  walkObjects,
} from "../../helpers/prometheus-files.js";

/** Series names a metric appears under when scraped (a counter also has OpenMetrics `_created`). */
function exposedNames(spec: MetricSpec): string[] {
  const type: string = spec.type;
  if (type === "counter") return [spec.name, spec.name.replace(/_total$/, "_created")];
  if (type === "histogram") return ["_bucket", "_sum", "_count"].map((s) => spec.name + s);
  if (type === "summary") return [spec.name, `${spec.name}_sum`, `${spec.name}_count`];
  return [spec.name];
}

const SPECS: readonly MetricSpec[] = Object.values(METRICS);
/** Series that Prometheus itself writes: `up` per target, `ALERTS` per alert. */
const PROMETHEUS_SERIES = new Set(["up", "ALERTS"]);
/** Labels that Prometheus adds to every scraped series (target labels). */
const TARGET_LABELS = new Set(["job", "instance", "pod"]);
/** How every datasource reference of the dashboard must read: the `datasource` variable, literally. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template
const DATASOURCE_VARIABLE = "${datasource}";

interface Expr {
  readonly where: string;
  readonly expr: string;
}

const ruleExprs: Expr[] = allRules(RECORDING_RULES_FILE).map((r) => ({
  where: `record ${r.record}`,
  expr: r.expr,
}));
const alertExprs: Expr[] = alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
const dashboard = loadDashboard();
const dashboardExprs: Expr[] = dashboardQueries(dashboard);

/** Every selected name that is neither exposed by a catalogue metric, nor recorded, nor Prometheus's own. */
function undeclaredMetrics(
  exprs: readonly Expr[],
  specs: readonly MetricSpec[],
  recorded: readonly string[],
): string[] {
  const known = new Set([...specs.flatMap(exposedNames), ...recorded, ...PROMETHEUS_SERIES]);
  return exprs.flatMap(({ where, expr }) =>
    metricNamesIn(expr)
      .filter((name) => !known.has(name))
      .map((name) => `${where}: ${name}`),
  );
}

/** Label matchers that name a label the metric does not have, or a category/result that does not exist. */
function badMatchers(exprs: readonly Expr[], specs: readonly MetricSpec[]): string[] {
  const byName = new Map(specs.flatMap((s) => exposedNames(s).map((n) => [n, s] as const)));
  const problems: string[] = [];
  const checkValues = (
    where: string,
    label: string,
    op: string,
    value: string,
    allowed: readonly string[],
  ): void => {
    if (value.includes("$")) return; // a Grafana variable
    const values = op === "=~" || op === "!~" ? value.split("|") : [value];
    for (const v of values) {
      if (!allowed.includes(v))
        problems.push(`${where}: ${label}${op}"${value}": "${v}" is not one of ${allowed.join(", ")}`);
    }
  };
  for (const { where, expr } of exprs) {
    for (const m of labelMatchersIn(expr)) {
      const spec = byName.get(m.metric);
      if (spec && !spec.labels.includes(m.label) && !TARGET_LABELS.has(m.label)) {
        problems.push(
          `${where}: ${m.metric} has no label "${m.label}" (catalogue: ${spec.labels.join(", ")})`,
        );
      }
      if (m.label === "category") checkValues(where, m.label, m.op, m.value, CATEGORIES);
      if (m.label === "result") checkValues(where, m.label, m.op, m.value, RECORD_RESULTS);
    }
  }
  return problems;
}

describe("metric names in rules, alerts and dashboard", () => {
  it("finds the expressions it checks", () => {
    expect(ruleExprs.length).toBeGreaterThan(10);
    expect(alertExprs.length).toBe(10);
    // Every `expr` of the dashboard JSON is checked, plus one selector per variable query.
    const variableQueries = dashboardExprs.filter((q) => q.where.startsWith("variable ")).length;
    expect(dashboardExprs.length - variableQueries).toBe(countExprKeys(dashboard));
    expect(variableQueries).toBe(3);
  });

  it.each([
    ["recording rules", ruleExprs],
    ["alerts", alertExprs],
    ["dashboard", dashboardExprs],
  ] as const)("%s use only metrics that the catalogue declares", (_what, exprs) => {
    expect(undeclaredMetrics(exprs, SPECS, recordedNames())).toEqual([]);
  });

  it.each([
    ["recording rules", ruleExprs],
    ["alerts", alertExprs],
    ["dashboard", dashboardExprs],
  ] as const)("%s match only labels and values that exist", (_what, exprs) => {
    expect(badMatchers(exprs, SPECS)).toEqual([]);
  });

  it("would notice a renamed metric or label", () => {
    const renamed = SPECS.map((s) =>
      s.name === METRICS.responses.name ? { ...s, name: "aliyun_api_replies_total" } : s,
    );
    const all = [...ruleExprs, ...alertExprs, ...dashboardExprs];
    expect(undeclaredMetrics(all, renamed, recordedNames())).toContain(
      "record action_category:aliyun_api_responses:rate5m: aliyun_api_responses_total",
    );
    const relabelled = SPECS.map((s) =>
      s.name === METRICS.records.name ? { ...s, labels: ["source", "outcome"] } : s,
    );
    expect(badMatchers(all, relabelled).some((p) => p.includes('has no label "result"'))).toBe(true);
  });

  it("uses only recording rules that recording-rules.yml defines", () => {
    const recorded = new Set(recordedNames());
    const used = [...alertExprs, ...dashboardExprs, ...ruleExprs].flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((n) => n.includes(":") && !recorded.has(n))
        .map((n) => `${where}: ${n}`),
    );
    expect(used).toEqual([]);
  });

  it("names recording rules level:metric:operations after a catalogue metric or a ratio of one", () => {
    // `up` is Prometheus' own per-target series (the exporter-target selector reads it).
    const bases = new Set([...SPECS.map((s) => s.name.replace(/_total$/, "")), "up"]);
    const bad = recordedNames().filter((name) => {
      const m = /^([a-z_]+):([a-z_]+):([a-z0-9_]+)$/.exec(name);
      if (!m?.[2]) return true;
      const metric = m[2];
      return !bases.has(metric) && !/^aliyun_api_[a-z_]+_ratio$/.test(metric);
    });
    expect(bad).toEqual([]);
  });
});

describe("alerts", () => {
  const alerts = alertRules();

  it("each have a severity, a summary, a templated description and a runbook link", () => {
    const problems = alerts.flatMap((a) => {
      const p: string[] = [];
      const ann = a.annotations ?? {};
      if (!["info", "warning", "critical"].includes(a.labels?.severity ?? "")) p.push(`${a.alert}: severity`);
      if (!ann.summary) p.push(`${a.alert}: summary`);
      if (!/\{\{\s*\$labels\./.test(ann.description ?? "")) p.push(`${a.alert}: description without labels`);
      if (ann.runbook !== `${runbookBase()}#runbook-${a.alert.toLowerCase()}`)
        p.push(`${a.alert}: runbook ${ann.runbook}`);
      return p;
    });
    expect(problems).toEqual([]);
  });

  it("each have a runbook section in README.md", () => {
    const readme = path.join(ROOT, "README.md");
    const anchors = existsSync(readme) ? markdownAnchors(readFileSync(readme, "utf8")) : new Set<string>();
    const missing = alerts
      .map((a) => a.annotations?.runbook ?? "")
      .map((link) => link.replace(`${runbookBase()}#`, ""))
      .filter((anchor) => !anchors.has(anchor))
      .map((anchor) => `README.md has no heading for #${anchor}`);
    expect(
      missing,
      existsSync(readme)
        ? "add the runbook headings (see the README section 'Dashboards and alerts')"
        : "README.md does not exist yet",
    ).toEqual([]);
  });

  it("are the ones the README's alert list can name (unique names)", () => {
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("Grafana dashboard", () => {
  type Obj = { [key: string]: Json };
  const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
  const templating = dashboard.templating;
  const variables = (isObj(templating) && Array.isArray(templating.list) ? templating.list : []).filter(
    isObj,
  );
  const panels: Obj[] = [];
  walkObjects(dashboard.panels ?? [], (o) => {
    if (typeof o.type === "string" && isObj(o.gridPos)) panels.push(o);
  });

  it("has a Prometheus datasource variable and job, instance and action variables that use it", () => {
    const ds = variables.find((v) => v.name === "datasource");
    expect(ds).toMatchObject({ type: "datasource", query: "prometheus" });
    for (const name of ["job", "instance", "action"]) {
      const v = variables.find((x) => x.name === name);
      expect(v, name).toMatchObject({
        type: "query",
        datasource: { type: "prometheus", uid: DATASOURCE_VARIABLE },
      });
    }
  });

  it("refers to its datasource only through the variable (no hard-coded UIDs, no __inputs)", () => {
    expect(dashboard.__inputs).toBeUndefined();
    const refs: Json[] = [];
    walkObjects(dashboard, (o) => {
      if ("datasource" in o) refs.push(o.datasource ?? null);
    });
    expect(refs.length).toBeGreaterThan(panels.length);
    const bad = refs.filter((r) => !isObj(r) || r.uid !== DATASOURCE_VARIABLE || r.type !== "prometheus");
    expect(bad).toEqual([]);
  });

  it("has unique panel ids and every panel on the grid", () => {
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => typeof id === "number")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows exemplars on an error panel", () => {
    const withExemplars = panels.filter(
      (p) =>
        Array.isArray(p.targets) &&
        p.targets.some(
          (t) =>
            isObj(t) &&
            t.exemplar === true &&
            typeof t.expr === "string" &&
            t.expr.includes(METRICS.responses.name) &&
            t.expr.includes('category!="success"'),
        ),
    );
    expect(withExemplars.map((p) => p.title)).not.toEqual([]);
  });

  it("draws the alert thresholds on the error ratio and throttling ratio panels", () => {
    const alert = (name: string) => alertRules().find((a) => a.alert === name)?.expr ?? "";
    const expected: [RegExp, number | undefined][] = [
      [
        /^Error ratio/,
        thresholdAfter(alert("AliyunApiErrorRatioHigh"), "action:aliyun_api_error_ratio:rate5m"),
      ],
      [
        /^Throttling ratio/,
        thresholdAfter(alert("AliyunApiThrottlingHigh"), "action:aliyun_api_throttling_ratio:rate5m"),
      ],
    ];
    for (const [title, threshold] of expected) {
      expect(threshold, String(title)).toBeTypeOf("number");
      const matching = panels.filter((p) => typeof p.title === "string" && title.test(p.title));
      expect(matching.length, String(title)).toBeGreaterThanOrEqual(2);
      for (const p of matching) {
        const defaults = isObj(p.fieldConfig) && isObj(p.fieldConfig.defaults) ? p.fieldConfig.defaults : {};
        const steps =
          isObj(defaults.thresholds) && Array.isArray(defaults.thresholds.steps)
            ? defaults.thresholds.steps
            : [];
        const values = steps.filter(isObj).flatMap((s) => (typeof s.value === "number" ? [s.value] : []));
        expect(values, String(p.title)).toEqual([threshold]);
        const custom = isObj(defaults.custom) ? defaults.custom : {};
        if (p.type === "timeseries") {
          expect(isObj(custom.thresholdsStyle) && custom.thresholdsStyle.mode, String(p.title)).not.toBe(
            "off",
          );
        }
      }
    }
  });
});

describe("Grafana provisioning examples", () => {
  const dir = path.join(ROOT, "config/grafana/provisioning");

  it.each(["datasources", "dashboards"])("%s: YAML with apiVersion 1", (kind) => {
    const files = readdirSync(path.join(dir, kind)).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = parseYaml(readFileSync(path.join(dir, kind, f), "utf8")) as {
        apiVersion?: number;
      } & Record<string, unknown>;
      expect(doc.apiVersion, f).toBe(1);
      expect(Array.isArray(doc[kind === "dashboards" ? "providers" : "datasources"]), f).toBe(true);
    }
  });
});

// Keep the file list honest: the alerts file this test reads is the one Prometheus loads.
it("reads the shipped rule files", () => {
  expect(path.relative(ROOT, ALERTS_FILE)).toBe("config/prometheus/alerts.yml");
  expect(path.relative(ROOT, RECORDING_RULES_FILE)).toBe("config/prometheus/recording-rules.yml");
});
