import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { type ApiResponse, emptyCounts, type LineCounts } from "../../../src/core/records.js";
import { METRIC_NAMES } from "../../../src/metrics/catalog.js";
import { ExporterMetrics } from "../../../src/metrics/exporter-metrics.js";

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
  readonly exemplar?: { labels: Record<string, string>; value: number; timestamp: number };
}

/** Just enough of the text formats to read samples and exemplars back. */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  const labelsOf = (s: string) => {
    const out: Record<string, string> = {};
    for (const m of s.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      out[m[1] as string] = (m[2] as string).replace(/\\(.)/g, "$1");
    return out;
  };
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*?)\})? (\S+)(?: # \{(.*)\} (\S+) (\S+))?$/.exec(line);
    if (m === null) throw new Error(`unparsable sample line: ${line}`);
    samples.push({
      name: m[1] as string,
      labels: labelsOf(m[2] ?? ""),
      value: Number(m[3]),
      ...(m[4] === undefined
        ? {}
        : { exemplar: { labels: labelsOf(m[4]), value: Number(m[5]), timestamp: Number(m[6]) } }),
    });
  }
  return samples;
}

/** The one sample of `name` whose labels include `labels`. */
function sample(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0];
}

const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  sample(samples, name, labels)?.value;

async function scrape(m: ExporterMetrics, openMetrics = false): Promise<Sample[]> {
  return parseSamples((await m.metricsText(openMetrics)).body);
}

let nextId = 0;
function response(over: Partial<ApiResponse> = {}): ApiResponse {
  const error = over.error ?? true;
  return {
    requestId: `REQ-${++nextId}`,
    hostId: "ess.aliyuncs.com",
    code: error ? "Throttling.User" : "",
    message: error ? "Request was denied due to user flow control." : null,
    parameter: null,
    status: error ? 400 : "unknown",
    statusSource: error ? "body" : "none",
    category: error ? "throttling" : "success",
    error,
    retryable: error,
    action: "DescribeScalingGroups",
    format: "json",
    source: "app",
    lineStart: 1,
    lineEnd: 1,
    time: 0,
    timeSource: "read",
    ...over,
  };
}
const success = (over: Partial<ApiResponse> = {}) => response({ error: false, ...over });
const counts = (over: Partial<LineCounts>): LineCounts => ({ ...emptyCounts(), ...over });

const RESPONSES = "aliyun_api_responses_total";
const ENDPOINT_ERRORS = "aliyun_api_endpoint_errors_total";
const RECORDS = "aliyun_response_exporter_records_total";
const OVERFLOW = "aliyun_response_exporter_label_overflow_total";

