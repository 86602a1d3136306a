/**
 * The Dockerfile, built unchanged and run with a real engine (podman + runc): the example logs
 * mounted read-only, a config mounted over the image's, a named volume for the checkpoints. The
 * image is built once for this file; every container, volume and image made here is removed in
 * afterAll. Figures (image size, build time, start → first /metrics with responses) are printed
 * and written to .tmp/container-figures.json. Runs when CI=true; elsewhere only with podman on PATH.
 */
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExposition, responsesByKey, type Snapshot, snapshot } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, runCli } from "../helpers/cli-process.js";
import { freePort } from "../helpers/prometheus-server.js";
import { waitUntil } from "../helpers/wait.js";
import {
  buildImage,
  exec,
  podman,
  podmanGate,
  REPO,
  removeAll,
  runDetached,
  runOnce,
  track,
} from "./podman.js";

const gate = podmanGate("the container image tests (test/container/image.test.ts)");
const EXAMPLES = path.join(REPO, "config/examples");
const LOGS = readdirSync(EXAMPLES).filter((f) => f.endsWith(".log"));
const STATE = "/var/lib/aliyun-response-exporter";
/** A response appended between the two containers: the second one must count it, and only it. */
const NEW_LINE =
  '{"RequestId":"C0DE-RESUME-1","HostId":"ess.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}\n';

interface Expected {
  readonly byKey: Record<string, number>;
  readonly responses: number;
}

/** What `analyze` on the host counts in `files`: the numbers the container must serve exactly. */
async function expectedOf(files: readonly string[], cwd: string): Promise<Expected> {
  const metrics = await runCli(["analyze", "--metrics", ...files], { cwd });
  const json = await runCli(["analyze", "--json", ...files], { cwd });
  expect(metrics.code).toBe(0);
  expect(json.code).toBe(0);
  return {
    byKey: responsesByKey(parseExposition(metrics.stdout)),
    responses: (JSON.parse(json.stdout) as { responses: number }).responses,
  };
}

const matches = (s: Snapshot, e: Expected) =>
  s.responses === e.responses && JSON.stringify(s.byKey) === JSON.stringify(e.byKey);

