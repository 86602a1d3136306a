/**
 * Starts `node dist/cli.js run --config FILE` as a user would and stops it by its pid. Every child and
 * temp dir is registered here, so that `cleanupAll()` (called from the runner's `finally`, and on
 * SIGINT/SIGTERM or exit of the bench) leaves nothing behind even when a measurement throws.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const live = new Set();
const dirs = new Set();
const START_TIMEOUT_MS = 15_000;
/** The product promises a clean stop within 5 s; one more second before SIGKILL. */
const STOP_TIMEOUT_MS = 6000;

export function tempDir(tag) {
  const dir = mkdtempSync(join(tmpdir(), `sidecar-bench-${tag}-`));
  dirs.add(dir);
  return dir;
}

function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/**
 * The config of the brief: loopback on port 0, one source, the default poll interval, no checkpoints.
 * JSON is valid YAML, which spares quoting the paths.
 */
export function writeConfig(dir, paths, { startAt = "beginning", pollIntervalMs = 250 } = {}) {
  const file = join(dir, "sidecar.yaml");
  const config = {
    listen: "127.0.0.1:0",
    logLevel: "info",
    sources: [{ name: "app", paths, startAt, pollIntervalMs }],
    checkpoint: { dir: null },
    // New API series are served at their count at once (README "First sample at zero"): the bench
    // compares their sums with the truth as soon as every record is read.
    metrics: { newSeriesHoldMs: 0 },
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/**
 * Spawns the exporter and resolves once its start-up line is logged: `{ pid, url, spawnedAt, startedAt,
 * stop() }` (times from performance.now()). Environment overrides of the product are dropped so the
 * config file alone decides.
 */
export function startExporter(cli, configFile) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("ALIYUN_RESPONSE_EXPORTER_")) delete env[key];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [cli, "run", "--config", configFile], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
  const exporter = {
    pid: child.pid,
    url: "",
    spawnedAt,
    startedAt: 0,
    exitCode: undefined,
    logTail: [],
    exited: new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        live.delete(exporter);
        exporter.exitCode = code ?? `signal ${signal}`;
        resolve(exporter.exitCode);
      }),
    ),
    stop: () => stopExporter(exporter, child),
    kill: () => child.kill("SIGKILL"),
  };
  live.add(exporter);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`exporter did not start in ${START_TIMEOUT_MS} ms:\n${exporter.logTail.join("\n")}`));
    }, START_TIMEOUT_MS);
    let rest = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text) => {
      const lines = (rest + text).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        exporter.logTail.push(line);
        if (exporter.logTail.length > 20) exporter.logTail.shift();
        if (exporter.url !== "") continue;
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (entry.msg === "aliyun-response-exporter started" && typeof entry.listen === "string") {
          exporter.startedAt = performance.now();
          exporter.url = entry.listen;
          clearTimeout(timer);
          resolve(exporter);
        }
      }
    });
    exporter.exited.then((code) => {
      clearTimeout(timer);
      if (exporter.url === "") {
        reject(new Error(`exporter exited (${code}) before starting:\n${exporter.logTail.join("\n")}`));
      }
    });
  });
}

/** SIGTERM, then SIGKILL after the grace time. Resolves to the exit code (0 after a clean stop). */
async function stopExporter(exporter, child) {
  if (exporter.exitCode !== undefined) return exporter.exitCode;
  child.kill("SIGTERM");
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([exporter.exited, late]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    child.kill("SIGKILL");
    await exporter.exited;
    return `no exit within ${STOP_TIMEOUT_MS} ms (killed)`;
  }
  return outcome;
}

/** Stops every exporter still running and removes every temp dir. Safe to call more than once. */
export async function cleanupAll() {
  await Promise.all([...live].map((e) => e.stop()));
  for (const dir of [...dirs]) removeDir(dir);
}

/** Synchronous last resort (process exit, signals): SIGKILL by pid, remove dirs. */
export function cleanupNow() {
  for (const e of live) e.kill();
  for (const dir of [...dirs]) removeDir(dir);
}
