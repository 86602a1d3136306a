/**
 * End to end with a real Prometheus (Debian's package): the built exporter tails a log that this test
 * writes, Prometheus scrapes it every second and evaluates the shipped recording rules and alerts
 * (with their `for:` shortened), and the test asks Prometheus's HTTP API whether the numbers, the
 * recording rules, the throttling alert, the exemplars and the dashboard's queries all work, and
 * that the first error of a brand-new series counts (the series is served at 0 first: issue 8).
 *
 * Needs `dist/cli.js` (npm test builds it) and `prometheus` on PATH: without prometheus the suite is
 * skipped with a notice, unless CI=true, where it fails.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { externalBinary, requireBinary } from "../helpers/prometheus-binaries.js";
import {
  ALERTS_FILE,
  dashboardQueries,
  loadDashboard,
  metricNamesIn,
  RECORDING_RULES_FILE,
  ROOT,
  type RuleGroup,
  recordedNames,
  runbookBase,
  substituteGrafanaVariables,
} from "../helpers/prometheus-files.js";
import {
  type ActiveAlert,
  freePort,
  ManagedProcess,
  PrometheusApi,
  startPrometheus,
} from "../helpers/prometheus-server.js";
import { waitUntil } from "../helpers/wait.js";

const CLI = path.join(ROOT, "dist/cli.js");
const JOB = "aliyun-response-exporter";
/** The `for:` of every alert in the test's copy of alerts.yml: long enough to see "pending", short enough to wait for. */
const TEST_FOR = "2s";
const HOST_ID = "ess.aliyuncs.com";
/** The exporter's newSeriesHoldMs: at least one scrape interval (1 s here), so every scrape sees the 0. */
const HOLD_MS = 2_000;
/** A test-only alert on any error of any code, new ones included, without `for:`. */
const NEW_ERROR_ALERT = "E2EAnyErrorIncrease";

const prometheus = externalBinary("prometheus", "the end-to-end test with a real Prometheus");

interface Written {
  lines: string[];
  bytes: number;
  responses: number;
  errors: number;
  errorRequestIds: Set<string>;
}

let requestSeq = 0;
type Kind = "success" | "throttling" | "auth_error" | "server_error" | "client_error";
const BODIES: Record<Kind, Record<string, unknown>> = {
  success: { statusCode: 200 },
  throttling: {
    Code: "Throttling",
    Message: "Request was denied due to request throttling.",
    statusCode: 400,
  },
  auth_error: {
    Code: "Forbidden.RAM",
    Message: "User not authorized to operate on the specified resource.",
    statusCode: 403,
  },
  server_error: {
    Code: "InternalError",
    Message: "The request processing has failed due to some unknown error.",
    statusCode: 500,
  },
  client_error: {
    Code: "InvalidParameter",
    Message: "The specified parameter ScalingGroupId is not valid.",
    statusCode: 400,
  },
};

/** NDJSON log lines in the shape of a structured application log: the response nested under `response`. */
function responses(into: Written, action: string, kind: Kind, count: number): void {
  for (let i = 0; i < count; i++) {
    requestSeq += 1;
    const requestId = `E2E-${String(requestSeq).padStart(6, "0")}-4C2B-8D3A`;
    const body =
      kind === "success"
        ? { RequestId: requestId, ...BODIES[kind] }
        : { RequestId: requestId, HostId: HOST_ID, ...BODIES[kind] };
    const line = `${JSON.stringify({ level: "info", action, response: body })}\n`;
    into.lines.push(line);
    into.bytes += Buffer.byteLength(line);
    into.responses += 1;
    if (kind !== "success") {
      into.errors += 1;
      into.errorRequestIds.add(requestId);
    }
  }
}

