/**
 * Runs the built CLI (`node dist/cli.js …`) the way a user does, for the integration tests of
 * issue 3: a daemon (`run`) whose start-up log line says where it listens, or a one-shot command
 * (`analyze`, `check-config`) with its exit code and output. Every process and temp dir made here is
 * tracked, so `cleanupCli()` in an afterEach kills and removes them even when a test failed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { sleep, waitUntil } from "./wait.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(REPO, "dist", "cli.js");

/** The variables the CLI reads; the tests' own environment must not leak into the child. */
const CLI_ENV = [
  "ALIYUN_RESPONSE_EXPORTER_CONFIG",
  "ALIYUN_RESPONSE_EXPORTER_LISTEN",
  "ALIYUN_RESPONSE_EXPORTER_LOG_LEVEL",
];

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  readonly cwd: string;
  /** Added to a copy of process.env from which the CLI's own variables were removed. */
  readonly env?: Readonly<Record<string, string>>;
  /** `pipe` to write into the child's stdin (`run -`, `analyze -`); default: no stdin. */
  readonly stdin?: "pipe" | "ignore";
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();

/** Fails with a clear message rather than a confusing spawn error when `npm run build` was not run. */
function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before these tests`);
}

function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLI_ENV) delete env[name];
  return { ...env, ...extra };
}

/** A temp dir removed by `cleanupCli()`. */
export async function makeTempDir(prefix = "are-cli-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** A running `node dist/cli.js …` with its output collected as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private out = "";
  private err = "";
  private exit: Exit | undefined;

  constructor(
    readonly args: readonly string[],
    options: SpawnOptions,
  ) {
    requireBuild();
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    });
    live.add(this.child);
    this.child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      this.out += d;
    });
    this.child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      this.err += d;
    });
    // A write after the child died (EPIPE) is the test's business, not an uncaught error.
    this.child.stdin?.on("error", () => {});
    this.exited = new Promise((resolve, reject) => {
      this.child.once("error", reject);
      // `close` (not `exit`): stdout and stderr are complete by then.
      this.child.once("close", (code, signal) => {
        live.delete(this.child);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The exit, once the process is gone; undefined while it runs. */
  get exitStatus(): Exit | undefined {
    return this.exit;
  }

  /** The pino JSON lines written on stderr so far (other lines are skipped). */
  logs(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.err.split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line still being written
      }
    }
    return out;
  }

  /** Log lines with this `msg` (and these fields, if given). */
  logsWith(msg: string, fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown>[] {
    return this.logs().filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
  }

  /**
   * The base URL from the start-up line ("aliyun-response-exporter started", `listen`), which is
   * where a port-0 listener says which port it got. Fails early, with stderr, if the process exits.
   */
  async url(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const started = this.logsWith("aliyun-response-exporter started")[0];
      if (typeof started?.listen === "string") return started.listen;
      if (this.exit !== undefined) {
        throw new Error(
          `the CLI exited (${JSON.stringify(this.exit)}) before it started listening; stderr:\n${this.err}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no start-up line within ${timeoutMs} ms (it is logged at info: is logLevel higher?); stderr so far:\n${this.err}`,
        );
      }
      await sleep(20);
    }
  }

  /** Sends a signal and waits for the exit; `ms` is how long the exit took after the signal. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10_000): Promise<Exit & { ms: number }> {
    const t0 = Date.now();
    if (this.exit === undefined) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no exit within ${timeoutMs} ms of ${signal}; stderr:\n${this.err}`)),
        timeoutMs,
      );
    });
    try {
      const exit = await Promise.race([this.exited, timeout]);
      return { ...exit, ms: Date.now() - t0 };
    } finally {
      clearTimeout(timer);
    }
  }
}

export function spawnCli(args: readonly string[], options: SpawnOptions): CliProcess {
  return new CliProcess(args, options);
}

export interface CliResult extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command that ends by itself (analyze, check-config, a `run` that must refuse to start). */
export async function runCli(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Readonly<Record<string, string>>;
    input?: string | Buffer;
    timeoutMs?: number;
  },
): Promise<CliResult> {
  const p = spawnCli(args, {
    cwd: options.cwd,
    ...(options.env ? { env: options.env } : {}),
    stdin: options.input === undefined ? "ignore" : "pipe",
  });
  if (options.input !== undefined) p.child.stdin?.end(options.input);
  const timeoutMs = options.timeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${args.join(" ")} did not exit within ${timeoutMs} ms; stderr:\n${p.stderr}`)),
      timeoutMs,
    );
  });
  try {
    const exit = await Promise.race([p.exited, timeout]);
    return { ...exit, stdout: p.stdout, stderr: p.stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** For afterEach: kills every CLI process still running (SIGKILL), waits for them, removes the temp dirs. */
export async function cleanupCli(): Promise<void> {
  const children = [...live];
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once("close", () => resolve());
          c.kill("SIGKILL");
        }),
    ),
  );
  live.clear();
  const all = [...dirs];
  dirs.clear();
  await Promise.all(all.map((d) => rm(d, { recursive: true, force: true })));
}

/** Waits until the daemon at `url` answers /readyz with 200: its sources have started. */
export async function waitReady(url: string): Promise<void> {
  await waitUntil(
    "/readyz 200",
    async () => (await fetch(`${url}/readyz`)).status,
    (s) => s === 200,
  );
}
