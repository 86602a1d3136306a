/**
 * Reviewer's cases for what `run` serves from log text (README "HTTP endpoints", "The status page",
 * "Redaction", `limits.maxMessageLength`): markup in messages and codes is shown as text on the
 * status page (never as HTML), and a message cut to its length limit never shows more of a secret
 * than the mask does. Real file, the built CLI, the HTTP server on port 0.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RESPONSES, samplesOf, total } from "../../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir } from "../../helpers/cli-process.js";
import { startRun } from "../../helpers/run-cli.js";
import { waitUntil } from "../../helpers/wait.js";

afterEach(cleanupCli);

const E = JSON.stringify;

async function serve(lines: readonly string[], top: Record<string, unknown> = {}): Promise<string> {
  const dir = await makeTempDir("are-review-served-");
  const file = path.join(dir, "app.log");
  await writeFile(file, `${lines.join("\n")}\n`);
  const { url } = await startRun(dir, [{ name: "app", paths: [file] }], top);
  await waitUntil(
    `${lines.length} responses`,
    () => samplesOf(url),
    (s) => total(s, RESPONSES) === lines.length,
    20_000,
    50,
  );
  return url;
}

describe("the status page shows log text as text", () => {
  it("a message and a code with markup are escaped", async () => {
    const url = await serve([
      E({
        RequestId: "H-1",
        Code: "InvalidParameter",
        Message: '<script>alert("m")</script><img src=x onerror=alert(1)>',
      }),
      "aliyunsdkcore.acs_exception.exceptions.ServerException: HTTP Status: 400 Error:<svg/onload=alert(2)> x RequestID: H-2",
    ]);
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain("H-1");
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img src=x");
    expect(page).not.toContain("<svg/onload");
    const filtered = await (
      await fetch(`${url}/?code=${encodeURIComponent("<svg/onload=alert(2)>")}`)
    ).text();
    expect(filtered).not.toContain("<svg/onload");
  });
});

describe("a message cut to limits.maxMessageLength shows no more of a secret than the mask", () => {
  it("an AccessKey id and a token across the cut", async () => {
    const KEY = "LTAI5tAbCdEfGhIjKlMn0001";
    const TOKEN = "CAIS8gF1q6Ft5B2yfSjIr5bSEsx7ojs8eQFS5ZEO0e2wE";
    // The key starts 8 characters before the 200-character cut; the token 10 characters before it.
    const m1 = `${"a".repeat(192)}${KEY} tail`;
    const m2 = `${"b".repeat(176)}SecurityToken=${TOKEN} tail`;
    const url = await serve(
      [
        E({ RequestId: "K-1", Code: "InvalidAccessKeyId.NotFound", Message: m1 }),
        E({ RequestId: "K-2", Code: "InvalidSecurityToken.Expired", Message: m2 }),
      ],
      { limits: { maxMessageLength: 200 } },
    );
    const recent = await (await fetch(`${url}/api/v1/recent-errors`)).text();
    expect(recent).toContain("K-1");
    expect(recent).not.toContain(KEY.slice(0, 8));
    expect(recent).not.toContain(TOKEN.slice(0, 8));
    const page = await (await fetch(`${url}/`)).text();
    expect(page).not.toContain(KEY.slice(0, 8));
    expect(page).not.toContain(TOKEN.slice(0, 8));
  });
});
