import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { type ApiResponse, emptyCounts } from "../../src/core/records.js";
import { ExporterMetrics } from "../../src/metrics/exporter-metrics.js";
import { type RunningServer, startServer } from "../../src/server/http-server.js";
import { RecentErrors } from "../../src/server/recent-errors.js";
import { throttlingResponse } from "../helpers/api-response.js";

const promtool = process.env.PROMTOOL ?? "promtool";
const missing = spawnSync(promtool, ["--version"], { stdio: "ignore" }).error !== undefined;
if (missing && process.env.CI === "true") {
  throw new Error(`${promtool} is required when CI=true (Debian package "prometheus")`);
}
if (missing)
  console.warn(`promtool-metrics.test.ts: ${promtool} not found, skipped (install Debian's prometheus)`);

/** Responses with another endpoint and action than the helper's, so the exposition has both. */
const response = (over: Partial<ApiResponse>): ApiResponse =>
  throttlingResponse({ hostId: "ecs.cn-hangzhou.aliyuncs.com", action: "DescribeInstances", ...over });

/** `promtool check metrics` reads the exposition on stdin; exit 0 means no format or lint problem. */
function check(exposition: string): { status: number | null; output: string } {
  const run = spawnSync(promtool, ["check", "metrics"], { input: exposition, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(missing)("promtool check metrics", () => {
  it("accepts the /metrics exposition with data, static labels and awkward label values", async () => {
    const metrics = new ExporterMetrics({
      version: "0.1.0",
      labelCaps: { action: 3 },
      sourceLabels: { app: { team: "payments" }, web: { cluster: "hz-1" } },
    });
    const batch = [
      response({}),
      response({ code: "", status: "unknown", category: "success", error: false, hostId: null }),
      response({ code: "InternalError", status: 500, category: "server_error", hostId: null }),
      response({ action: 'Say"Hi"\\now\nnext', code: "Forbidden.RAM", status: 403, category: "auth_error" }),
      response({ action: "查询实例", code: "InvalidParameter", category: "client_error" }),
      response({ action: "OverTheCap" }),
    ];
    metrics.recordBatch("app", batch, {
      ...emptyCounts(),
      responses: batch.length,
      bytes: 1234,
      lines: 8,
      malformed: 2,
    });
    metrics.recordBatch("web", [response({})], { ...emptyCounts(), responses: 1, bytes: 10, lines: 1 });
    metrics.rotation("app");
    metrics.truncation("web");
    metrics.readError("app");
    metrics.filesWatched(2);
    metrics.checkpointWrite(true);
    metrics.checkpointWrite(false);

    // Through the real endpoint, as Prometheus would scrape it without OpenMetrics.
    let server: RunningServer | undefined;
    try {
      server = await startServer({
        host: "127.0.0.1",
        port: 0,
        metrics,
        recentErrors: new RecentErrors(10),
        isReady: () => true,
      });
      const exposition = await (await fetch(`${server.url}/metrics`)).text();
      expect(exposition).toContain('action="__other__"');
      expect(exposition).toContain("process_resident_memory_bytes");
      expect(check(exposition)).toEqual({ status: 0, output: "" });
    } finally {
      await server?.close();
    }
  });

  it("is a check that can fail", () => {
    const bad = "# TYPE x_total gauge\nx_total 1\n";
    expect(check(bad).status).not.toBe(0);
  });
});
