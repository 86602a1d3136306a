/**
 * Edge cases of `run` driven through the built CLI, from a review of the sidecar (issue 3): usage
 * errors, a rotated file's backlog, signals during start and stop, stdin open at stop and odd files
 * matched by the glob. The first two groups failed when written and name a bug each; the last holds
 * behaviour the review found correct and had no test yet.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, renameSync, truncateSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { snapshot } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, runCli, spawnCli, waitReady } from "../helpers/cli-process.js";
import { ResponseLedger } from "../helpers/cli-responses.js";
import { expectMetricDelta, waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

async function writeConfig(dir: string, config: object): Promise<string> {
  const file = path.join(dir, "config.yaml");
  await writeFile(
    file,
    // No first sample at zero here: counts are read at once (issue 8 has its own tests).
    `${JSON.stringify({ listen: "127.0.0.1:0", logLevel: "info", metrics: { newSeriesHoldMs: 0 }, ...config }, null, 2)}\n`,
  );
  return file;
}

describe("run: usage, rotation backlog and stop edges", () => {
  it("a missing basicAuth.passwordFile is a usage error (exit 2, no stack), like a missing TLS file", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    const file = await writeConfig(dir, {
      sources: [{ name: "app", paths: ["logs/*.log"] }],
      server: { basicAuth: { username: "u", passwordFile: "missing-password" } },
    });
    const r = await runCli(["run", "--config", file], { cwd: dir });
    expect(r.stderr).toMatch(/passwordFile/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
  });

  it("rotateWaitMs 0: a rotated file is still read to its end (more than one read budget behind)", async () => {
    const dir = await makeTempDir();
    const logs = path.join(dir, "logs");
    await mkdir(logs);
    const live = path.join(logs, "a.log");
    await writeFile(live, "");
    const file = await writeConfig(dir, {
      sources: [{ name: "app", paths: ["logs/*.log"], startAt: "beginning", rotateWaitMs: 0 }],
    });
    const cli = spawnCli(["run", "--config", file], { cwd: dir });
    const url = await cli.url();
    await waitReady(url);
    const ledger = new ResponseLedger();
    // ~6 MiB in one write, then the rename at once: the exporter sees a rotated file far behind.
    const big = ledger.lines(40_000);
    appendFileSync(live, big);
    renameSync(live, path.join(logs, "a.log.1"));
    // Once the rotated file is released nothing more can be read from it: every line must be in.
    await waitUntil(
      "the rotated file released",
      () => cli.logsWith("file closed").length,
      (n) => n >= 1,
    );
    const last = await snapshot(url, "app");
    expect(last.responses).toBe(ledger.total);
  });

  it("exits 0 within 5 s on SIGTERM while a rotated file still has a large backlog", async () => {
    const dir = await makeTempDir();
    const logs = path.join(dir, "logs");
    await mkdir(logs);
    const live = path.join(logs, "a.log");
    await writeFile(live, '{"RequestId":"A-1"}\n');
    const file = await writeConfig(dir, {
      sources: [{ name: "app", paths: ["logs/*.log"], startAt: "beginning", maxRecordBytes: 4096 }],
      checkpoint: { dir: "ckpt", intervalMs: 60_000 },
    });
    const cli = spawnCli(["run", "--config", file], { cwd: dir });
    const url = await cli.url();
    await waitUntil(
      "1 response",
      () => snapshot(url, "app"),
      (x) => x.responses >= 1,
    );
    // A backlog of 16 GiB (sparse: no disk space, NUL bytes, no newline), then a rename rotation.
    truncateSync(live, 16 * 1024 ** 3);
    renameSync(live, path.join(logs, "a.log.1"));
    // The 5 s deadline plus a margin: past it the process should be gone (exit 0, or 1 if forced).
    const exit = await cli.stop("SIGTERM", 7000).catch((err: Error) => ({ code: null, ms: Number.NaN, err }));
    expect({ code: exit.code, inTime: exit.ms < 5000 }).toEqual({ code: 0, inTime: true });
  });
});

describe("run: signals during start and stop", () => {
  it("a second signal during the clean stop (Ctrl-C under npm start sends two) still ends in exit 0", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    const ledger = new ResponseLedger();
    await writeFile(path.join(dir, "logs", "a.log"), ledger.lines(5));
    const file = await writeConfig(dir, {
      sources: [{ name: "app", paths: ["logs/*.log"], startAt: "beginning" }],
      checkpoint: { dir: "ckpt", intervalMs: 60_000 },
    });
    const cli = spawnCli(["run", "--config", file], { cwd: dir });
    const url = await cli.url();
    await waitUntil(
      "5 responses",
      () => snapshot(url, "app"),
      (x) => x.responses >= 5,
    );
    // A scraper mid-request keeps the server's close (and so the stop) busy for its grace period.
    const port = Number(new URL(url).port);
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("GET /metrics HTTP/1.1\r\nHost: x\r\n");
    cli.child.kill("SIGINT");
    await waitUntil(
      "the stop began",
      () => cli.logsWith("stopping").length,
      (n) => n >= 1,
    );
    cli.child.kill("SIGINT");
    const exit = await cli.stop("SIGINT", 7000).finally(() => socket.destroy());
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(cli.logsWith("stopped")).toHaveLength(1);
  });

  it("SIGTERM right after the start-up line (sources still starting) ends in exit 0", async () => {
    const dir = await makeTempDir();
    const logs = path.join(dir, "logs");
    await mkdir(logs);
    const ledger = new ResponseLedger();
    const chunk = ledger.lines(6000); // ~1 MiB: the first pass reads up to 1 MiB of each file
    for (let i = 0; i < 40; i++) await writeFile(path.join(logs, `f${i}.log`), chunk);
    const file = await writeConfig(dir, {
      sources: [{ name: "app", paths: ["logs/*.log"], startAt: "beginning" }],
    });
    const cli = spawnCli(["run", "--config", file], { cwd: dir });
    await cli.url();
    const exit = await cli.stop("SIGTERM", 7000);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  });
});

describe("run: stdin open at stop, odd files in the glob", () => {
  it("exits 0 within 5 s on SIGTERM while stdin is still open", async () => {
    const dir = await makeTempDir();
    const cli = spawnCli(["run", "--listen", "127.0.0.1:0", "-"], { cwd: dir, stdin: "pipe" });
    const url = await cli.url();
    await waitReady(url);
    cli.child.stdin?.write('{"RequestId":"A-1"}\n');
    await waitUntil(
      "1 response",
      () => snapshot(url, "cli"),
      (s) => s.responses >= 1,
    );
    const exit = await cli.stop("SIGTERM", 8000);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5000);
  });

  it("ignores a directory, a FIFO, a symlink loop and a dangling symlink that match the glob", async () => {
    const dir = await makeTempDir();
    const logs = path.join(dir, "logs");
    await mkdir(logs);
    await mkdir(path.join(logs, "dir.log"));
    execFileSync("mkfifo", [path.join(logs, "fifo.log")]);
    await symlink("loop.log", path.join(logs, "loop.log"));
    await symlink("nowhere", path.join(logs, "dangling.log"));
    const ledger = new ResponseLedger();
    await writeFile(path.join(logs, "a.log"), ledger.lines(5));
    const file = await writeConfig(dir, {
      sources: [{ name: "app", paths: ["logs/*.log"], startAt: "beginning", pollIntervalMs: 50 }],
    });
    const cli = spawnCli(["run", "--config", file], { cwd: dir });
    const url = await cli.url();
    const s = await waitUntil(
      "5 responses",
      () => snapshot(url, "app"),
      (x) => x.responses >= 5,
    );
    expect(s.byKey).toEqual(ledger.expected());
    const threeMore = await expectMetricDelta(
      "responses of app",
      async () => (await snapshot(url, "app")).responses,
      3,
    );
    await writeFile(path.join(logs, "b.log"), ledger.lines(3));
    await threeMore();
    const s2 = await snapshot(url, "app");
    expect(s2.byKey).toEqual(ledger.expected());
    expect(s2.filesWatched).toBe(2);
    const exit = await cli.stop();
    expect(exit.code).toBe(0);
  });
});
