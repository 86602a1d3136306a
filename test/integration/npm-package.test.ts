/**
 * Install as a command (README "Install"): `npm pack` of the built tree holds what `run` needs and
 * no tests; the tarball installed with `npm install --global` into a temp prefix puts
 * `aliyun-response-exporter` on that prefix's PATH, and the installed command analyzes and runs.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { samplesOf, total } from "../helpers/cli-metrics.js";
import { REPO, runCli } from "../helpers/cli-process.js";
import { waitUntil } from "../helpers/wait.js";

const run = promisify(execFile);
const pkg = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};

describe("the npm package", () => {
  let dir: string;
  let files: string[];
  let tarball: string;
  let bin: string;
  let daemon: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "are-pack-"));
    // dist/ is already built (`npm test` builds first); a rebuild here would race the other tests.
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: REPO,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = (packed?.files ?? []).map((f) => f.path);
    tarball = path.join(dir, packed?.filename ?? "");
  }, 120_000);

  afterAll(async () => {
    daemon?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("contains the built code, the catalogue and the configs, and no tests or sources", () => {
    for (const f of [
      "package.json",
      "README.md",
      pkg.bin[pkg.name] as string,
      "dist/worker.js",
      "config/default.yaml",
      "config/error-codes.yaml",
      "config/examples/sidecar.yaml",
      "config/prometheus/alerts.yml",
      "config/prometheus/recording-rules.yml",
    ]) {
      expect(files, f).toContain(f);
    }
    const unwanted = files.filter((f) =>
      /^(src|test|\.ci|node_modules|coverage|\.tmp)\/|\.test\.(ts|js|yml)$|^tsconfig|^vitest|^Dockerfile/.test(
        f,
      ),
    );
    expect(unwanted).toEqual([]);
  });

  it("installs with npm install --global as the aliyun-response-exporter command", async () => {
    const prefix = path.join(dir, "prefix");
    await run(
      "npm",
      ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball],
      {
        cwd: dir,
        timeout: 180_000,
      },
    );
    bin = path.join(prefix, "bin", pkg.name);
    const version = await run(bin, ["--version"], { cwd: dir });
    expect(version.stdout.trim()).toBe(pkg.version);

    // The same totals as the working tree's build, from another folder.
    const log = path.join(REPO, "config/examples/ess-sdk.log");
    const installed = await run(bin, ["analyze", "--json", log], { cwd: dir });
    const local = await runCli(["analyze", "--json", log], { cwd: REPO });
    expect(JSON.parse(installed.stdout)).toEqual(JSON.parse(local.stdout));
    expect((JSON.parse(installed.stdout) as { responses: number }).responses).toBeGreaterThan(0);
  }, 240_000);

  it("runs from the installed package's own config and example logs", async () => {
    const installedConfig = path.join(
      path.dirname(path.dirname(bin)),
      "lib/node_modules",
      pkg.name,
      "config/default.yaml",
    );
    const child = spawn(
      bin,
      // No first sample at zero: the counts are read at once (issue 8's hold has its own tests).
      [
        "run",
        "--config",
        installedConfig,
        "--listen",
        "127.0.0.1:0",
        "--log-level",
        "info",
        "--new-series-hold-ms",
        "0",
      ],
      {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    daemon = child;
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const url = await waitUntil(
      "the start-up line",
      () => /"listen":"(http:\/\/[^"]+)"/.exec(stderr)?.[1],
      (u) => u !== undefined,
      20_000,
    );
    const samples = await waitUntil(
      "responses counted",
      () => samplesOf(url as string),
      (s) => total(s, "aliyun_api_responses_total") > 0,
      20_000,
    );
    expect(total(samples, "aliyun_api_responses_total")).toBeGreaterThan(0);
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
  }, 60_000);
});
