/**
 * SDK error strings and "one request, counted once" through the built CLI (README): `run` tails a
 * real file with two files of one source sharing a request-id window, a user pattern and a source
 * with presets off, checked through /metrics; `check-config` lists every bad `sdkStrings` setting
 * with its path (exit 2).
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { snapshot } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, runCli, spawnCli, waitReady } from "../helpers/cli-process.js";
import { waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

const SOURCE = { startAt: "beginning", pollIntervalMs: 50, globIntervalMs: 200, partialLineTimeoutMs: 300 };

describe("run: SDK strings and duplicates on /metrics", () => {
  it("counts a request once across the files of a source; a source with presets off sees no string", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "app"), { recursive: true });
    await mkdir(path.join(dir, "raw"), { recursive: true });
    const exception = "HTTP Status: 400 Error:Throttling.User Request was denied. RequestID: R-1";
    // app/a.log: the exception; app/b.log: its body, a custom client's line, the exception again.
    await writeFile(path.join(dir, "app", "a.log"), `2026-11-29 ERROR ${exception}\n`);
    await writeFile(
      path.join(dir, "app", "b.log"),
      `{"RequestId":"R-1","Code":"Throttling.User","statusCode":400}\nmyclient failed code=Forbidden.RAM rid=R-2\n${exception}\n`,
    );
    await writeFile(path.join(dir, "raw", "c.log"), `${exception}\n{"RequestId":"R-3"}\n`);
    const config = {
      listen: "127.0.0.1:0",
      // No first sample at zero: the counts are read at once (the hold has tests of its own).
      metrics: { newSeriesHoldMs: 0 },
      sources: [
        {
          name: "app",
          paths: ["app/*.log"],
          ...SOURCE,
          sdkStrings: { patterns: [String.raw`myclient failed code=(?<code>\S+) rid=(?<requestId>\S+)`] },
        },
        { name: "raw", paths: ["raw/*.log"], ...SOURCE, sdkStrings: { presets: false } },
      ],
    };
    const file = path.join(dir, "config.yaml");
    await writeFile(file, JSON.stringify(config));
    const cli = spawnCli(["run", "--config", file], { cwd: dir });
    const url = await cli.url();
    await waitReady(url);

    const app = await waitUntil(
      "app: 2 responses and 2 duplicates",
      () => snapshot(url, "app"),
      (s) => s.records.response === 2 && s.records.duplicate === 2,
    );
    expect(app.records).toMatchObject({ response: 2, duplicate: 2, non_response: 0, malformed: 0 });
    const raw = await waitUntil(
      "raw: 1 response",
      () => snapshot(url, "raw"),
      (s) => s.records.response === 1 && s.records.non_response === 1,
    );
    expect(raw.records).toMatchObject({ response: 1, duplicate: 0, non_response: 1 });
    // The API metrics count each request once: R-1 (throttling), R-2 (the pattern), R-3 (success).
    expect(raw.byKey).toEqual({
      "throttling/Throttling.User/400": 1,
      "auth_error/Forbidden.RAM/unknown": 1,
      "success//unknown": 1,
    });
  });
});

describe("check-config: sdkStrings and dedupWindowIds", () => {
  it("lists every bad setting with its path and exits 2", async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, "bad.yaml");
    await writeFile(
      file,
      [
        "sources:",
        "  - name: app",
        '    paths: ["/x/*.log"]',
        "    dedupWindowIds: -1",
        "    sdkStrings:",
        "      presets: [tea, no-such-preset]",
        "      patterns:",
        "        - 'rid=(?<requestId>\\S+'",
        "        - 'rid=(?<rid>\\S+)'",
        "        - 'rid=(?<requestId>\\S+) (?<code>\\S+)'",
        "  - name: other",
        '    paths: ["/y/*.log"]',
        "    sdkStrings: { presets: yes please }",
      ].join("\n"),
    );
    const r = await runCli(["check-config", file], { cwd: dir });
    expect(r.code).toBe(2);
    const problems = [
      "sources.0.dedupWindowIds: must be at least 0, got -1",
      'sources.0.sdkStrings.presets.1: unknown preset "no-such-preset"',
      "sources.0.sdkStrings.patterns.0: not a valid regular expression",
      "sources.0.sdkStrings.patterns.1: needs a named group (?<requestId>…)",
      'sources.0.sdkStrings.patterns.1: unknown group name "rid"',
      "sources.1.sdkStrings.presets: expected true, false or a list of preset names",
    ];
    const lines = r.stderr.split("\n").map((l) => l.trim());
    for (const p of problems)
      expect(
        lines.some((l) => l.startsWith(p)),
        `missing "${p}" in:\n${r.stderr}`,
      ).toBe(true);
    expect(r.stderr).toContain(`(${problems.length} problems)`);
  });
});
