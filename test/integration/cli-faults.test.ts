/**
 * Failures that must be loud, found by fault tests against the built CLI (issue 7 item 6), each of
 * which failed before its fix: checkpoint writes that fail, an uncreatable checkpoint directory,
 * a TLS connection that never starts its handshake, and a symlink re-pointed back to an earlier
 * target without checkpoints. Plus the clean stop of item 5 on SIGINT and SIGTERM.
 */
import { appendFile, mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { METRICS } from "../../src/metrics/catalog.js";
import { samplesOf, snapshot, total } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, runCli, spawnCli, waitReady } from "../helpers/cli-process.js";
import { ResponseLedger } from "../helpers/cli-responses.js";
import { selfSignedCert, skipWithoutOpenssl } from "../helpers/openssl.js";
import { waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

const FAST = { pollIntervalMs: 50, globIntervalMs: 100, startAt: "beginning" };

describe("checkpoints that cannot be written", () => {
  it("warn at once, show on the status page, count, and make the stop exit non-zero", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    // The temporary file of the atomic write is a directory: every write fails (EISDIR), for root too.
    await mkdir(path.join(dir, "ckpt", "checkpoints.json.tmp"), { recursive: true });
    const ledger = new ResponseLedger();
    await writeFile(path.join(dir, "logs", "a.log"), ledger.lines(5));
    const config = path.join(dir, "config.yaml");
    const sources = [{ name: "app", paths: ["logs/*.log"], ...FAST }];
    await writeFile(
      config,
      JSON.stringify({ listen: "127.0.0.1:0", sources, checkpoint: { dir: "ckpt", intervalMs: 100 } }),
    );
    const cli = spawnCli(["run", "--config", config], { cwd: dir });
    const url = await cli.url();
    await waitReady(url);

    const warned = await waitUntil(
      "the checkpoint warning",
      () => cli.logs().filter((l) => String(l.msg).startsWith("checkpoint write failed")),
      (w) => w.length > 0,
    );
    expect(warned[0]).toMatchObject({ level: 40, dir: path.join(dir, "ckpt") });
    expect(String(warned[0]?.err)).toMatch(/EISDIR/);
    await waitUntil(
      "checkpoint_errors_total > 1",
      async () => total(await samplesOf(url), METRICS.checkpointErrors.name),
      (n) => n > 1,
    );
    // Rate-limited: one warning although several writes failed.
    expect(cli.logs().filter((l) => String(l.msg).startsWith("checkpoint write failed"))).toHaveLength(1);

    const status = (await (await fetch(`${url}/api/v1/status`)).json()) as {
      problems: string[];
      checkpoint: { failing: boolean; errors: number; lastError: string };
    };
    expect(status.checkpoint.failing).toBe(true);
    expect(status.checkpoint.errors).toBeGreaterThan(1);
    expect(status.problems[0]).toMatch(/^checkpoints cannot be written to .*ckpt: .*EISDIR/);
    expect(await (await fetch(`${url}/`)).text()).toContain(
      '<ul class="bad problems"><li>checkpoints cannot be written',
    );

    const exit = await cli.stop("SIGTERM");
    expect(exit.code).toBe(1);
    expect(
      cli.logsWith(
        "stopped, but the last checkpoint write failed: the next start reads the last interval again",
      ),
    ).toHaveLength(1);
  });
});

describe("an uncreatable checkpoint directory", () => {
  it("run --checkpoint-dir /proc/nonexistent/sub is a usage error at once (it used to hang)", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "a.log"), "");
    const t0 = Date.now();
    const r = await runCli(
      ["run", "--listen", "127.0.0.1:0", "--checkpoint-dir", "/proc/nonexistent/sub", "a.log"],
      {
        cwd: dir,
        timeoutMs: 10_000,
      },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "aliyun-response-exporter: invalid configuration (1 problem)\n" +
        "  checkpoint.dir: cannot create /proc/nonexistent/sub: no such file or directory (at /proc/nonexistent)\n",
    );
  });
});

describe.skipIf(skipWithoutOpenssl("cli-faults.test.ts"))("a TLS listener", () => {
  it("closes a connection that never starts its handshake after the header timeout, as plain HTTP does", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "a.log"), "");
    selfSignedCert(dir, "/CN=localhost");
    const config = path.join(dir, "config.yaml");
    await writeFile(
      config,
      JSON.stringify({
        listen: "127.0.0.1:0",
        sources: [{ name: "app", paths: ["a.log"] }],
        server: {
          headersTimeoutMs: 500,
          requestTimeoutMs: 1000,
          tls: { certFile: "cert.pem", keyFile: "key.pem" },
        },
      }),
    );
    const cli = spawnCli(["run", "--config", config], { cwd: dir });
    const url = new URL(await cli.url());
    expect(url.protocol).toBe("https:");
    // A client that connects and says nothing (no ClientHello): it used to be held for 120 s.
    const t0 = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      socket.on("error", reject);
      socket.on("close", () => resolve(Date.now() - t0));
      socket.resume();
    });
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    expect(closedAfter).toBeLessThan(5_000);
  }, 20_000);
});

