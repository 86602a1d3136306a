import { readFile } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { UsageError } from "../core/errors.js";
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "../core/limits.js";
import type { ExporterMetrics } from "../metrics/exporter-metrics.js";
import type { ResponseHistory } from "../metrics/history.js";
import { type BasicAuthCredentials, basicAuthChecker } from "./basic-auth.js";
import { wantsOpenMetrics } from "./content-negotiation.js";
import type { RecentErrors } from "./recent-errors.js";
import { renderStatusPage, type SourceRow } from "./status-page.js";

/** The part of a pino logger the server uses (a pino Logger fits). */
interface ServerLogger {
  warn(obj: object, msg: string): void;
}

export interface ServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly metrics: Pick<ExporterMetrics, "metricsText" | "snapshot">;
  readonly recentErrors: Pick<RecentErrors, "list">;
  /** `/readyz` answers 200 while this is true (config loaded, sources started), else 503. */
  isReady(): boolean;
  /**
   * Facts about the running exporter for the status page and `GET /api/v1/status` (version,
   * sources and their files, checkpoint and reload state…). `problems`, a list of lines, is
   * what is wrong now: shown in red, and in the body of `/readyz` (which stays 200).
   */
  status?(): Readonly<Record<string, unknown>>;
  /**
   * `POST /-/reload` (README "Reloading the configuration"): absent, the endpoint answers 403.
   * Resolves to the problems of a failed reload ([] when it was applied).
   */
  reload?(): Promise<readonly string[]>;
  /** The sources as the status page shows them (files, lag, read errors). */
  sources?(): readonly SourceRow[];
  /** Rates, the last hour and top codes/actions of the status page. */
  readonly history?: ResponseHistory;
  /** Whole request (headers and body) must arrive within this; default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Headers must arrive within this; default 5 s. Must not exceed requestTimeoutMs. */
  readonly headersTimeoutMs?: number;
  /** PEM files; when given the listener speaks HTTPS. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** When given, every path except /healthz and /readyz (probes) needs these credentials. */
  readonly basicAuth?: BasicAuthCredentials;
  readonly logger?: ServerLogger;
}

export interface RunningServer {
  /** Base URL to reach the server (an unspecified listen address is shown as loopback). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

type Route = (query: URLSearchParams, req: http.IncomingMessage) => Reply | Promise<Reply>;

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
const HTML = "text/html; charset=utf-8";
const ALLOW = "GET, HEAD";
/** Paths that stay open under basic auth: kubelet probes rarely carry credentials and these leak nothing. */
const PROBES = new Set(["/healthz", "/readyz"]);
const RELOAD_PATH = "/-/reload";
/** After close(), connections still busy this long are cut. */
const CLOSE_GRACE_MS = 2_000;

const text = (status: number, body: string): Reply => ({ status, type: TEXT, body: `${body}\n` });

function routes(options: ServerOptions): ReadonlyMap<string, Route> {
  return new Map<string, Route>([
    [
      "/metrics",
      async (_query, req) => {
        const { contentType, body } = await options.metrics.metricsText(wantsOpenMetrics(req.headers.accept));
        return { status: 200, type: contentType, body, headers: { Vary: "Accept" } };
      },
    ],
    ["/healthz", () => text(200, "ok")],
    [
      "/readyz",
      () => {
        if (!options.isReady()) return text(503, "not ready");
        // Never 503 for what the exporter sees (no files, failing checkpoints): in a sidecar that
        // would take the application out of service. The problems are said, loudly elsewhere too.
        const problems = statusProblems(options);
        return text(200, problems.length === 0 ? "ready" : `ready; problems:\n${problems.join("\n")}`);
      },
    ],
    [
      "/api/v1/status",
      () => ({
        status: 200,
        type: JSON_TYPE,
        body: `${JSON.stringify({ ready: options.isReady(), ...(options.status?.() ?? {}) })}\n`,
      }),
    ],
    [
      "/api/v1/recent-errors",
      (query) => {
        const raw = query.get("limit");
        if (raw !== null && !/^\d{1,9}$/.test(raw)) {
          const error = "limit must be a non-negative integer";
          return { status: 400, type: JSON_TYPE, body: `${JSON.stringify({ error })}\n` };
        }
        const errors = options.recentErrors.list(raw === null ? undefined : Number(raw));
        return { status: 200, type: JSON_TYPE, body: `${JSON.stringify({ errors })}\n` };
      },
    ],
    [
      "/",
      (query) => {
        options.history?.tick();
        const body = renderStatusPage({
          now: Date.now(),
          ready: options.isReady(),
          snapshot: options.metrics.snapshot(),
          ...(options.history ? { history: options.history } : {}),
          recent: options.recentErrors.list(),
          sources: options.sources?.() ?? [],
          details: options.status?.() ?? {},
          params: query,
        });
        const csp = "default-src 'none'; style-src 'unsafe-inline'";
        return { status: 200, type: HTML, body, headers: { "Content-Security-Policy": csp } };
      },
    ],
  ]);
}

function statusProblems(options: ServerOptions): string[] {
  const problems = options.status?.().problems;
  return Array.isArray(problems) ? problems.map(String) : [];
}

/** `POST /-/reload`, as Prometheus has it: 200 when applied, 500 with every problem when not. */
async function reloadReply(options: ServerOptions): Promise<Reply> {
  if (options.reload === undefined) {
    return text(403, "reload endpoint not enabled (start run with --enable-reload)");
  }
  const problems = await options.reload();
  if (problems.length === 0) return text(200, "configuration reloaded");
  return text(500, `reload failed; the running configuration is kept:\n${problems.join("\n")}`);
}

function send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    "Content-Type": reply.type,
    "Content-Length": Buffer.byteLength(reply.body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...reply.headers,
  });
  res.end(req.method === "HEAD" ? undefined : reply.body);
}

