/**
 * Redaction and event time through the built CLI (issue 8): what `analyze --events` prints and what
 * `run` serves in /api/v1/recent-errors, by default and with redaction turned off.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupCli, makeTempDir, REPO, runCli, spawnCli, waitReady } from "../helpers/cli-process.js";
import { waitUntil } from "../helpers/wait.js";

const FIXTURE = path.join(REPO, "test/fixtures/redaction-messages.log");
const KEY = "LTAI5tAbCdEfGhIjKlMn0001";

afterEach(cleanupCli);

const events = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { message: string; time: string; timeSource: string });

describe("redaction and event time through the CLI", () => {
  it("analyze --events masks credentials unless --no-redact", async () => {
    const masked = await runCli(["analyze", "--events", FIXTURE], { cwd: REPO });
    expect(masked.code).toBe(0);
    expect(masked.stdout).not.toContain(KEY);
    expect(masked.stdout).toContain("LTAI5t…0001");
    expect(events(masked.stdout).map((e) => e.message)[0]).toBe(
      "Specified signature is not matched with our calculation. server string to sign is:[redacted]",
    );
    const open = await runCli(["analyze", "--events", "--no-redact", FIXTURE], { cwd: REPO });
    expect(open.code).toBe(0);
    expect(open.stdout).toContain(KEY);
  });

  it("run serves recent errors with their log time and masked messages; redact: false shows them", async () => {
    for (const redact of [true, false]) {
      const dir = await makeTempDir();
      const log = path.join(dir, "app.log");
      await writeFile(
        log,
        `2026-03-08 07:41:19,250 ERROR ${JSON.stringify({ RequestId: "T-1", Code: "InvalidAccessKeyId.NotFound", Message: `Specified access key is not found: ${KEY}` })}\n` +
          `${JSON.stringify({ RequestId: "T-2", Code: "Throttling", Message: "Request was denied due to request throttling." })}\n`,
      );
      const config = path.join(dir, "config.yaml");
      await writeFile(
        config,
        JSON.stringify({
          listen: "127.0.0.1:0",
          redact,
          sources: [{ name: "app", paths: [log], startAt: "beginning" }],
        }),
      );
      const cli = spawnCli(["run", "--config", config], { cwd: dir });
      const url = await cli.url();
      await waitReady(url);
      const { errors } = await waitUntil(
        "2 recent errors",
        async () =>
          (await (await fetch(`${url}/api/v1/recent-errors`)).json()) as {
            errors: { requestId: string; message: string; time: string; timeSource: string }[];
          },
        (r) => r.errors.length === 2,
      );
      const [newest, oldest] = errors;
      expect(oldest?.requestId).toBe("T-1");
      // vitest.config.ts sets TZ=UTC for the CLI too: a zone-less time is read in UTC.
      expect(oldest?.time).toBe("2026-03-08T07:41:19.250Z");
      expect(oldest?.timeSource).toBe("log");
      expect(newest?.timeSource).toBe("read");
      expect(Math.abs(Date.parse(newest?.time ?? "") - Date.now())).toBeLessThan(60_000);
      expect(oldest?.message).toBe(
        redact
          ? "Specified access key is not found: LTAI5t…0001"
          : `Specified access key is not found: ${KEY}`,
      );
      const page = await (await fetch(`${url}/`)).text();
      expect(page.includes(KEY)).toBe(!redact);
      await cleanupCli();
    }
  });
});
