/**
 * Reloading the configuration through the built CLI (issue 7 item 4): SIGHUP and `POST /-/reload`
 * re-read the config; every counter and read position is kept across 20 reloads while lines are
 * appended, with a bad reload in the middle; sources added, changed and removed; restart-only
 * settings say so; the reload metrics have Prometheus's names. Counts are compared with a ledger.
 */
import { appendFile, mkdir, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { METRICS } from "../../src/metrics/catalog.js";
import { type Sample, samplesOf, snapshot, snapshotOf, total } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, spawnCli, waitReady } from "../helpers/cli-process.js";
import { ResponseLedger } from "../helpers/cli-responses.js";
import { expectMetricDelta, waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

const SOURCE = {
  name: "app",
  paths: ["logs/*.log"],
  startAt: "beginning",
  pollIntervalMs: 50,
  globIntervalMs: 200,
};

async function writeConfig(file: string, config: object): Promise<void> {
  // No first sample at zero: the counts are read at once (the hold has tests of its own).
  await writeFile(
    file,
    `${JSON.stringify({ listen: "127.0.0.1:0", metrics: { newSeriesHoldMs: 0 }, ...config }, null, 1)}\n`,
  );
}

/** Waits for reload number `n` (counted from the start) to finish; its outcome from /api/v1/status. */
async function reloadOutcome(url: string, n: number): Promise<"ok" | "failed"> {
  const reload = async () =>
    (
      (await (await fetch(`${url}/api/v1/status`)).json()) as {
        reload: { reloads: number; lastSuccessful: boolean };
      }
    ).reload;
  const seen = await waitUntil(`reload ${n} to finish`, reload, (r) => r.reloads >= n);
  expect(seen.reloads).toBe(n);
  return seen.lastSuccessful ? "ok" : "failed";
}

const gauge = (samples: readonly Sample[], name: string): number => total(samples, name);

describe.each([
  { what: "with a checkpoint directory", checkpoint: { dir: "ckpt", intervalMs: 100 } },
  { what: "without checkpoints", checkpoint: { dir: null } },
])("20 reloads while lines are appended, $what", ({ checkpoint }) => {
  it("keeps every counter and read position: counts exact, a bad reload in the middle changes nothing", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    await mkdir(path.join(dir, "other"));
    const config = path.join(dir, "config.yaml");
    const ledger = new ResponseLedger();
    const a = path.join(dir, "logs", "a.log");
    await writeFile(a, ledger.lines(10));
    const base = { checkpoint, sources: [SOURCE] };
    await writeConfig(config, base);
    const cli = spawnCli(["run", "--config", config, "--enable-reload"], { cwd: dir });
    const url = await cli.url();
    await waitReady(url);
    const startedAt = gauge(await samplesOf(url), METRICS.configLastReloadSuccessTimestamp.name);

    let previousRecords = 0;
    let okReloads = 0;
    for (let i = 1; i <= 20; i++) {
      // A rename rotation between two reloads: the old file is read to its end, the new one from 0.
      if (i === 12) await rename(a, `${a}.1`);
      // Lines arrive while the reload runs: some before it, a partial line across it.
      await appendFile(a, ledger.lines(7, `A${i}`));
      const half = ledger.line(`H${i}`);
      await appendFile(a, half.slice(0, 20));
      if (i === 4) await writeFile(path.join(dir, "logs", "b.log"), ledger.lines(3, "B"));
      const bad = i === 10;
      const sources = [
        // A changed source (poll interval, sink limits) is stopped and started from its positions.
        { ...SOURCE, pollIntervalMs: 50 + (i % 3), maxRecordBytes: 1_000_000 + i },
        ...(i >= 7 && i < 14 ? [{ name: "second", paths: ["other/*.log"], startAt: "beginning" }] : []),
      ];
      if (bad) await writeFile(config, "sources:\n  - name: app\n    pathz: [logs/*.log]\n");
      else
        await writeConfig(config, {
          ...base,
          logLevel: i % 2 === 0 ? "info" : "debug",
          labelCaps: { action: 400 + i },
          recentErrors: { size: 50 + i },
          sources,
        });
      if (i % 2 === 0) cli.child.kill("SIGHUP");
      else {
        const res = await fetch(`${url}/-/reload`, { method: "POST" });
        expect(res.status, await res.clone().text()).toBe(bad ? 500 : 200);
        if (bad) expect(await res.text()).toContain("sources.0.pathz: unknown key");
      }
      expect(await reloadOutcome(url, i)).toBe(bad ? "failed" : "ok");
      if (bad) {
        const status = (await (await fetch(`${url}/api/v1/status`)).json()) as {
          problems: string[];
          reload: { problems: string[] };
        };
        expect(status.reload.problems).toEqual([
          "sources.0.paths: Required",
          'sources.0.pathz: unknown key, did you mean "paths"?',
        ]);
        expect(status.problems).toContain(
          "the last reload failed (2 problems); the previous configuration runs",
        );
      } else okReloads++;
      await appendFile(a, half.slice(20));
      if (i === 8) await writeFile(path.join(dir, "other", "c.log"), ledger.lines(4, "C"));

      const samples = await samplesOf(url);
      expect(gauge(samples, METRICS.configLastReloadSuccessful.name), `reload ${i}`).toBe(bad ? 0 : 1);
      // Counters only grow: nothing was reset by the reload.
      const records = total(samples, METRICS.records.name);
      expect(records).toBeGreaterThanOrEqual(previousRecords);
      previousRecords = records;
    }
    expect(okReloads).toBe(19);
    expect(cli.exitStatus).toBeUndefined(); // SIGHUP no longer kills (it used to: status 129)

    const s = await waitUntil(
      `${ledger.total} responses`,
      () => snapshot(url),
      (x) => x.responses >= ledger.total,
    );
    expect(s.byKey).toEqual(ledger.expected());
    // One more line after everything settled: still exact, so nothing is read a second time.
    const lastLine = await expectMetricDelta("responses", async () => (await snapshot(url)).responses, 1);
    await appendFile(a, ledger.line("LAST"));
    await lastLine();
    const after = await snapshot(url);
    expect(after.byKey).toEqual(ledger.expected());
    expect(after.responses).toBe(ledger.total);
    expect(snapshotOf(await samplesOf(url), "second").responses).toBe(4);

    const samples = await samplesOf(url);
    expect(gauge(samples, METRICS.configLastReloadSuccessful.name)).toBe(1);
    expect(gauge(samples, METRICS.configLastReloadSuccessTimestamp.name)).toBeGreaterThanOrEqual(startedAt);
    // The removed source keeps its counters but no longer has a files gauge.
    expect(samples.some((x) => x.name === METRICS.sourceFiles.name && x.labels.source === "second")).toBe(
      false,
    );
    expect(samples.find((x) => x.name === METRICS.sourceFiles.name && x.labels.source === "app")?.value).toBe(
      2,
    );
    const failed = await waitUntil(
      "the failed reload's log line",
      () => cli.logsWith("reload failed; the running configuration is kept"),
      (l) => l.length >= 1,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.problems).toEqual(
      expect.arrayContaining(['sources.0.pathz: unknown key, did you mean "paths"?']),
    );

    const exit = await cli.stop("SIGINT");
    expect(exit.code, cli.stderr).toBe(0);
  });
});