describe.skipIf(gate.skip)("the container image", () => {
  const image = track("images", "are-test");
  const volume = track("volumes", "are-test-state");
  const figures: Record<string, number> = {};
  let logs = "";
  let configDir = "";
  let expected: Expected;

  /**
   * A detached container of the image on `port`, with the test's logs, config and volume, and the
   * Kubernetes manifest's securityContext: read-only root, no capabilities, no privilege escalation.
   */
  async function start(base: string, port: number): Promise<{ name: string; url: string }> {
    const name = await runDetached(track("containers", base), image, [
      ...["--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges"],
      ...["-e", `ALIYUN_RESPONSE_EXPORTER_LISTEN=127.0.0.1:${port}`],
      ...["-v", `${logs}:/var/log/app:ro`],
      ...["-v", `${configDir}:/etc/aliyun-response-exporter:ro`],
      ...["-v", `${volume}:${STATE}`],
    ]);
    return { name, url: `http://127.0.0.1:${port}` };
  }

  beforeAll(async () => {
    const base = await exec("bash", ["test/container/make-base-image.sh"], { timeoutMs: 600_000 });
    if (base.code !== 0) throw new Error(`make-base-image.sh exited ${base.code}:\n${base.stderr}`);
    const t0 = performance.now();
    await buildImage(image);
    figures.buildSeconds = Math.round((performance.now() - t0) / 100) / 10;
    figures.imageMB = Math.round(
      Number(await podman(["image", "inspect", "--format", "{{.Size}}", image])) / 1e6,
    );

    // Readable by the image's user (uid 1000), like an application's log folder.
    logs = await makeTempDir("are-image-logs-");
    configDir = await makeTempDir("are-image-config-");
    for (const f of LOGS) copyFileSync(path.join(EXAMPLES, f), path.join(logs, f));
    writeFileSync(
      path.join(configDir, "config.yaml"),
      [
        "sources:",
        "  - name: app",
        '    paths: ["/var/log/app/*.log"]',
        "    startAt: beginning",
        "checkpoint:",
        `  dir: ${STATE}`,
        "  intervalMs: 3600000 # only the stop writes the checkpoints",
        "metrics:",
        "  newSeriesHoldMs: 0 # the counts are read at once (the hold has tests of its own)",
        "",
      ].join("\n"),
    );
    for (const dir of [logs, configDir]) {
      chmodSync(dir, 0o755);
      for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o644);
    }
    expected = await expectedOf(LOGS, logs);
    expect(expected.responses).toBeGreaterThan(100);
    await podman(["volume", "create", volume]);
  }, 900_000);

  afterAll(async () => {
    await removeAll();
    await cleanupCli();
    if (Object.keys(figures).length > 0) {
      console.log(`container figures: ${JSON.stringify(figures)}`);
      writeFileSync(path.join(REPO, ".tmp/container-figures.json"), `${JSON.stringify(figures, null, 1)}\n`);
    }
  }, 120_000);

  let first: { name: string; url: string };

  it("runs as a non-root user and serves exactly the responses of the mounted logs", async () => {
    const t0 = performance.now();
    first = await start("are-test-first", await freePort());
    await waitUntil(
      "first /metrics with responses",
      () => snapshot(first.url),
      (s) => s.responses > 0,
      60_000,
      50,
    );
    figures.startToFirstMetricsMs = Math.round(performance.now() - t0);
    const served = await waitUntil(
      "every response counted",
      () => snapshot(first.url),
      (s) => matches(s, expected),
      60_000,
    );
    expect(served.byKey).toEqual(expected.byKey);
    expect(served.records.malformed ?? 0).toBe(0);

    expect((await podman(["exec", first.name, "id", "-u"])).trim()).toBe("1000");
    const user = await podman(["image", "inspect", "--format", "{{.Config.User}}", image]);
    expect(user.trim()).toBe("node");
  });

  it("answers /healthz, and its HEALTHCHECK (the healthcheck command, another port) exits 0", async () => {
    const res = await fetch(`${first.url}/healthz`);
    expect(res.status).toBe(200);
    const healthcheck = await podman([
      "image",
      "inspect",
      "--format",
      "{{json .Config.Healthcheck.Test}}",
      image,
    ]);
    expect(JSON.parse(healthcheck)).toEqual(["CMD", "node", "dist/cli.js", "healthcheck"]);
    const check = await exec("podman", ["healthcheck", "run", first.name]);
    expect(check.code, check.stderr).toBe(0);
    // The same command fails where nothing listens: a check that can fail.
    const elsewhere = await exec("podman", [
      ...["exec", "-e", `ALIYUN_RESPONSE_EXPORTER_LISTEN=127.0.0.1:${await freePort()}`],
      ...[first.name, "node", "dist/cli.js", "healthcheck"],
    ]);
    expect(elsewhere.code).toBe(1);
  });

  it("writes the checkpoints on `podman stop`, and a second container resumes without counting twice", async () => {
    await podman(["stop", "-t", "10", first.name], { timeoutMs: 30_000 });
    expect((await podman(["inspect", "--format", "{{.State.ExitCode}}", first.name])).trim()).toBe("0");
    const mountpoint = (await podman(["volume", "inspect", "--format", "{{.Mountpoint}}", volume])).trim();
    const saved = JSON.parse(readFileSync(path.join(mountpoint, "checkpoints.json"), "utf8")) as {
      sources: { app: { files: Record<string, { path: string; offset: number }> } };
    };
    const offsets = Object.fromEntries(Object.values(saved.sources.app.files).map((f) => [f.path, f.offset]));
    expect(offsets).toEqual(
      Object.fromEntries(LOGS.map((f) => [`/var/log/app/${f}`, statSync(path.join(logs, f)).size])),
    );

    const target = path.join(logs, LOGS[0] as string);
    appendFileSync(target, NEW_LINE);
    const added = await runCli(["analyze", "--metrics", "-"], { cwd: logs, input: NEW_LINE });
    const addedByKey = responsesByKey(parseExposition(added.stdout));
    expect(Object.values(addedByKey)).toEqual([1]);

    const second = await start("are-test-second", await freePort());
    // Read from the checkpoints on: only the appended bytes, none of what the first one counted.
    const served = await waitUntil(
      "the appended line read",
      () => snapshot(second.url),
      (s) => s.bytesRead >= NEW_LINE.length && s.responses >= 1,
      60_000,
    );
    expect(served.bytesRead).toBe(NEW_LINE.length);
    expect(served.byKey).toEqual(addedByKey);
    expect(served.responses).toBe(1);
  });

  it("runs `analyze -` through the entry point", async () => {
    const file = path.join(EXAMPLES, LOGS[0] as string);
    const input = readFileSync(file);
    const inImage = await runOnce(image, ["analyze", "--json", "-"], input);
    expect(inImage.code, inImage.stderr).toBe(0);
    const onHost = await runCli(["analyze", "--json", "-"], { cwd: REPO, input });
    expect(JSON.parse(inImage.stdout)).toEqual(JSON.parse(onHost.stdout));
    expect((JSON.parse(inImage.stdout) as { responses: number }).responses).toBeGreaterThan(0);
  });
});
