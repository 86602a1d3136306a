/**
 * Reviewer's cases for README "Configuration": a bad config stops `check-config`, `run` and
 * `analyze --config` at start with exit 2 and every problem listed with its path, the wave's new
 * keys included (`format`, `pathLabels`, `sdkStrings`, `dedupWindowIds`). Through the built CLI.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupCli, makeTempDir, runCli } from "../../helpers/cli-process.js";

afterEach(cleanupCli);

const BAD = [
  'listen: "9787"',
  "labelCaps:",
  "  code: -5",
  "sources:",
  "  - name: app",
  '    paths: ["/var/log/app/*.log"]',
  "    format: json",
  "    pathLabels: [node]",
  "    dedupWindowIds: -1",
  "    sdkStrings:",
  "      presets: [python-core, no-such-preset]",
  "      patterns:",
  "        - '(unclosed'",
  "        - 'code=(?<code>\\S+)'",
  "        - 'rid=(?<requestId>\\S+) x=(?<other>\\S+)'",
  "  - name: app",
  '    paths: ["/var/log/other/*.log"]',
  "    start_at: beginning",
  "",
].join("\n");

/** Each problem's path, as README "Configuration" prints them (`path: message`). */
const PATHS = [
  "listen",
  "labelCaps.code",
  "sources.0.format",
  "sources.0.pathLabels.0",
  "sources.0.dedupWindowIds",
  "sources.0.sdkStrings.presets.1",
  "sources.0.sdkStrings.patterns.0",
  "sources.0.sdkStrings.patterns.1",
  "sources.0.sdkStrings.patterns.2",
  "sources.1.name",
  "sources.1.start_at",
];

describe("a config with eleven problems", () => {
  for (const cmd of [["check-config"], ["run", "--config"], ["analyze", "--config"]]) {
    it(`${cmd.join(" ")}: exit 2, every problem with its path`, async () => {
      const dir = await makeTempDir("are-review-cfg-");
      const file = path.join(dir, "bad.yaml");
      await writeFile(file, BAD);
      await writeFile(path.join(dir, "in.log"), "x\n");
      const args = cmd[0] === "analyze" ? [...cmd, file, path.join(dir, "in.log")] : [...cmd, file];
      const r = await runCli(args, { cwd: dir, timeoutMs: 20_000 });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      const lines = r.stderr.split("\n").map((l) => l.trim());
      const missing = PATHS.filter((p) => !lines.some((l) => l.startsWith(`${p}:`)));
      expect(missing, r.stderr).toEqual([]);
      expect(r.stderr).toContain(`(${PATHS.length} problems)`);
      expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    });
  }
});

describe("other bad starts", () => {
  it("YAML that does not parse: exit 2, the file and the line named", async () => {
    const dir = await makeTempDir("are-review-cfg-");
    const file = path.join(dir, "broken.yaml");
    await writeFile(file, "sources:\n  - name: app\n    paths: [unclosed\n");
    const r = await runCli(["check-config", file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken.yaml");
    expect(r.stderr).toMatch(/line \d+/);
  });

  it("analyze --format bogus: exit 2 naming the value", async () => {
    const dir = await makeTempDir("are-review-cfg-");
    await writeFile(path.join(dir, "in.log"), "x\n");
    const r = await runCli(["analyze", "--format", "bogus", "in.log"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bogus");
  });
});
