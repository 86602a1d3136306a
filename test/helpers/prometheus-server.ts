/**
 * A real Prometheus server for end-to-end tests: free loopback ports, a child process that is always
 * stopped, and a small client for the HTTP API (queries, alerts, exemplars).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { waitUntil } from "./wait.js";

/** A port that was free a moment ago (bind 127.0.0.1:0, read the port, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** A child process whose output is kept (for failure messages) and that can be stopped for sure. */
export class ManagedProcess {
  private output = "";
  private readonly exited: Promise<void>;
  exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (d: Buffer): void => {
      // The tail is what explains a failure; cap it so a chatty process cannot grow the heap.
      this.output = (this.output + d.toString("utf8")).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code) => {
        this.exitCode = code;
        resolve();
      });
      child.on("error", (err) => {
        this.output += `\nspawn error: ${err.message}`;
        this.exitCode = -1;
        resolve();
      });
    });
    liveProcesses.add(this);
  }

  static spawn(name: string, command: string, args: readonly string[], cwd?: string): ManagedProcess {
    return new ManagedProcess(name, spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] }));
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  logs(): string {
    return this.output;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 5_000): Promise<void> {
    liveProcesses.delete(this);
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

// Last resort for a test process that dies without running afterAll: no orphaned servers.
const liveProcesses = new Set<ManagedProcess>();
process.once("exit", () => {
  for (const p of liveProcesses) p.child.kill("SIGKILL");
});

export interface StartPrometheusOptions {
  readonly binary: string;
  readonly configFile: string;
  readonly dataDir: string;
  readonly port: number;
}

/** Starts Prometheus on 127.0.0.1 with exemplar storage, and waits until it is ready. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<ManagedProcess> {
  const proc = ManagedProcess.spawn("prometheus", options.binary, [
    `--config.file=${options.configFile}`,
    `--storage.tsdb.path=${options.dataDir}`,
    `--web.listen-address=127.0.0.1:${options.port}`,
    "--enable-feature=exemplar-storage",
    "--log.level=warn",
  ]);
  const api = new PrometheusApi(`http://127.0.0.1:${options.port}`);
  await waitUntil(
    "Prometheus to be ready",
    async () => {
      if (!proc.running) throw new Error(`prometheus exited (${String(proc.exitCode)}):\n${proc.logs()}`);
      const res = await fetch(`${api.baseUrl}/-/ready`).catch(() => undefined);
      return res ? `HTTP ${res.status}` : "no connection";
    },
    (seen) => seen === "HTTP 200",
    30_000,
    250,
  );
  return proc;
}

export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}
export interface ActiveAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: "pending" | "firing" | "inactive";
  readonly value: string;
}
export interface ExemplarSeries {
  readonly seriesLabels: Readonly<Record<string, string>>;
  readonly exemplars: readonly {
    readonly labels: Readonly<Record<string, string>>;
    readonly value: string;
    readonly timestamp: number;
  }[];
}

/** The few endpoints of the Prometheus HTTP API the tests use; errors carry Prometheus's message. */
export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  private async get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success")
      throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? res.status}`);
    return body.data;
  }

  async query(expr: string): Promise<VectorSample[]> {
    const data = await this.get<{ resultType: string; result: VectorSample[] }>("/api/v1/query", {
      query: expr,
    });
    if (data.resultType !== "vector") throw new Error(`${expr}: expected a vector, got ${data.resultType}`);
    return data.result;
  }

  /** The value of a query that yields one sample, or undefined when it yields none. */
  async scalar(expr: string): Promise<number | undefined> {
    const result = await this.query(expr);
    if (result.length > 1) throw new Error(`${expr}: ${result.length} samples, expected at most one`);
    return result[0] ? Number(result[0].value[1]) : undefined;
  }

  async alerts(): Promise<ActiveAlert[]> {
    return (await this.get<{ alerts: ActiveAlert[] }>("/api/v1/alerts")).alerts;
  }

  async exemplars(expr: string, startSeconds: number, endSeconds: number): Promise<ExemplarSeries[]> {
    return this.get<ExemplarSeries[]>("/api/v1/query_exemplars", {
      query: expr,
      start: String(startSeconds),
      end: String(endSeconds),
    });
  }

  async targets(): Promise<{ health: string; lastError: string; scrapeUrl: string }[]> {
    return (
      await this.get<{ activeTargets: { health: string; lastError: string; scrapeUrl: string }[] }>(
        "/api/v1/targets",
      )
    ).activeTargets;
  }
}
