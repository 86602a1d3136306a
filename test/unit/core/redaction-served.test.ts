/**
 * Reviewer's cases for README "Redaction": credentials in SDK error strings and in bodies inside
 * strings (the wave's new shapes) never reach what is printed (`analyze --events`, `--metrics`) or
 * served (`/api/v1/recent-errors`, the status page, `/metrics`), nor `run`'s own logs.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { analyzeText } from "../../helpers/analyze-cli.js";
import { RESPONSES, samplesOf, total } from "../../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir } from "../../helpers/cli-process.js";
import { startRun } from "../../helpers/run-cli.js";
import { waitUntil } from "../../helpers/wait.js";

afterEach(cleanupCli);

const E = JSON.stringify;
const KEY = "LTAI5tAbCdEfGhIjKlMn";
const TOKEN = "CAIS8gF1q6Ft5B2yfSjIr5bSEsx7ojs8eQFS5ZEO0e2wE";
const SECRET = "Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0";
const SIG = "Zm9vYmFyc2lnbmF0dXJlMTIzNA";

/** Each line carries secrets; every one is an error response. */
const LINES = [
  // python-core SignatureDoesNotMatch with the string to sign (URL-encoded key id and token)
  `aliyunsdkcore.acs_exception.exceptions.ServerException: HTTP Status: 400 Error:SignatureDoesNotMatch Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3D${KEY}0001%26Action%3DDescribeInstances%26SecurityToken%3D${TOKEN}%26SignatureMethod%3DHMAC-SHA1 RequestID: RD-1`,
  // a body's Message quoting a request URL with Signature= and SecurityToken=
  E({
    RequestId: "RD-2",
    Code: "InvalidParameter",
    Message: `bad request https://ecs.aliyuncs.com/?AccessKeyId=${KEY}0002&Signature=${SIG}&SecurityToken=${TOKEN}&SignatureNonce=n1`,
  }),
  // a tea block whose message quotes an Authorization header
  "SDKError:",
  "   StatusCode: 403",
  "   Code: IncompleteSignature",
  `   Message: code: 403, The request signature does not conform to Aliyun standards. Authorization: acs ${KEY}0003:${SIG} request id: RD-3`,
  "",
  // InvalidAccessKeyId names the key id; inside a pino msg (a body in a string)
  E({
    level: 50,
    time: 1764576000000,
    msg: `failed: ${E({ RequestId: "RD-4", Code: "InvalidAccessKeyId.NotFound", Message: `Specified access key is not found: ${KEY}0004` })}`,
  }),
  // a Java exception whose message carries an AccessKeySecret and a bare STS token
  `com.aliyuncs.exceptions.ClientException: InvalidSecurityToken.Expired : token ${TOKEN} expired; config access_key_secret=${SECRET} RequestId : RD-5`,
];
const TEXT = `${LINES.join("\n")}\n`;

function expectClean(text: string, where: string): void {
  for (const secret of [`${KEY}0001`, `${KEY}0002`, `${KEY}0003`, `${KEY}0004`, TOKEN, SECRET, SIG]) {
    expect(text.includes(secret), `${where} shows ${secret}`).toBe(false);
  }
}

describe("redaction of the new shapes", () => {
  it("analyze --events prints no secret, and every response is there", () => {
    const r = analyzeText(TEXT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.events.map((e) => e.requestId)).toEqual(["RD-1", "RD-2", "RD-3", "RD-4", "RD-5"]);
    expectClean(r.stdout, "analyze --events");
    expectClean(r.stderr, "analyze stderr");
    // The key ids stay told apart (first 6, last 4).
    expect(r.events[3]?.message).toBe("Specified access key is not found: LTAI5t…0004");
  });

  it("--no-redact shows them (so the test above can fail)", () => {
    const r = analyzeText(TEXT, { args: ["--no-redact"] });
    expect(r.stdout).toContain(`${KEY}0004`);
    expect(r.stdout).toContain(TOKEN);
  });

  it("run: /api/v1/recent-errors, the status page, /metrics (both formats) and the logs show no secret", async () => {
    const dir = await makeTempDir("are-review-redact-");
    const file = path.join(dir, "app.log");
    await writeFile(file, TEXT);
    const { cli, url } = await startRun(dir, [{ name: "app", paths: [file] }], { logLevel: "debug" });
    await waitUntil(
      "5 error responses",
      () => samplesOf(url),
      (s) => total(s, RESPONSES) === 5,
      20_000,
      50,
    );
    const recent = await (await fetch(`${url}/api/v1/recent-errors`)).text();
    expect((JSON.parse(recent) as { errors: unknown[] }).errors).toHaveLength(5);
    expectClean(recent, "/api/v1/recent-errors");
    expectClean(await (await fetch(`${url}/`)).text(), "the status page");
    expectClean(await (await fetch(`${url}/metrics`)).text(), "/metrics");
    const om = await fetch(`${url}/metrics`, {
      headers: { accept: "application/openmetrics-text;version=1.0.0" },
    });
    expectClean(await om.text(), "/metrics (OpenMetrics, exemplars)");
    await cli.stop();
    expectClean(cli.stderr, "run's logs");
  });
});