describe.skipIf(prometheus.skip)("the exporter scraped by a real Prometheus", () => {
  let dir = "";
  let logFile = "";
  let exporter: ManagedProcess | undefined;
  let server: ManagedProcess | undefined;
  let api: PrometheusApi;
  const startedAt = Date.now() / 1000;
  const written: Written = { lines: [], bytes: 0, responses: 0, errors: 0, errorRequestIds: new Set() };

  /** Appends what `write` adds to `written` as one write, and returns the totals after it. */
  async function append(write: (w: Written) => void): Promise<void> {
    const before = written.lines.length;
    write(written);
    await appendFile(logFile, written.lines.slice(before).join(""));
  }

  async function expectValue(
    expr: string,
    expected: number | undefined,
    what: string,
    ok: (v: number) => boolean = (v) => v === expected,
  ): Promise<void> {
    await waitUntil(
      `${what}: ${expr}${expected === undefined ? "" : ` == ${expected}`}`,
      () => api.scalar(expr),
      (v) => v !== undefined && ok(v),
      20_000,
      250,
    );
  }

  function diagnostics(): string {
    return [
      `--- exporter (${exporter?.running ? "running" : `exited ${String(exporter?.exitCode)}`}) ---`,
      exporter?.logs() ?? "",
      `--- prometheus (${server?.running ? "running" : `exited ${String(server?.exitCode)}`}) ---`,
      server?.logs() ?? "",
    ].join("\n");
  }

  beforeAll(async () => {
    const prometheusBin = requireBinary(prometheus);
    if (!existsSync(CLI))
      throw new Error(`${CLI} does not exist: run \`npm run build\` first (\`npm test\` does)`);

    dir = await mkdtemp(path.join(os.tmpdir(), "are-prometheus-e2e-"));
    const logDir = path.join(dir, "logs");
    await mkdir(logDir);
    logFile = path.join(logDir, "app.log");
    await writeFile(logFile, "");

    const exporterPort = await freePort();
    const exporterConfig = path.join(dir, "exporter.yaml");
    await writeFile(
      exporterConfig,
      stringifyYaml({
        listen: `127.0.0.1:${exporterPort}`,
        sources: [
          { name: "app", paths: [path.join(logDir, "*.log")], startAt: "beginning", pollIntervalMs: 100 },
        ],
        metrics: { newSeriesHoldMs: HOLD_MS },
      }),
    );
    exporter = ManagedProcess.spawn(
      "exporter",
      process.execPath,
      [CLI, "run", "--config", exporterConfig],
      dir,
    );
    await waitUntil(
      "the exporter's /readyz",
      async () => {
        if (!exporter?.running)
          throw new Error(`the exporter exited (${String(exporter?.exitCode)}):\n${exporter?.logs()}`);
        const res = await fetch(`http://127.0.0.1:${exporterPort}/readyz`).catch(() => undefined);
        return res ? `HTTP ${res.status}` : "no connection";
      },
      (seen) => seen === "HTTP 200",
      30_000,
      250,
    );

    // The shipped alerts with every `for:` shortened, so the test sees them pending and firing.
    const alerts = parseYaml(await readFile(ALERTS_FILE, "utf8")) as { groups: RuleGroup[] };
    const fastAlerts = {
      groups: [
        ...alerts.groups.map((g) => ({
          ...g,
          rules: g.rules.map((r) => (r.for === undefined ? r : { ...r, for: TEST_FOR })),
        })),
        {
          name: "e2e_first_error",
          rules: [
            {
              alert: NEW_ERROR_ALERT,
              expr: 'sum by (action, code) (increase(aliyun_api_responses_total{category!="success"}[1m])) > 0',
            },
          ],
        },
      ],
    };
    const alertsFile = path.join(dir, "alerts-fast.yml");
    await writeFile(alertsFile, stringifyYaml(fastAlerts));

    const promPort = await freePort();
    const promConfig = path.join(dir, "prometheus.yml");
    await writeFile(
      promConfig,
      stringifyYaml({
        global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
        rule_files: [RECORDING_RULES_FILE, alertsFile],
        scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
      }),
    );
    server = await startPrometheus({
      binary: prometheusBin,
      configFile: promConfig,
      dataDir: path.join(dir, "tsdb"),
      port: promPort,
    });
    api = new PrometheusApi(`http://127.0.0.1:${promPort}`);
    await waitUntil(
      "Prometheus to scrape the exporter",
      async () => {
        const [target] = await api.targets();
        return target ? `${target.health} ${target.lastError}` : "no target";
      },
      (seen) => seen.startsWith("up "),
      30_000,
      250,
    );
  }, 60_000);

  afterAll(async () => {
    // Stop both even if one stop fails; remove the temp dir last (Prometheus writes into it).
    await Promise.allSettled([server?.stop(), exporter?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it("counts every response written, once, as Prometheus sees it", async () => {
    try {
      // Phase 1 creates every series; Prometheus must scrape it before the burst, because a series'
      // first sample has no increase for rate() to see.
      await append((w) => {
        responses(w, "DescribeScalingGroups", "success", 2);
        responses(w, "DescribeScalingGroups", "throttling", 1);
        responses(w, "CreateScalingRule", "success", 1);
        responses(w, "CreateScalingRule", "auth_error", 1);
        responses(w, "CreateScalingRule", "server_error", 1);
        responses(w, "DescribeScalingActivities", "client_error", 1);
        responses(w, "DescribeScalingActivities", "success", 1);
      });
      await expectValue("sum(aliyun_api_responses_total)", written.responses, "phase 1");

      // Phase 2: a throttling burst on DescribeScalingGroups, and more of everything else.
      await append((w) => {
        responses(w, "DescribeScalingGroups", "throttling", 100);
        responses(w, "DescribeScalingGroups", "success", 10);
        responses(w, "CreateScalingRule", "success", 5);
        responses(w, "CreateScalingRule", "auth_error", 2);
        responses(w, "CreateScalingRule", "server_error", 2);
        responses(w, "DescribeScalingActivities", "client_error", 2);
        responses(w, "DescribeScalingActivities", "success", 3);
      });
      await expectValue("sum(aliyun_api_responses_total)", written.responses, "after the burst");
      await expectValue(
        'sum(aliyun_api_responses_total{action="DescribeScalingGroups", category="throttling"})',
        101,
        "throttled",
      );
      await expectValue("sum(aliyun_api_endpoint_errors_total)", written.errors, "errors by endpoint");
      await expectValue(
        'sum(aliyun_response_exporter_records_total{result="response"})',
        written.responses,
        "records",
      );
      await expectValue("sum(aliyun_response_exporter_bytes_read_total)", written.bytes, "bytes read");

      // Nothing counted twice: two more scrapes later the totals have not moved.
      const last = await api.scalar(`timestamp(up{job="${JOB}"})`);
      await waitUntil(
        "two more scrapes",
        () => api.scalar(`timestamp(up{job="${JOB}"})`),
        (now) => now !== undefined && last !== undefined && now >= last + 2,
        30_000,
        250,
      );
      expect(await api.scalar("sum(aliyun_api_responses_total)")).toBe(written.responses);
      expect(await api.scalar('sum(aliyun_api_responses_total{category="success"})')).toBe(
        written.responses - written.errors,
      );
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${diagnostics()}`);
    }
  }, 60_000);

  it("evaluates every recording rule into series", async () => {
    const names = recordedNames();
    expect(names.length).toBeGreaterThan(20);
    const missing = await waitUntil(
      "every recording rule to have series (seen: those without)",
      async () => {
        const empty: string[] = [];
        for (const name of names) {
          if (((await api.scalar(`count(${name})`)) ?? 0) === 0) empty.push(name);
        }
        return empty;
      },
      (empty) => empty.length === 0,
      20_000,
      250,
    );
    expect(missing).toEqual([]);
    // The fleet sum is what the rules compute: the per-action rates add up to the overall rate.
    const overall = await api.scalar(`sum(job:aliyun_api_responses:rate5m{job="${JOB}"})`);
    const byAction = await api.scalar(`sum(action:aliyun_api_responses:rate5m{job="${JOB}"})`);
    expect(overall).toBeGreaterThan(0);
    expect(byAction).toBeCloseTo(overall ?? Number.NaN, 9);
  }, 30_000);

  it("puts AliyunApiThrottlingHigh into pending or firing for the throttled action", async () => {
    const throttled = (a: ActiveAlert): boolean =>
      a.labels.alertname === "AliyunApiThrottlingHigh" &&
      a.labels.action === "DescribeScalingGroups" &&
      (a.state === "pending" || a.state === "firing");
    const alerts = await waitUntil(
      "AliyunApiThrottlingHigh to be pending or firing",
      () => api.alerts(),
      (all) => all.some(throttled),
      20_000,
      250,
    );
    const alert = alerts.find(throttled) as ActiveAlert;
    expect(alert.labels).toMatchObject({ job: JOB, severity: "warning" });
    expect(alert.annotations.runbook).toBe(`${runbookBase()}#runbook-aliyunapithrottlinghigh`);
    expect(alert.annotations.description).toMatch(/^\d+(\.\d+)?% of DescribeScalingGroups calls/);
    // Actions without throttling stay quiet.
    const others = (await api.alerts()).filter(
      (a) => a.labels.alertname === "AliyunApiThrottlingHigh" && a.labels.action !== "DescribeScalingGroups",
    );
    expect(others).toEqual([]);
  }, 30_000);

  it("stores exemplars that carry the request_id and host_id of errors", async () => {
    const found = await waitUntil(
      "exemplars on error series",
      async () => {
        const series = await api.exemplars(
          'aliyun_api_responses_total{category!="success"}',
          Math.floor(startedAt) - 60,
          Math.ceil(Date.now() / 1000) + 60,
        );
        return series.flatMap((s) => s.exemplars);
      },
      (exemplars) => exemplars.length > 0,
      20_000,
      250,
    );
    for (const e of found) {
      expect(written.errorRequestIds.has(e.labels.request_id ?? ""), JSON.stringify(e)).toBe(true);
      expect(e.labels.host_id).toBe(HOST_ID);
    }
  }, 30_000);

  it("counts the single first error of a brand-new series: increase() == 1 and an alert fires", async () => {
    const code = "InvalidAccessKeyId.NotFound";
    const series = `aliyun_api_responses_total{action="BrandNewAction", code="${code}"}`;
    try {
      await append((w) => {
        requestSeq += 1;
        const body = {
          RequestId: `E2E-FIRST-${requestSeq}`,
          HostId: HOST_ID,
          Code: code,
          Message: "Specified access key is not found.",
          statusCode: 404,
        };
        const line = `${JSON.stringify({ level: "error", action: "BrandNewAction", response: body })}\n`;
        w.lines.push(line);
        w.bytes += Buffer.byteLength(line);
        w.responses += 1;
        w.errors += 1;
        w.errorRequestIds.add(body.RequestId);
      });
      // Prometheus stored the 0 first, then the 1.
      await expectValue(
        `count_over_time(${series}[1m])`,
        undefined,
        "samples of the new series",
        (v) => v >= 2,
      );
      await expectValue(`min_over_time(${series}[1m])`, 0, "the first sample at 0");
      await expectValue(series, 1, "the count after the hold");
      // At the newest sample's time, the window holds the 0: increase() is exactly the one error.
      const at = await api.scalar(`timestamp(${series})`);
      expect(await api.scalar(`increase(${series}[1m] @ ${at})`)).toBe(1);
      expect(await api.scalar(`increase(aliyun_api_responses_total{code="${code}"}[1m] @ ${at})`)).toBe(1);

      const firing = (a: ActiveAlert): boolean =>
        a.labels.alertname === NEW_ERROR_ALERT && a.labels.code === code && a.state === "firing";
      const alerts = await waitUntil(
        `${NEW_ERROR_ALERT} to fire for the new code (seen: its alerts)`,
        async () => (await api.alerts()).filter((a) => a.labels.alertname === NEW_ERROR_ALERT),
        (mine) => mine.some(firing),
        20_000,
        250,
      );
      const alert = alerts.find(firing) as ActiveAlert;
      expect(alert.labels.action).toBe("BrandNewAction");
      // OpenMetrics scrapes carry _created: Prometheus (2.42 keeps it as a series) read it.
      const created = await api.scalar(
        `aliyun_api_responses_created{action="BrandNewAction", code="${code}"}`,
      );
      expect(created).toBeGreaterThan(startedAt - 1);
      expect(created).toBeLessThan(Date.now() / 1000);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${diagnostics()}`);
    }
  }, 60_000);

  it("answers every query of the Grafana dashboard, with data for the API panels", async () => {
    const empty: string[] = [];
    for (const q of dashboardQueries(loadDashboard())) {
      const result = await api.query(substituteGrafanaVariables(q.expr));
      const apiMetric = metricNamesIn(q.expr).some((n) => n.startsWith("aliyun_api_"));
      if (apiMetric && result.length === 0) empty.push(q.where);
    }
    expect(empty).toEqual([]);
  }, 30_000);
});