/** Starts the listener; resolves once it accepts connections. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = options.headersTimeoutMs ?? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  if (headersTimeout > requestTimeout) {
    throw new UsageError(
      `headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout})`,
    );
  }
  const table = routes(options);
  const authorized = options.basicAuth === undefined ? () => true : basicAuthChecker(options.basicAuth);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const route = table.get(path);
    if (!PROBES.has(path) && !authorized(req.headers.authorization)) {
      const challenge = 'Basic realm="aliyun-response-exporter", charset="UTF-8"';
      return send(req, res, { ...text(401, "unauthorized"), headers: { "WWW-Authenticate": challenge } });
    }
    if (path === RELOAD_PATH) {
      if (req.method !== "POST")
        return send(req, res, { ...text(405, "method not allowed"), headers: { Allow: "POST" } });
      req.resume(); // a body, if any, is not read
      return send(req, res, await reloadReply(options));
    }
    if (route === undefined) return send(req, res, text(404, "not found"));
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(req, res, { ...text(405, "method not allowed"), headers: { Allow: ALLOW } });
    }
    send(req, res, await route(new URLSearchParams(q < 0 ? "" : url.slice(q + 1)), req));
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      options.logger?.warn({ err, path: req.url }, "HTTP request failed");
      if (!res.headersSent) send(req, res, text(500, "internal error"));
      else res.destroy();
    });
  };

  const common: http.ServerOptions = {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: 5_000,
    // Node checks the two timeouts on this interval (default 30 s), so it bounds how late they fire.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 2))),
  };
  const server = options.tls
    ? // A TLS connection that never starts its handshake is held to the same bound as a plain one
      // that never sends its headers (Node's own handshake timeout is 120 s).
      await httpsServer({ ...common, handshakeTimeout: headersTimeout }, options.tls, listener)
    : http.createServer(common, listener);
  // A client that stops reading its response must not hold the socket forever.
  server.setTimeout(requestTimeout);

  await new Promise<void>((resolve, reject) => {
    // A failed host lookup does not say which port was asked for; the one-line message does.
    server.once("error", (err: NodeJS.ErrnoException & { port?: number }) =>
      reject(Object.assign(err, { port: err.port ?? options.port })),
    );
    server.listen(options.port, options.host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  server.on("error", (err) => options.logger?.warn({ err }, "HTTP server error"));

  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? "https" : "http"}://${urlHost(address.address)}:${address.port}`,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
      return closing;
    },
  };
}

async function httpsServer(
  common: https.ServerOptions,
  tls: { certFile: string; keyFile: string },
  listener: http.RequestListener,
): Promise<https.Server> {
  const files = await readTls(tls);
  try {
    return https.createServer({ ...common, ...files }, listener);
  } catch (err) {
    throw new UsageError(`tls: unusable certificate or key: ${(err as Error).message}`);
  }
}

async function readTls(tls: { certFile: string; keyFile: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (path: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new UsageError(`${what}: cannot read ${path}: ${(err as Error).message}`);
    }
  };
  return { cert: await read(tls.certFile, "tls.certFile"), key: await read(tls.keyFile, "tls.keyFile") };
}

function urlHost(address: string): string {
  if (address === "0.0.0.0") return "127.0.0.1";
  if (address === "::") return "[::1]";
  return address.includes(":") ? `[${address}]` : address;
}