describe("a symlinked log path without checkpoints", () => {
  it("re-pointed back to an earlier target resumes there instead of reading it again", async () => {
    const dir = await makeTempDir();
    const logs = path.join(dir, "logs");
    await mkdir(logs);
    const ledger = new ResponseLedger();
    const first = path.join(logs, "first.log");
    const second = path.join(logs, "second.log");
    await writeFile(first, ledger.lines(50, "F"));
    await writeFile(second, "");
    const link = path.join(dir, "current.log");
    await symlink(first, link);
    const config = path.join(dir, "config.yaml");
    const sources = [{ name: "app", paths: ["current.log"], rotateWaitMs: 100, ...FAST }];
    // No first sample at zero: the counts are read at once (the hold has tests of its own).
    await writeFile(
      config,
      JSON.stringify({
        listen: "127.0.0.1:0",
        sources,
        checkpoint: { dir: null },
        metrics: { newSeriesHoldMs: 0 },
      }),
    );
    const cli = spawnCli(["run", "--config", config], { cwd: dir });
    const url = await cli.url();
    await waitReady(url);
    await waitUntil(
      "50 responses",
      () => snapshot(url),
      (s) => s.responses >= 50,
    );

    // Re-point the link (atomically, as deploy tools do) to the second file and write to it.
    const repoint = async (target: string) => {
      const tmp = path.join(dir, "current.tmp");
      await symlink(target, tmp);
      await rename(tmp, link);
    };
    await repoint(second);
    await appendFile(second, ledger.lines(15, "S"));
    await waitUntil(
      "65 responses",
      () => snapshot(url),
      (s) => s.responses >= 65,
    );
    // The first file is released once its rotate wait is over.
    await waitUntil(
      "first.log to be released",
      () => cli.logsWith("file closed", { reason: "rotated", file: link }),
      (l) => l.length >= 1,
    );

    await repoint(first);
    await appendFile(first, ledger.line("F2"));
    const s = await waitUntil(
      "66 responses",
      () => snapshot(url),
      (x) => x.responses >= ledger.total,
    );
    expect(s.responses).toBe(ledger.total); // it used to be 116: first.log counted twice
    expect(s.byKey).toEqual(ledger.expected());
  });
});

describe("a clean stop", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s writes the checkpoints and exits 0; the restart counts nothing twice",
    async (signal) => {
      const dir = await makeTempDir();
      await mkdir(path.join(dir, "logs"));
      const ledger = new ResponseLedger();
      const file = path.join(dir, "logs", "a.log");
      await writeFile(file, ledger.lines(20));
      const config = path.join(dir, "config.yaml");
      const sources = [{ name: "app", paths: ["logs/*.log"], ...FAST }];
      // A long interval: only the stop writes the checkpoint.
      await writeFile(
        config,
        JSON.stringify({ listen: "127.0.0.1:0", sources, checkpoint: { dir: "ckpt", intervalMs: 600_000 } }),
      );
      let cli = spawnCli(["run", "--config", config], { cwd: dir });
      let url = await cli.url();
      await waitUntil(
        "20 responses",
        () => snapshot(url),
        (s) => s.responses >= 20,
      );
      await appendFile(file, ledger.lines(5));
      await waitUntil(
        "25 responses",
        () => snapshot(url),
        (s) => s.responses >= 25,
      );
      const exit = await cli.stop(signal);
      expect(exit.code, cli.stderr).toBe(0);
      const saved = JSON.parse(await readFile(path.join(dir, "ckpt", "checkpoints.json"), "utf8"));
      expect(Object.values(saved.sources.app.files).map((e) => (e as { offset: number }).offset)).toEqual([
        ledger.bytes,
      ]);

      const before = ledger.total;
      await appendFile(file, ledger.lines(3));
      cli = spawnCli(["run", "--config", config], { cwd: dir });
      url = await cli.url();
      const s = await waitUntil(
        "the 3 new responses",
        () => snapshot(url),
        (x) => x.responses >= ledger.total - before,
      );
      expect(s.responses).toBe(3);
    },
  );
});