describe("ExporterMetrics per-batch counting", () => {
  it("gives exact counter values after several batches", async () => {
    const m = new ExporterMetrics({ processMetrics: false });
    m.recordBatch(
      "app",
      [response(), response(), success()],
      counts({ responses: 3, bytes: 300, lines: 4, malformed: 1 }),
    );
    m.recordBatch(
      "app",
      [response({ code: "InternalError", status: 500, category: "server_error", hostId: null }), success()],
      counts({ responses: 2, bytes: 200, lines: 3, nonResponse: 1 }),
    );
    m.recordBatch(
      "web",
      [response()],
      counts({ responses: 1, bytes: 50, lines: 1, oversized: 2, duplicate: 1 }),
    );
    m.recordBatch("app", [], counts({ bytes: 7, lines: 1, nonResponse: 1 }));

    const s = await scrape(m);
    const throttled = {
      action: "DescribeScalingGroups",
      code: "Throttling.User",
      status: "400",
      category: "throttling",
    };
    expect(value(s, RESPONSES, throttled)).toBe(3);
    expect(value(s, RESPONSES, { code: "", status: "unknown", category: "success" })).toBe(2);
    expect(value(s, RESPONSES, { code: "InternalError", status: "500", category: "server_error" })).toBe(1);
    expect(s.filter((x) => x.name === RESPONSES)).toHaveLength(3);

    // Errors only, by HostId; a missing HostId is the empty endpoint.
    expect(value(s, ENDPOINT_ERRORS, { endpoint: "ess.aliyuncs.com", code: "Throttling.User" })).toBe(3);
    expect(value(s, ENDPOINT_ERRORS, { endpoint: "", code: "InternalError", category: "server_error" })).toBe(
      1,
    );
    expect(s.filter((x) => x.name === ENDPOINT_ERRORS)).toHaveLength(2);

    expect(value(s, RECORDS, { source: "app", result: "response" })).toBe(5);
    expect(value(s, RECORDS, { source: "app", result: "malformed" })).toBe(1);
    expect(value(s, RECORDS, { source: "app", result: "non_response" })).toBe(2);
    expect(value(s, RECORDS, { source: "web", result: "oversized" })).toBe(2);
    expect(value(s, RECORDS, { source: "web", result: "duplicate" })).toBe(1);
    expect(value(s, RECORDS, { source: "web", result: "malformed" })).toBe(0);
    expect(value(s, "aliyun_response_exporter_bytes_read_total", { source: "app" })).toBe(507);
    expect(value(s, "aliyun_response_exporter_bytes_read_total", { source: "web" })).toBe(50);
  });

  it("pushes only the new counts at each scrape, whichever format is scraped in between", async () => {
    const m = new ExporterMetrics({ processMetrics: false });
    m.recordBatch("app", [response(), response()], counts({ responses: 2 }));
    expect(value(await scrape(m), RESPONSES)).toBe(2);
    expect(value(await scrape(m, true), RESPONSES)).toBe(2);
    m.recordBatch("app", [response()], counts({ responses: 1 }));
    expect(value(await scrape(m, true), RESPONSES)).toBe(3);
    expect(value(await scrape(m, true), RESPONSES)).toBe(3);
    m.recordBatch("app", [response(), response(), response()], counts({ responses: 3 }));
    // The plain view missed one scrape: it catches up with both batches at once.
    expect(value(await scrape(m), RESPONSES)).toBe(6);
    expect(value(await scrape(m), RESPONSES)).toBe(6);
    expect(value(await scrape(m, true), RESPONSES)).toBe(6);
  });

  it("keeps the _total names in plain text after an OpenMetrics scrape", async () => {
    const m = new ExporterMetrics({ processMetrics: false });
    m.recordBatch("app", [response()], counts({ responses: 1 }));
    await m.metricsText(true);
    const plain = (await m.metricsText(false)).body;
    for (const name of METRIC_NAMES) expect(plain).toContain(`# TYPE ${name} `);
    expect(plain).toMatch(/^aliyun_api_responses_total\{/m);
  });

  it("uses its own registries, never prom-client's global one, so instances coexist", async () => {
    const a = new ExporterMetrics();
    const b = new ExporterMetrics();
    a.recordBatch("app", [response()], counts({ responses: 1 }));
    expect(value(await scrape(a), RESPONSES)).toBe(1);
    expect(value(await scrape(b), RESPONSES)).toBeUndefined();
    expect(globalRegistry.getMetricsAsArray()).toHaveLength(0);
  });

  it("serves every catalogued metric, prom-client's process metrics unless turned off, and build_info", async () => {
    const m = new ExporterMetrics({ version: "1.2.3", sourceLabels: { app: {} } });
    const text = (await m.metricsText(false)).body;
    for (const name of METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(value(parseSamples(text), "aliyun_response_exporter_build_info", { version: "1.2.3" })).toBe(1);
    const bare = (await new ExporterMetrics({ processMetrics: false }).metricsText(false)).body;
    expect(bare).not.toContain("process_cpu_user_seconds_total");
    expect(bare).toContain('aliyun_response_exporter_build_info{version="unknown"} 1');
  });

  it("shows configured sources at zero before anything is read", async () => {
    const m = new ExporterMetrics({ processMetrics: false, sourceLabels: { app: {}, web: {} } });
    const s = await scrape(m);
    for (const source of ["app", "web"]) {
      for (const result of ["response", "malformed", "non_response", "oversized", "duplicate"]) {
        expect(value(s, RECORDS, { source, result })).toBe(0);
      }
      expect(value(s, "aliyun_response_exporter_file_rotations_total", { source })).toBe(0);
    }
    expect(value(s, OVERFLOW, { label: "action" })).toBe(0);
  });

  it("counts the self-metrics", async () => {
    const m = new ExporterMetrics({ processMetrics: false });
    m.rotation("app");
    m.rotation("app");
    m.truncation("app");
    m.readError("web");
    m.filesWatched(3);
    m.filesWatched(2);
    m.checkpointWrite(true);
    m.checkpointWrite(true);
    m.checkpointWrite(false);
    for (const openMetrics of [false, true]) {
      const s = await scrape(m, openMetrics);
      expect(value(s, "aliyun_response_exporter_file_rotations_total", { source: "app" })).toBe(2);
      expect(value(s, "aliyun_response_exporter_file_truncations_total", { source: "app" })).toBe(1);
      expect(value(s, "aliyun_response_exporter_read_errors_total", { source: "web" })).toBe(1);
      expect(value(s, "aliyun_response_exporter_read_errors_total", { source: "app" })).toBe(0);
      expect(value(s, "aliyun_response_exporter_files_watched")).toBe(2);
      expect(value(s, "aliyun_response_exporter_checkpoint_writes_total")).toBe(2);
      expect(value(s, "aliyun_response_exporter_checkpoint_errors_total")).toBe(1);
    }
  });

  it("sums a snapshot for the status page and analyze", () => {
    const m = new ExporterMetrics({ processMetrics: false });
    m.recordBatch(
      "app",
      [
        response(),
        response({ code: "Forbidden.RAM", status: 403, category: "auth_error" }),
        success(),
        success(),
      ],
      counts({ lines: 6, bytes: 600, responses: 4, malformed: 1, nonResponse: 1 }),
    );
    m.recordBatch(
      "web",
      [success({ status: 200 })],
      counts({ lines: 1, bytes: 10, responses: 1, duplicate: 1 }),
    );
    expect(m.snapshot()).toEqual({
      lines: 7,
      bytes: 610,
      responses: 5,
      success: 3,
      errors: 2,
      throttled: 1,
      // The categories seen, as in `analyze --json` (the totals of both: src/core/totals.ts).
      byCategory: { success: 3, throttling: 1, auth_error: 1 },
      byCode: { "Throttling.User": 1, "Forbidden.RAM": 1, "": 3 },
      byStatus: { "400": 1, "403": 1, unknown: 2, "200": 1 },
      byAction: { DescribeScalingGroups: 5 },
      unrecognizedLines: 2,
      malformedLines: 1,
      nonResponseLines: 1,
      oversizedLines: 0,
      duplicates: 1,
      labelOverflow: { action: 0, code: 0, endpoint: 0, series: 0 },
    });
  });
});

describe("label caps", () => {
  it("replaces values past the cap by __other__ and counts each replaced value", async () => {
    const m = new ExporterMetrics({ processMetrics: false, labelCaps: { action: 2, code: 1, endpoint: 1 } });
    m.recordBatch(
      "app",
      [
        response({ action: "A", hostId: "h1" }),
        response({ action: "B", hostId: "h2" }),
        response({ action: "C", hostId: "h1" }),
        response({ action: "D", hostId: "h3" }),
      ],
      counts({ responses: 4 }),
    );
    m.recordBatch(
      "app",
      [
        response({ action: "C", code: "InvalidParameter", category: "client_error" }),
        response({ action: "A" }),
      ],
      counts({ responses: 2 }),
    );
    const s = await scrape(m);
    expect(value(s, RESPONSES, { action: "A" })).toBe(2);
    expect(value(s, RESPONSES, { action: "B" })).toBe(1);
    // C, D, C again; the code cap (1) also folds InvalidParameter into __other__.
    expect(value(s, RESPONSES, { action: "__other__", code: "Throttling.User" })).toBe(2);
    expect(value(s, RESPONSES, { action: "__other__", code: "__other__", category: "client_error" })).toBe(1);
    expect(value(s, OVERFLOW, { label: "action" })).toBe(3);
    // One replacement per record, although the code feeds two metrics.
    expect(value(s, OVERFLOW, { label: "code" })).toBe(1);

    expect(value(s, ENDPOINT_ERRORS, { endpoint: "h1", code: "Throttling.User" })).toBe(2);
    // h2, h3 and the default host of the last batch.
    expect(value(s, ENDPOINT_ERRORS, { endpoint: "__other__", code: "Throttling.User" })).toBe(3);
    expect(value(s, ENDPOINT_ERRORS, { endpoint: "__other__", code: "__other__" })).toBe(1);
    expect(value(s, OVERFLOW, { label: "endpoint" })).toBe(4);
    expect(m.snapshot().labelOverflow).toEqual({ action: 3, code: 1, endpoint: 4, series: 0 });
  });

  it("shares one cap across sources and keeps admitted values for later batches", async () => {
    const m = new ExporterMetrics({
      processMetrics: false,
      labelCaps: { action: 1 },
      sourceLabels: { app: { team: "a" }, web: { team: "w" } },
    });
    m.recordBatch("app", [response({ action: "A" })], counts({ responses: 1 }));
    m.recordBatch("web", [response({ action: "B" }), response({ action: "A" })], counts({ responses: 2 }));
    const s = await scrape(m);
    expect(value(s, RESPONSES, { action: "A", team: "a" })).toBe(1);
    expect(value(s, RESPONSES, { action: "A", team: "w" })).toBe(1);
    expect(value(s, RESPONSES, { action: "__other__", team: "w" })).toBe(1);
    expect(value(s, OVERFLOW, { label: "action" })).toBe(1);
  });

  it("rejects a cap that is not a non-negative integer", () => {
    expect(() => new ExporterMetrics({ labelCaps: { code: -1 } })).toThrow(/code.*non-negative integer/);
  });
});

describe("exemplars", () => {
  it("carries {request_id, host_id} of the latest error in OpenMetrics, and nothing in plain text", async () => {
    const m = new ExporterMetrics({ processMetrics: false });
    m.recordBatch(
      "app",
      [
        response({ requestId: "R-1" }),
        response({ requestId: "R-2", hostId: "ess.cn-hangzhou.aliyuncs.com" }),
        success(),
      ],
      counts({ responses: 3 }),
    );
    const before = Date.now() / 1000;
    const open = await m.metricsText(true);
    expect(open.contentType).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(open.body.endsWith("# EOF\n")).toBe(true);
    const s = parseSamples(open.body);
    const error = sample(s, RESPONSES, { category: "throttling" });
    expect(error?.value).toBe(2);
    // The exemplar stands for one response, not for the batch's increment.
    expect(error?.exemplar?.labels).toEqual({ request_id: "R-2", host_id: "ess.cn-hangzhou.aliyuncs.com" });
    expect(error?.exemplar?.value).toBe(1);
    expect(error?.exemplar?.timestamp).toBeGreaterThanOrEqual(Math.floor(before));
    const endpoint = sample(s, ENDPOINT_ERRORS, { endpoint: "ess.cn-hangzhou.aliyuncs.com" });
    expect(endpoint?.exemplar?.labels).toEqual({
      request_id: "R-2",
      host_id: "ess.cn-hangzhou.aliyuncs.com",
    });
    expect(sample(s, RESPONSES, { category: "success" })?.exemplar).toBeUndefined();

    m.recordBatch("app", [response({ requestId: "R-3", hostId: null })], counts({ responses: 1 }));
    const later = sample(await scrape(m, true), RESPONSES, { category: "throttling" });
    expect(later?.value).toBe(3);
    expect(later?.exemplar?.labels).toEqual({ request_id: "R-3", host_id: "" });

    const plain = await m.metricsText(false);
    expect(plain.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(plain.body).not.toContain("request_id");
    expect(plain.body).not.toContain("# EOF");
    expect(sample(parseSamples(plain.body), RESPONSES, { category: "throttling" })?.exemplar).toBeUndefined();
  });

  it("shortens ids to the OpenMetrics limit of 128 characters instead of failing the scrape", async () => {
    const m = new ExporterMetrics({ processMetrics: false });
    const requestId = "R".repeat(100);
    m.recordBatch("app", [response({ requestId, hostId: "h".repeat(100) })], counts({ responses: 1 }));
    const ex = sample(await scrape(m, true), RESPONSES)?.exemplar;
    expect(ex?.labels.request_id).toBe(requestId);
    const size = Object.entries(ex?.labels ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(size).toBe(128);
  });
});

describe("static labels of the sources", () => {
  it("adds the union of the sources' labels, empty where a source lacks one", async () => {
    const m = new ExporterMetrics({
      processMetrics: false,
      sourceLabels: { app: { team: "payments", env: "prod" }, web: { cluster: "hz-1" } },
    });
    m.recordBatch("app", [response()], counts({ responses: 1 }));
    m.recordBatch("web", [response()], counts({ responses: 1 }));
    m.recordBatch("stdin", [response()], counts({ responses: 1 }));
    const s = (await scrape(m)).filter((x) => x.name === RESPONSES);
    const labelSets = s.map(({ labels: { team, env, cluster } }) => ({ team, env, cluster }));
    expect(labelSets).toEqual([
      { team: "payments", env: "prod", cluster: "" },
      { team: "", env: "", cluster: "hz-1" },
      { team: "", env: "", cluster: "" },
    ]);
    // Static labels are not on the endpoint metric.
    expect(sample(await scrape(m), ENDPOINT_ERRORS)?.labels).toEqual({
      endpoint: "ess.aliyuncs.com",
      code: "Throttling.User",
      category: "throttling",
    });
  });

  it("rejects invalid or clashing label names, each with its path", () => {
    let caught: unknown;
    try {
      new ExporterMetrics({
        sourceLabels: { app: { code: "x", "bad-name": "y", __reserved: "z", ok: "1" } },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).problems).toEqual([
      'sources.app.labels.code: "code" is reserved: the exporter sets it (action, code, status, category)',
      'sources.app.labels.bad-name: "bad-name" is not a valid Prometheus label name (letters, digits and _, not starting with a digit)',
      'sources.app.labels.__reserved: "__reserved" is reserved: names starting with __ belong to Prometheus',
    ]);
  });
});

describe("first sample at zero", () => {
  it("serves a new API series at 0 for the hold, then its count, in both formats", async () => {
    let now = 1_700_000_000_000;
    const m = new ExporterMetrics({ processMetrics: false, newSeriesHoldMs: 30_000, now: () => now });
    m.recordBatch("app", [response({ requestId: "R-1" })], counts({ responses: 1 }));
    // First scrape (either format) starts the hold: every scraper within it sees the 0.
    expect(value(await scrape(m, true), RESPONSES)).toBe(0);
    expect(sample(await scrape(m, true), RESPONSES)?.exemplar).toBeUndefined();
    now += 10_000;
    expect(value(await scrape(m), RESPONSES)).toBe(0);
    expect(value(await scrape(m), ENDPOINT_ERRORS)).toBe(0);
    m.recordBatch("app", [response({ requestId: "R-2" })], counts({ responses: 1 }));
    now += 19_999;
    expect(value(await scrape(m, true), RESPONSES)).toBe(0);
    now += 1;
    // Only delayed, never lost.
    expect(value(await scrape(m), RESPONSES)).toBe(2);
    const open = await scrape(m, true);
    expect(value(open, RESPONSES)).toBe(2);
    expect(sample(open, RESPONSES)?.exemplar?.labels.request_id).toBe("R-2");
    expect(value(open, ENDPOINT_ERRORS)).toBe(2);
    // Self-metrics have no hold: they exist from the start.
    expect(value(await scrape(m), RECORDS, { source: "app", result: "response" })).toBe(2);
  });

  it("lets both replicas of an HA pair see the 0 when the hold is one scrape interval", async () => {
    let now = 0;
    const interval = 15_000;
    const m = new ExporterMetrics({ processMetrics: false, newSeriesHoldMs: interval, now: () => now });
    // Replica A scrapes at 0, 15, 30 … s; replica B 14.9 s after A (the worst offset), in OpenMetrics.
    const seen = { a: [] as (number | undefined)[], b: [] as (number | undefined)[] };
    m.recordBatch("app", [response({ code: "New.Code" })], counts({ responses: 1 }));
    for (let t = 0; t < 4 * interval; t += interval) {
      now = t + 1;
      seen.a.push(value(await scrape(m), RESPONSES, { code: "New.Code" }));
      now = t + 1 + interval - 100;
      seen.b.push(value(await scrape(m, true), RESPONSES, { code: "New.Code" }));
    }
    expect(seen.a[0]).toBe(0);
    expect(seen.b[0]).toBe(0);
    expect(seen.a.at(-1)).toBe(1);
    expect(seen.b.at(-1)).toBe(1);
  });

  it("holds each new series on its own: an old series counts at once, a new one starts at 0", async () => {
    let now = 1_000_000;
    const m = new ExporterMetrics({ processMetrics: false, newSeriesHoldMs: 5_000, now: () => now });
    m.recordBatch("app", [success()], counts({ responses: 1 }));
    await scrape(m);
    now += 5_000;
    m.recordBatch("app", [success(), response({ code: "Brand.New" })], counts({ responses: 2 }));
    const s = await scrape(m);
    expect(value(s, RESPONSES, { category: "success" })).toBe(2);
    expect(value(s, RESPONSES, { code: "Brand.New" })).toBe(0);
    now += 5_000;
    expect(value(await scrape(m), RESPONSES, { code: "Brand.New" })).toBe(1);
  });

  it("writes _created (seconds) after each sample under OpenMetrics, never in plain text", async () => {
    const m = new ExporterMetrics({ processMetrics: false, now: () => 1_700_000_000_250 });
    m.recordBatch("app", [response()], counts({ responses: 1 }));
    const open = (await m.metricsText(true)).body;
    const lines = open.split("\n");
    const total = lines.findIndex((l) => l.startsWith("aliyun_api_responses_total{"));
    expect(lines[total]).toMatch(/^aliyun_api_responses_total\{action="DescribeScalingGroups",.*\} 1 # \{/);
    expect(lines[total + 1]).toBe(
      `aliyun_api_responses_created${(lines[total] ?? "").slice("aliyun_api_responses_total".length).split("} ")[0]}} 1700000000.250`,
    );
    expect(open).toContain("# TYPE aliyun_api_responses counter\n");
    expect(open).toMatch(
      /^aliyun_response_exporter_records_created\{source="app",result="response"\} 1700000000\.250$/m,
    );
    expect((await m.metricsText(false)).body).not.toContain("_created");
  });
});

describe("bounds on series and label values", () => {
  it("sends label sets past maxSeries to one overflow series per metric, counted as label=series", async () => {
    const m = new ExporterMetrics({
      processMetrics: false,
      maxSeries: 3,
      sourceLabels: { app: { team: "a" } },
    });
    const batch = Array.from({ length: 10 }, (_, i) => response({ code: `Code.${i}`, hostId: `h${i}` }));
    m.recordBatch("app", batch, counts({ responses: 10 }));
    m.recordBatch("app", batch.slice(0, 4), counts({ responses: 4 }));
    const s = await scrape(m);
    const series = s.filter((x) => x.name === RESPONSES);
    expect(series).toHaveLength(4);
    expect(value(s, RESPONSES, { code: "Code.0" })).toBe(2);
    expect(value(s, RESPONSES, { code: "Code.2" })).toBe(2);
    const other = { action: "__other__", code: "__other__", status: "__other__", category: "__other__" };
    expect(sample(s, RESPONSES, other)?.labels).toEqual({ ...other, team: "__other__" });
    expect(value(s, RESPONSES, other)).toBe(8);
    expect(s.filter((x) => x.name === ENDPOINT_ERRORS)).toHaveLength(4);
    expect(
      value(s, ENDPOINT_ERRORS, { endpoint: "__other__", code: "__other__", category: "__other__" }),
    ).toBe(8);
    expect(value(s, OVERFLOW, { label: "series" })).toBe(16);
    expect(m.snapshot().responses).toBe(14);
    expect(m.snapshot().errors).toBe(6);
  });

  it("cuts action, code and endpoint values to maxLabelValueLength characters", async () => {
    const m = new ExporterMetrics({ processMetrics: false, maxLabelValueLength: 10 });
    const code = "X".repeat(65_536);
    m.recordBatch("app", [response({ code, action: "A".repeat(50), hostId: "h".repeat(30) })], counts({}));
    m.recordBatch("app", [response({ code, action: "A".repeat(50), hostId: "h".repeat(30) })], counts({}));
    const text = (await m.metricsText(false)).body;
    expect(text.length).toBeLessThan(20_000);
    const s = parseSamples(text);
    expect(value(s, RESPONSES, { code: "XXXXXXXXXX", action: "AAAAAAAAAA" })).toBe(2);
    expect(value(s, ENDPOINT_ERRORS, { endpoint: "hhhhhhhhhh", code: "XXXXXXXXXX" })).toBe(2);
  });
});
