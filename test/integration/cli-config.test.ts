/**
 * Configuration through the built CLI (issue 3 "Config", DESIGN §7): `check-config` accepts a good
 * file and lists every problem of a bad one with its path (exit 2); `run` refuses a bad config
 * before it listens; the listen address comes from the file, then the environment, then `--listen`.
 */
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupCli, makeTempDir, runCli, spawnCli } from "../helpers/cli-process.js";

afterEach(cleanupCli);

const LISTEN_ENV = "ALIYUN_RESPONSE_EXPORTER_LISTEN";
const CONFIG_ENV = "ALIYUN_RESPONSE_EXPORTER_CONFIG";

const GOOD = `# a sidecar reading two kinds of logs
listen: 127.0.0.1:0
logLevel: info
sources:
  - name: ess
    paths: [logs/ess/*.log]
    exclude: ["*.gz"]
    startAt: end
    labels: { team: scaling }
    maxRecordBytes: 1048576
    partialLineTimeoutMs: 2000
  - name: ecs
    paths: [logs/ecs/*.log]
checkpoint:
  dir: state
  intervalMs: 1000
labelCaps: { code: 100 }
recentErrors: { size: 50 }
`;

/** Nine problems in one file; each must be reported with its path. */
const BAD = `listen: "nohost"
bogusKey: 1
sources:
  - name: "1bad"
    startAt: middle
    pollIntervalMs: -5
  - name: ok
    paths: []
    labels: { code: x }
    start_at: end
checkpoint: { intervalMs: 0 }
`;

const BAD_PROBLEMS = [
  'listen: expected HOST:PORT, got "nohost"',
  'sources.0.name: must start with a letter or _ and hold only letters, digits, _ and -, got "1bad"',
  "sources.0.paths: Required",
  'sources.0.startAt: expected one of beginning|end, got "middle"',
  "sources.0.pollIntervalMs: must be a positive integer, got -5",
  "sources.1.paths: must not be empty",
  'sources.1.labels.code: "code" is reserved',
  'sources.1.start_at: unknown key, did you mean "startAt"?',
  "checkpoint.intervalMs: must be a positive integer, got 0",
  "bogusKey: unknown key",
];

async function configFile(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** A port that was free a moment ago (for the environment variable, which cannot say 0 and be told apart). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("check-config", () => {
  it("accepts a good file: exit 0, a one-line summary on stdout", async () => {
    const dir = await makeTempDir();
    const file = await configFile(dir, "good.yaml", GOOD);
    const r = await runCli(["check-config", file], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("ok");
    expect(r.stdout).toContain("2 sources");
    expect(r.stderr).toBe("");
  });

  it("lists every problem of a bad file with its path and exits 2", async () => {
    const dir = await makeTempDir();
    const file = await configFile(dir, "bad.yaml", BAD);
    const r = await runCli(["check-config", file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`invalid configuration in ${file}`);
    const lines = r.stderr.split("\n").map((l) => l.trim());
    for (const problem of BAD_PROBLEMS) {
      expect(
        lines.some((l) => l.startsWith(problem)),
        `missing "${problem}" in:\n${r.stderr}`,
      ).toBe(true);
    }
    expect(r.stderr).toContain(`(${BAD_PROBLEMS.length} problems)`);
  });

  it("reports a missing sources list, a YAML syntax error and a missing file, each with exit 2", async () => {
    const dir = await makeTempDir();
    const noSources = await configFile(dir, "empty.yaml", "listen: 127.0.0.1:9787\n");
    let r = await runCli(["check-config", noSources], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\s+sources: Required/m);

    const broken = await configFile(dir, "broken.yaml", "sources:\n  - name: a\n   paths: [x.log]\n");
    r = await runCli(["check-config", broken], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3, column \d+/);

    r = await runCli(["check-config", path.join(dir, "nope.yaml")], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope.yaml");
    expect(r.stderr).toMatch(/no such file/);
  });

  it("exits 2 on an unknown flag, and on a missing FILE argument", async () => {
    const dir = await makeTempDir();
    const file = await configFile(dir, "good.yaml", GOOD);
    let r = await runCli(["check-config", "--bogus", file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");

    r = await runCli(["check-config"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FILE/);
  });
});

describe("run: configuration", () => {
  it("refuses a bad config with exit 2 before it listens", async () => {
    const dir = await makeTempDir();
    const file = await configFile(dir, "bad.yaml", BAD);
    const r = await runCli(["run", "--config", file], { cwd: dir });
    expect(r.code).toBe(2);
    for (const problem of BAD_PROBLEMS) expect(r.stderr).toContain(problem);
    expect(r.stderr).not.toContain("aliyun-response-exporter started");
  });

  it("refuses an unknown flag and a bad flag value with exit 2", async () => {
    const dir = await makeTempDir();
    let r = await runCli(["run", "--bogus", "x.log"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");

    r = await runCli(["run", "--listen", "127.0.0.1:0", "--start-at", "middle", "x.log"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--start-at: expected one of beginning|end, got "middle"');

    r = await runCli(["run", "--listen", "localhost", "x.log"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--listen: expected HOST:PORT, got "localhost"');
    expect(r.stderr).not.toContain("aliyun-response-exporter started");
  });

  it(`honours ${LISTEN_ENV} over the file, and ${CONFIG_ENV} as the config path`, async () => {
    const dir = await makeTempDir();
    const file = await configFile(dir, "good.yaml", GOOD);
    const port = await freePort();
    const cli = spawnCli(["run"], {
      cwd: dir,
      env: { [CONFIG_ENV]: file, [LISTEN_ENV]: `127.0.0.1:${port}` },
    });
    const url = await cli.url();
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const started = cli.logsWith("aliyun-response-exporter started")[0];
    expect(started?.sources).toEqual([
      expect.objectContaining({ name: "ess" }),
      expect.objectContaining({ name: "ecs" }),
    ]);
  });

  it(`lets --listen beat ${LISTEN_ENV}, even a wrong one`, async () => {
    const dir = await makeTempDir();
    const file = await configFile(dir, "good.yaml", GOOD);
    const envPort = await freePort();
    const cli = spawnCli(["run", "--config", file, "--listen", "127.0.0.1:0"], {
      cwd: dir,
      env: { [LISTEN_ENV]: `127.0.0.1:${envPort}` },
    });
    const url = await cli.url();
    expect(url).not.toBe(`http://127.0.0.1:${envPort}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // A wrong variable alone is an error that names it; with --listen it does not matter.
    const wrong = await runCli(["run", "--config", file], { cwd: dir, env: { [LISTEN_ENV]: "nohost" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${LISTEN_ENV}: expected HOST:PORT, got "nohost"`);
    const beaten = spawnCli(["run", "--config", file, "--listen", "127.0.0.1:0"], {
      cwd: dir,
      env: { [LISTEN_ENV]: "nohost" },
    });
    expect((await fetch(`${await beaten.url()}/healthz`)).status).toBe(200);
  });
});
