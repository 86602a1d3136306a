import { connect } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, emptyCounts } from "../../src/core/records.js";
import { ExporterMetrics } from "../../src/metrics/exporter-metrics.js";
import { type RunningServer, startServer } from "../../src/server/http-server.js";
import { RecentErrors } from "../../src/server/recent-errors.js";
import { throttlingResponse } from "../helpers/api-response.js";

const PROMETHEUS_ACCEPT =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

let seq = 0;
function response(over: Partial<ApiResponse> = {}): ApiResponse {
  seq++;
  return throttlingResponse({
    requestId: `6F2F3E1C-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    lineStart: seq,
    lineEnd: seq,
    ...over,
  });
}

/** Sends raw bytes and resolves with everything the server wrote before it closed the socket. */
function raw(port: number, data: string, { end = true } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => {
      out += d;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(out));
    socket.write(data);
    if (end) socket.end();
  });
}

describe("HTTP server", () => {
  const metrics = new ExporterMetrics({ version: "9.9.9", sourceLabels: { app: { team: "ops" } } });
  const recent = new RecentErrors(50);
  const logLines: string[] = [];
  let ready = false;
  let statusFails = false;
  let server: RunningServer;

  beforeAll(async () => {
    const batch = [
      response({ requestId: "REQ-A" }),
      response({ requestId: "REQ-B", code: "InternalError", status: 500, category: "server_error" }),
      response({ requestId: "REQ-OK", code: "", status: 200, category: "success", error: false }),
      response({
        requestId: "REQ-<script>",
        code: 'Evil"<b>',
        message: "<script>alert('x')</script> & more",
        action: "<img src=x onerror=alert(1)>",
        category: "client_error",
      }),
    ];
    metrics.recordBatch("app", batch, {
      ...emptyCounts(),
      responses: batch.length,
      lines: 5,
      bytes: 999,
      malformed: 1,
    });
    recent.add(batch, "app");
    server = await startServer({
      host: "127.0.0.1",
      port: 0,
      metrics,
      recentErrors: recent,
      isReady: () => ready,
      status: () => {
        if (statusFails) throw new Error("status exploded");
        return { version: "9.9.9", sources: ["app"], note: "<i>escaped</i>" };
      },
      requestTimeoutMs: 1_000,
      headersTimeoutMs: 300,
      logger: pino({ level: "warn" }, { write: (line: string) => logLines.push(line) }),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("listens on the port it was given (0 → a free one) and reports its URL", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("GET /metrics serves Prometheus text without exemplars by default", async () => {
    for (const accept of [undefined, "text/plain;version=0.0.4", "*/*"]) {
      const res = await fetch(`${server.url}/metrics`, { headers: accept ? { accept } : {} });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const body = await res.text();
      expect(body).toMatch(
        /^aliyun_api_responses_total\{action="DescribeScalingGroups",code="Throttling.User",status="400",category="throttling",team="ops"\} 1$/m,
      );
      expect(body).toContain("process_cpu_user_seconds_total");
      expect(body).not.toContain("request_id");
    }
  });

  it("GET /metrics serves OpenMetrics with exemplars when Prometheus asks for it", async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
    expect(res.headers.get("vary")).toBe("Accept");
    const body = await res.text();
    expect(body.endsWith("# EOF\n")).toBe(true);
    expect(body).toMatch(
      /^aliyun_api_responses_total\{[^}]*code="Throttling.User"[^}]*\} 1 # \{request_id="REQ-A",host_id="ess.aliyuncs.com"\} 1 \d+(\.\d+)?$/m,
    );
    expect(body).toMatch(
      /^aliyun_api_endpoint_errors_total\{endpoint="ess.aliyuncs.com",code="InternalError",category="server_error"\} 1 # \{request_id="REQ-B",host_id="ess.aliyuncs.com"\} 1 /m,
    );
    // Successes carry no exemplar.
    expect(body).toMatch(/^aliyun_api_responses_total\{[^}]*category="success"[^}]*\} 1$/m);
  });

  it("GET /healthz is 200 ok", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("GET /readyz follows isReady()", async () => {
    ready = false;
    const before = await fetch(`${server.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.text()).toBe("not ready\n");
    ready = true;
    const after = await fetch(`${server.url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.text()).toBe("ready\n");
  });

  it("GET /api/v1/recent-errors lists error responses newest first, with ?limit", async () => {
    const res = await fetch(`${server.url}/api/v1/recent-errors`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const { errors } = (await res.json()) as { errors: Record<string, unknown>[] };
    expect(errors.map((e) => e.requestId)).toEqual(["REQ-<script>", "REQ-B", "REQ-A"]);
    expect(errors[2]).toEqual({
      requestId: "REQ-A",
      hostId: "ess.aliyuncs.com",
      code: "Throttling.User",
      message: "Request was denied due to user flow control.",
      status: 400,
      action: "DescribeScalingGroups",
      category: "throttling",
      time: "2026-01-02T03:04:05.000Z",
      timeSource: "log",
      source: "app",
    });
    const limited = (await (await fetch(`${server.url}/api/v1/recent-errors?limit=2`)).json()) as {
      errors: { requestId: string }[];
    };
    expect(limited.errors.map((e) => e.requestId)).toEqual(["REQ-<script>", "REQ-B"]);
    for (const bad of ["-1", "abc", "1.5", ""]) {
      const r = await fetch(`${server.url}/api/v1/recent-errors?limit=${bad}`);
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({ error: "limit must be a non-negative integer" });
    }
  });

  it("GET / is a self-contained status page that escapes every value from the logs", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("REQ-&lt;script&gt;");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more");
    expect(html).toContain("Evil&quot;&lt;b&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;i&gt;escaped&lt;/i&gt;");
    expect(html).not.toMatch(/<script|<img|<i>/);
    // No external assets.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<link|<script/);
    // Totals since start: 4 responses, 3 errors (75 %), 1 throttled (25 %).
    expect(html).toMatch(/<th>responses<\/th><td class="num">4<\/td>/);
    expect(html).toMatch(/<th>errors<\/th><td class="num">3 \(75.0 %\)<\/td>/);
    expect(html).toMatch(/<th>throttled<\/th><td class="num">1 \(25.0 %\)<\/td>/);
  });

  it("answers HEAD like GET, without a body", async () => {
    for (const path of ["/metrics", "/healthz", "/readyz", "/api/v1/recent-errors", "/"]) {
      const get = await fetch(`${server.url}${path}`);
      const head = await fetch(`${server.url}${path}`, { method: "HEAD" });
      expect(head.status).toBe(get.status);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(await head.text()).toBe("");
      await get.arrayBuffer();
    }
  });

  it("answers other methods with 405 and Allow, other paths with 404", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const res = await fetch(`${server.url}/metrics`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      await res.arrayBuffer();
    }
    for (const path of ["/nope", "/metrics/", "/api/v1/recent-errors/x", "/index.html", "//metrics"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    }
    const post404 = await fetch(`${server.url}/nope`, { method: "POST", body: "x" });
    expect(post404.status).toBe(404);
  });

  it("survives garbage requests and a failing status() with an error status, and keeps serving", async () => {
    expect(await raw(server.port, "\x00\x01garbage\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(server.port, `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431 /,
    );
    statusFails = true;
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(500);
    statusFails = false;
    expect(logLines.some((l) => l.includes("HTTP request failed") && l.includes("status exploded"))).toBe(
      true,
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("closes a connection whose headers do not arrive in time (408)", async () => {
    const started = Date.now();
    const answer = await raw(server.port, "GET /metrics HTTP/1.1\r\nHost: x\r\n", { end: false });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // headersTimeoutMs 300, checked every 150 ms.
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("startServer options", () => {
  it("refuses a headers timeout longer than the request timeout", async () => {
    const options = {
      host: "127.0.0.1",
      port: 0,
      metrics: new ExporterMetrics({ processMetrics: false }),
      recentErrors: new RecentErrors(1),
      isReady: () => true,
    };
    await expect(startServer({ ...options, requestTimeoutMs: 100, headersTimeoutMs: 200 })).rejects.toThrow(
      /headersTimeoutMs \(200\) must not exceed requestTimeoutMs \(100\)/,
    );
  });

  it("rejects when the port is taken, and close() frees it", async () => {
    const options = {
      host: "127.0.0.1",
      port: 0,
      metrics: new ExporterMetrics({ processMetrics: false }),
      recentErrors: new RecentErrors(1),
      isReady: () => true,
    };
    const first = await startServer(options);
    await expect(startServer({ ...options, port: first.port })).rejects.toThrow(/EADDRINUSE/);
    // A keep-alive client must not hold close() up.
    await fetch(`${first.url}/healthz`);
    await first.close();
    const again = await startServer({ ...options, port: first.port });
    expect(again.port).toBe(first.port);
    await again.close();
  });
});