/** A daemon with one source and no reload endpoint. */
async function startPlain() {
  const dir = await makeTempDir();
  await mkdir(path.join(dir, "logs"));
  const config = path.join(dir, "config.yaml");
  await writeConfig(config, { sources: [SOURCE] });
  const cli = spawnCli(["run", "--config", config], { cwd: dir });
  return { dir, config, cli, url: await cli.url() };
}

describe("reload", () => {
  it("says which changed settings need a restart, and keeps serving on the old address", async () => {
    const { config, cli, url } = await startPlain();
    await waitReady(url);
    await writeFile(
      config,
      `${JSON.stringify({ listen: "127.0.0.1:1", server: { requestTimeoutMs: 9000 }, metrics: { newSeriesHoldMs: 0 }, sources: [{ ...SOURCE, labels: { team: "x" } }] })}\n`,
    );
    cli.child.kill("SIGHUP");
    expect(await reloadOutcome(url, 1)).toBe("ok");
    // The log comes through a pipe: it may arrive after the status said the reload is done.
    const settings = await waitUntil(
      "the restart-needed warnings",
      () => cli.logsWith("changed setting takes effect only after a restart").map((l) => l.setting),
      (l) => l.length >= 3,
    );
    expect(settings).toEqual([
      "listen (127.0.0.1:0 → 127.0.0.1:1)",
      "server.requestTimeoutMs",
      "sources.0.labels",
    ]);
    const status = (await (await fetch(`${url}/api/v1/status`)).json()) as { problems: string[] };
    expect(status.problems).toContain(
      "restart needed for listen (127.0.0.1:0 → 127.0.0.1:1), server.requestTimeoutMs, sources.0.labels",
    );
  });

  it("applies label caps, the recent-errors size and the log level at once", async () => {
    const { dir, config, cli, url } = await startPlain();
    await waitReady(url);
    const ledger = new ResponseLedger();
    const a = path.join(dir, "logs", "a.log");
    await writeFile(a, ledger.line("T", "throttling"));
    await waitUntil(
      "1 response",
      () => snapshot(url),
      (x) => x.responses >= 1,
    );
    await writeConfig(config, {
      logLevel: "warn",
      labelCaps: { code: 1 },
      recentErrors: { size: 1 },
      sources: [SOURCE],
    });
    cli.child.kill("SIGHUP");
    expect(await reloadOutcome(url, 1)).toBe("ok");

    await appendFile(a, ledger.line("P", "invalidParameter") + ledger.line("I", "internalError"));
    const samples = await waitUntil(
      "3 responses",
      () => samplesOf(url),
      (x) => snapshotOf(x).responses >= 3,
    );
    // The cap of 1 code is taken by Throttling: the two new codes are __other__.
    const codes = samples.filter((x) => x.name === METRICS.responses.name).map((x) => x.labels.code);
    expect(new Set(codes)).toEqual(new Set(["Throttling", "__other__"]));
    expect(total(samples, METRICS.labelOverflow.name, { label: "code" })).toBe(2);
    const recent = (await (await fetch(`${url}/api/v1/recent-errors`)).json()) as { errors: unknown[] };
    expect(recent.errors).toHaveLength(1);

    // At warn, a new file is followed without its info line.
    await writeFile(path.join(dir, "logs", "b.log"), "");
    await waitUntil(
      "2 files",
      async () => (await samplesOf(url)).find((x) => x.name === METRICS.sourceFiles.name)?.value,
      (n) => n === 2,
    );
    expect(cli.logsWith("file opened").map((l) => path.basename(String(l.file)))).toEqual(["a.log"]);
  });

  it("POST /-/reload is off unless enabled; other methods are refused", async () => {
    const { cli, url } = await startPlain();
    const off = await fetch(`${url}/-/reload`, { method: "POST" });
    expect(off.status).toBe(403);
    expect(await off.text()).toContain("--enable-reload");
    const get = await fetch(`${url}/-/reload`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(cli.logsWith("reloading the configuration")).toHaveLength(0);
  });
});
