/**
 * "Seeing nothing is visible" (issue 7 item 3): a source whose paths match no file is warned about
 * at start (naming its globs and why each matches nothing), exported as
 * `aliyun_response_exporter_source_files{source} 0`, listed in red on the status page and in
 * `/api/v1/status`, and said in the body of `/readyz`, which stays 200 (it must never take the
 * application of a sidecar pod out of service). The warning repeats, rate-limited, while it lasts.
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/load.js";
import { METRICS } from "../../src/metrics/catalog.js";
import { samplesOf } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, spawnCli, waitReady } from "../helpers/cli-process.js";
import { responseBody } from "../helpers/cli-responses.js";
import { waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

const filesOf = async (url: string): Promise<Record<string, number>> =>
  Object.fromEntries(
    (await samplesOf(url))
      .filter((s) => s.name === METRICS.sourceFiles.name)
      .map((s) => [s.labels.source as string, s.value]),
  );

describe("a source that matches no files", () => {
  it("is warned about at start, exported as 0 files, red on the status page, said by /readyz (200)", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    await writeFile(path.join(dir, "logs", "a.log"), `${responseBody("success", "R-1")}\n`);
    const config = path.join(dir, "config.yaml");
    const sources = [
      { name: "app", paths: ["logs/*.log"], startAt: "beginning" },
      // The usual mistakes: a missing directory, a directory given where a file is meant.
      { name: "ghost", paths: ["missing/*.log", "logs"], globIntervalMs: 100, pollIntervalMs: 50 },
    ];
    await writeFile(config, JSON.stringify({ listen: "127.0.0.1:0", sources }));
    const cli = spawnCli(["run", "--config", config], { cwd: dir });
    const url = await cli.url();
    await waitReady(url);

    const warning = await waitUntil(
      "the no-files warning",
      () => cli.logsWith("source matches no files", { source: "ghost" }),
      (w) => w.length > 0,
    );
    expect(warning[0]).toMatchObject({
      level: 40,
      paths: [path.join(dir, "missing/*.log"), path.join(dir, "logs")],
      hints: [
        `directory ${path.join(dir, "missing")} does not exist (or is not mounted)`,
        `${path.join(dir, "logs")} is a directory: give a glob such as ${path.join(dir, "logs")}/*.log`,
      ],
    });
    expect(cli.logsWith("source matches no files", { source: "app" })).toHaveLength(0);
    expect(await filesOf(url)).toEqual({ app: 1, ghost: 0 });

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const problem = `source ghost matches no files (${path.join(dir, "missing/*.log")}, ${path.join(dir, "logs")})`;
    expect(await ready.text()).toBe(`ready; problems:\n${problem}\n`);

    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain(`<ul class="bad problems"><li>${problem}</li></ul>`);
    const status = (await (await fetch(`${url}/api/v1/status`)).json()) as {
      problems: string[];
      sources: { name: string; files: number; noFiles: boolean; hints: string[] }[];
    };
    expect(status.problems).toEqual([problem]);
    expect(status.sources.map((s) => [s.name, s.files, s.noFiles])).toEqual([
      ["app", 1, false],
      ["ghost", 0, true],
    ]);

    // The directory appears with a log in it: the gauge follows, the problem is gone.
    await mkdir(path.join(dir, "missing"));
    await writeFile(path.join(dir, "missing", "x.log"), "");
    await waitUntil(
      "ghost to follow its file",
      () => filesOf(url),
      (f) => f.ghost === 1,
    );
    await waitUntil(
      "the all-clear log line",
      () => cli.logsWith("source matches files again", { source: "ghost" }),
      (l) => l.length === 1,
    );
    expect(await (await fetch(`${url}/readyz`)).text()).toBe("ready\n");
    expect(await (await fetch(`${url}/`)).text()).not.toContain('class="bad problems"');
  });
});

describe("the repeated warning", () => {
  it("comes again while the source still sees nothing, at most once per interval", async () => {
    const dir = await makeTempDir();
    let out = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: "warn" }, sink);
    const config = loadConfig({
      env: {},
      cwd: dir,
      overrides: { listen: "127.0.0.1:0", paths: [path.join(dir, "nothing/*.log")] },
    });
    const intervalMs = 200;
    const app = await startApp(config, logger, { warnIntervalMs: intervalMs });
    const t0 = Date.now();
    try {
      const warnings = () => out.split("\n").filter((l) => l.includes('"msg":"source matches no files"'));
      await waitUntil("three warnings", warnings, (w) => w.length >= 3);
      const elapsed = Date.now() - t0;
      // Rate-limited: about one per interval (plus the one at start), never a burst.
      expect(warnings().length).toBeLessThanOrEqual(Math.floor(elapsed / (0.9 * intervalMs)) + 2);
    } finally {
      await app.stop();
    }
  });
});
