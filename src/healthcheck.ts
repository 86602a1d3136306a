/**
 * The `healthcheck` command: asks a running exporter's `/healthz` on the address its config gives,
 * over HTTPS when `server.tls` is set, and exits 0 (healthy) or 1 (not). The image's HEALTHCHECK
 * runs it, so a container with TLS or another port is checked where it really listens (README
 * "Docker").
 */
import * as http from "node:http";
import * as https from "node:https";
import { type Config, parseListen } from "./config/schema.js";

/** Below the HEALTHCHECK `--timeout` of the Dockerfile, so the command reports rather than is killed. */
const HEALTHCHECK_TIMEOUT_MS = 4000;

/** The loopback address to reach a listener bound to `host` (an unspecified address is any local one). */
function probeHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}

/** One GET of `/healthz`; resolves to an error message, or null when it answered 200. */
function probe(config: Config, timeoutMs: number): Promise<string | null> {
  const listen = parseListen(config.listen);
  if (listen === null || listen.port === 0) {
    return Promise.resolve(`listen ${config.listen}: no fixed port to check`);
  }
  const tls = config.server.tls !== null;
  const host = probeHost(listen.host);
  const options: https.RequestOptions = {
    host,
    port: listen.port,
    path: "/healthz",
    timeout: timeoutMs,
    // The probe talks to its own process on a local address that the certificate need not name.
    // No credentials are sent: the probes are exempt from basic auth (README "HTTP endpoints"),
    // so the password never leaves its file.
    ...(tls ? { rejectUnauthorized: false } : {}),
  };
  const url = `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${listen.port}/healthz`;
  return new Promise((resolve) => {
    const req = (tls ? https : http).get(options, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? null : `${url}: HTTP ${res.statusCode}`);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) => resolve(`${url}: ${err.message}`));
  });
}

/** 0 when the exporter configured by `config` answers `/healthz`, 1 otherwise (the reason on stderr). */
export async function runHealthcheck(config: Config, timeoutMs = HEALTHCHECK_TIMEOUT_MS): Promise<number> {
  const problem = await probe(config, timeoutMs);
  if (problem === null) return 0;
  process.stderr.write(`aliyun-response-exporter healthcheck: ${problem}\n`);
  return 1;
}
