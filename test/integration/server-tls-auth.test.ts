import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { ExporterMetrics } from "../../src/metrics/exporter-metrics.js";
import { type RunningServer, type ServerOptions, startServer } from "../../src/server/http-server.js";
import { RecentErrors } from "../../src/server/recent-errors.js";
import { selfSignedCert, skipWithoutOpenssl } from "../helpers/openssl.js";

const opensslMissing = skipWithoutOpenssl("server-tls-auth.test.ts");

const base = (): Omit<ServerOptions, "tls" | "basicAuth"> => ({
  host: "127.0.0.1",
  port: 0,
  metrics: new ExporterMetrics({ processMetrics: false }),
  recentErrors: new RecentErrors(5),
  isReady: () => true,
});

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

describe("basic auth", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ ...base(), basicAuth: { username: "prom", password: "s3cr:et" } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("asks for credentials on every path but the probes", async () => {
    for (const path of ["/metrics", "/", "/api/v1/recent-errors", "/nope"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm="aliyun-response-exporter"/);
      await res.arrayBuffer();
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it("accepts the right credentials only", async () => {
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: basic("prom", "s3cr:et") } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("aliyun_response_exporter_build_info");
    for (const header of [
      basic("prom", "wrong"),
      basic("other", "s3cr:et"),
      basic("prom", "s3cr"),
      "Basic !!!",
      "Bearer abc",
      `Basic ${Buffer.from("prom").toString("base64")}`,
    ]) {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: header } });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
  });
});

describe.skipIf(opensslMissing)("TLS", () => {
  let dir: string;
  let cert: Buffer;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "are-tls-"));
    selfSignedCert(dir, "/CN=localhost", ["-addext", "subjectAltName=IP:127.0.0.1"]);
    cert = await readFile(join(dir, "cert.pem"));
    server = await startServer({
      ...base(),
      tls: { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") },
      basicAuth: { username: "u", password: "p" },
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { ca: cert, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });

  it("serves HTTPS with the given certificate, combined with basic auth", async () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    expect(await get("/healthz")).toEqual({ status: 200, body: "ok\n" });
    expect((await get("/metrics")).status).toBe(401);
    const metrics = await get("/metrics", { authorization: basic("u", "p") });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain("aliyun_api_responses_total");
  });

  it("does not answer plain HTTP on the TLS port", async () => {
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });

  it("reports unreadable or invalid certificate files as usage errors", async () => {
    const missing = startServer({
      ...base(),
      tls: { certFile: join(dir, "none.pem"), keyFile: join(dir, "key.pem") },
    });
    await expect(missing).rejects.toThrow(UsageError);
    await expect(missing).rejects.toThrow(/tls.certFile: cannot read .*none\.pem/);
    await writeFile(join(dir, "bad.pem"), "not a certificate");
    const bad = startServer({
      ...base(),
      tls: { certFile: join(dir, "bad.pem"), keyFile: join(dir, "key.pem") },
    });
    await expect(bad).rejects.toThrow(/tls: unusable certificate or key/);
  });
});
