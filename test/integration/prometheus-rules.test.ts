/**
 * The shipped Prometheus rules, checked and unit-tested by Debian's promtool (config/prometheus/), and
 * the Grafana dashboard's queries checked to be valid PromQL. Without promtool the promtool part is
 * skipped with a notice, unless CI=true, where it fails.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { externalBinary, requireBinary, runCommand } from "../helpers/prometheus-binaries.js";
import {
  ALERTS_FILE,
  alertRules,
  dashboardQueries,
  loadDashboard,
  PROMETHEUS_DIR,
  RECORDING_RULES_FILE,
  recordedNames,
  substituteGrafanaVariables,
} from "../helpers/prometheus-files.js";

interface AlertTestCase {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts?: readonly unknown[];
}
interface UnitTestFile {
  readonly rule_files: readonly string[];
  readonly tests: readonly {
    readonly name?: string;
    readonly alert_rule_test?: readonly AlertTestCase[];
    readonly promql_expr_test?: readonly { readonly expr: string }[];
  }[];
}

async function unitTestFiles(): Promise<string[]> {
  return (await readdir(PROMETHEUS_DIR))
    .filter((f) => f.endsWith(".test.yml"))
    .sort()
    .map((f) => path.join(PROMETHEUS_DIR, f));
}

async function loadUnitTests(): Promise<UnitTestFile[]> {
  return Promise.all(
    (await unitTestFiles()).map(async (f) => parseYaml(await readFile(f, "utf8")) as UnitTestFile),
  );
}

describe("promtool unit test coverage", () => {
  it("has a case where each alert fires and a case where it must stay silent", async () => {
    const cases = (await loadUnitTests()).flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
    const missing: string[] = [];
    for (const { alert } of alertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      if (!mine.some((c) => (c.exp_alerts ?? []).length > 0))
        missing.push(`${alert}: no case where it fires`);
      if (!mine.some((c) => (c.exp_alerts ?? []).length === 0))
        missing.push(`${alert}: no case where it is silent`);
    }
    expect(missing).toEqual([]);
  });

  it("queries every recording rule in a promql_expr_test", async () => {
    const exprs = (await loadUnitTests()).flatMap((f) =>
      f.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.expr)),
    );
    const untested = recordedNames().filter(
      (name) => !exprs.some((e) => new RegExp(`(^|[^\\w:])${name}($|[^\\w:])`).test(e)),
    );
    expect(untested).toEqual([]);
  });

  it("tests no alert that alerts.yml does not define", async () => {
    const defined = new Set(alertRules().map((r) => r.alert));
    const cases = (await loadUnitTests()).flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
    expect(cases.map((c) => c.alertname).filter((n) => !defined.has(n))).toEqual([]);
  });
});

const promtool = externalBinary("promtool", "the promtool checks of config/prometheus");

describe.skipIf(promtool.skip)("promtool", () => {
  let scratch = "";

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), "promtool-"));
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("accepts the recording rules and the alerts (promtool check rules)", async () => {
    const bin = requireBinary(promtool);
    const res = await runCommand(bin, ["check", "rules", RECORDING_RULES_FILE, ALERTS_FILE]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS: \d+ rules found/);
  });

  it("passes the unit tests in config/prometheus/*.test.yml (promtool test rules)", async () => {
    const bin = requireBinary(promtool);
    const files = await unitTestFiles();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const res = await runCommand(bin, ["test", "rules", ...files.map((f) => path.basename(f))], {
      cwd: PROMETHEUS_DIR,
      timeoutMs: 60_000,
    });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout.match(/SUCCESS/g)?.length).toBe(files.length);
  });

  // The unit tests bite: a changed threshold or window makes them fail.
  it.each([
    [
      "the error-ratio threshold raised",
      ALERTS_FILE,
      "action:aliyun_api_error_ratio:rate5m > 0.1",
      "action:aliyun_api_error_ratio:rate5m > 0.6",
    ],
    [
      "the 1h base rule reading 5m",
      RECORDING_RULES_FILE,
      "(rate(aliyun_api_responses_total[1h]))",
      "(rate(aliyun_api_responses_total[5m]))",
    ],
  ])("fails when %s", async (_what, file, from, to) => {
    const bin = requireBinary(promtool);
    const dir = await mkdtemp(path.join(scratch, "mutant-"));
    for (const f of await readdir(PROMETHEUS_DIR))
      await copyFile(path.join(PROMETHEUS_DIR, f), path.join(dir, f));
    const original = await readFile(file, "utf8");
    expect(original).toContain(from);
    await writeFile(path.join(dir, path.basename(file)), original.replace(from, to));
    const res = await runCommand(bin, ["test", "rules", "recording-rules.test.yml", "alerts.test.yml"], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toContain("FAILED");
  });

  it("parses every query of the Grafana dashboard as PromQL", async () => {
    const bin = requireBinary(promtool);
    const queries = dashboardQueries(loadDashboard());
    expect(queries.length).toBeGreaterThan(10);
    // promtool has no "check expression" command; a rule file with one recording rule per query
    // makes `check rules` parse each of them and name the one that is broken.
    const rules = queries.map((q, i) => ({
      record: `dashboard:query:${i}`,
      expr: substituteGrafanaVariables(q.expr),
    }));
    const file = path.join(scratch, "dashboard-queries.yml");
    await writeFile(file, stringifyYaml({ groups: [{ name: "dashboard", rules }] }));
    const res = await runCommand(bin, ["check", "rules", file]);
    const named = res.stderr.replace(
      /dashboard:query:(\d+)/g,
      (m, i: string) => `${m} (${queries[Number(i)]?.where})`,
    );
    expect(res.code, res.stdout + named).toBe(0);
  });
});
