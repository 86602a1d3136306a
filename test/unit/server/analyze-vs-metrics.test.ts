/**
 * Reviewer's cases: `analyze` and `run`'s /metrics agree on the same input (a dashboard that
 * miscounts is worse than none), and what only `run` applies per source (sdkStrings, the dedup
 * window) does what README "SDK error strings" / "One request, counted once" say. Real file, the
 * built CLI, the real HTTP server on port 0; `run` is waited on until a last sentinel response shows.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { analyzeText, type Json } from "../../helpers/analyze-cli.js";
import { RECORDS, RESPONSES, type Sample, samplesOf, total } from "../../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, runCli } from "../../helpers/cli-process.js";
import { startRun } from "../../helpers/run-cli.js";
import { waitUntil } from "../../helpers/wait.js";

afterEach(cleanupCli);

const E = JSON.stringify;
const SENTINEL = E({ RequestId: "SENTINEL-END", Code: "Sentinel.End" });

interface RunResult {
  readonly samples: Sample[];
  readonly url: string;
}

/** Runs `run` over one file holding `text` + a sentinel line; resolves once the sentinel is counted. */
async function runOver(text: string, source: Json = {}, top: Json = {}): Promise<RunResult> {
  const dir = await makeTempDir("are-review-run-");
  await writeFile(path.join(dir, "app.log"), `${text}${SENTINEL}\n`);
  const { url } = await startRun(
    dir,
    [{ name: "app", paths: ["app.log"], partialLineTimeoutMs: 300, ...source }],
    top,
  );
  const samples = await waitUntil(
    "the sentinel response on /metrics",
    () => samplesOf(url),
    (s) => total(s, RESPONSES, { code: "Sentinel.End" }) === 1,
    30_000,
    50,
  );
  return { samples, url };
}

function byCodeOf(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== RESPONSES || s.value === 0 || s.labels.code === "Sentinel.End") continue;
    const code = s.labels.code as string;
    out[code] = (out[code] ?? 0) + s.value;
  }
  return out;
}

function recordsOf(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== RECORDS || s.labels.source !== "app") continue;
    out[s.labels.result as string] = (out[s.labels.result as string] ?? 0) + s.value;
  }
  return out;
}

const PY = "aliyunsdkcore.acs_exception.exceptions.ServerException";
const MIXED = [
  "service started",
  E({ RequestId: "M-1", HostId: "ecs.aliyuncs.com", Code: "Throttling.User", Message: "slow" }),
  `${PY}: HTTP Status: 400 Error:Throttling.User slow RequestID: M-1`,
  `${PY}: HTTP Status: 403 Error:Forbidden.RAM no RequestID: M-2`,
  E({ level: 30, time: 1764576000000, requestId: "app-1", msg: "done" }),
  E({ level: 50, time: 1764576000000, msg: `failed ${E({ RequestId: "M-3", Code: "InternalError" })}` }),
  "SDKError:",
  "   StatusCode: 400",
  "   Code: InvalidParameter",
  "   Message: code: 400, bad request id: M-4",
  `   Data: ${E({ RequestId: "M-4", Code: "InvalidParameter", Message: "bad", statusCode: 400 })}`,
  '{"RequestId":"M-5","Code":"Thrott',
  `${PY}: HTTP Status: 400 Error:Throttling.User x RequestID: xxx`,
  `${PY}: HTTP Status: 400 Error:Throttling.User x RequestID: xxx`,
  "<Error><RequestId>M-6</RequestId><Code>ServiceUnavailable</Code></Error>",
  E({ RequestId: "M-7" }),
  "",
].join("\n");

describe("analyze --json and run's /metrics count the same input the same way", () => {
  it("per code, duplicates, malformed and non-response lines", async () => {
    const a = analyzeText(`${MIXED}${SENTINEL}\n`);
    expect(a.code, a.stderr).toBe(0);
    const { samples } = await runOver(MIXED);
    const { "Sentinel.End": _s, ...analyzeByCode } = a.summary.byCode as Record<string, number>;
    expect(byCodeOf(samples)).toEqual(analyzeByCode);
    const records = recordsOf(samples);
    expect({
      duplicate: records.duplicate ?? 0,
      malformed: records.malformed ?? 0,
      non_response: records.non_response ?? 0,
      response: (records.response ?? 0) - 1,
    }).toEqual({
      duplicate: a.summary.duplicates,
      malformed: a.summary.malformedLines,
      non_response: a.summary.nonResponseLines,
      response: (a.summary.responses as number) - 1,
    });
    // And the rules' own figures: M-1 once (body), M-2, M-3, M-4 once, xxx twice, M-6, M-7.
    expect(analyzeByCode).toEqual({
      "Throttling.User": 3,
      "Forbidden.RAM": 1,
      InternalError: 1,
      InvalidParameter: 1,
      ServiceUnavailable: 1,
      "": 1,
    });
  });
});

describe('per-source settings: run applies them, analyze --config does not (README "Commands")', () => {
  const pattern = String.raw`billing failed code=(?<code>\S+) status=(?<status>\d+) rid=(?<requestId>[\w-]+)`;
  const text = [
    "billing failed code=Throttling status=429 rid=U-1",
    "billing failed code=Throttling status=429 rid=U-1",
    "",
  ].join("\n");
  const source = { sdkStrings: { patterns: [pattern] }, dedupWindowIds: 0 };

  it("run: a user pattern and dedupWindowIds: 0 count both lines", async () => {
    const { samples } = await runOver(text, source);
    expect(byCodeOf(samples)).toEqual({ Throttling: 2 });
    expect(total(samples, RESPONSES, { code: "Throttling", status: "429", category: "throttling" })).toBe(2);
  });

  it('analyze --config takes error codes, not per-source settings (README "Commands"): the pattern and dedupWindowIds: 0 are not applied', () => {
    const config = E({
      errorCodes: { codes: [{ code: "Sentinel.End", status: 503 }] },
      sources: [{ name: "app", paths: ["app.log"], ...source }],
    });
    const ex = `${PY}: HTTP Status: 400 Error:Throttling.User x RequestID: A-1`;
    const a = analyzeText(`${text}${ex}\n${ex}\n${SENTINEL}\n`, { config });
    expect(a.code, a.stderr).toBe(0);
    expect(a.summary).toMatchObject({
      byCode: { "Throttling.User": 1, "Sentinel.End": 1 },
      byStatus: { "400": 1, "503": 1 },
      nonResponseLines: 2,
      duplicates: 1,
    });
  });

  it("run, dedupWindowIds: 0: a tea block's `Message: code: 400, … request id:` line is not a second response", async () => {
    const tea = [
      "SDKError:",
      "   StatusCode: 400",
      "   Code: Throttling.User",
      "   Message: code: 400, Request was denied due to user flow control. request id: T-1",
      "",
      "",
    ].join("\n");
    const { samples } = await runOver(tea, { dedupWindowIds: 0 });
    expect(byCodeOf(samples)).toEqual({ "Throttling.User": 1 });
  });

  it("run, dedupWindowIds: 2: an id three responses back counts again, one two back does not", async () => {
    const ex = (id: string) => `${PY}: HTTP Status: 400 Error:Throttling.User x RequestID: ${id}`;
    const lines = ["W-1", "W-2", "W-3", "W-1", "W-1"].map(ex);
    const { samples } = await runOver(`${lines.join("\n")}\n`, { dedupWindowIds: 2 });
    expect(byCodeOf(samples)).toEqual({ "Throttling.User": 4 });
    expect(recordsOf(samples).duplicate ?? 0).toBe(1);
  });

  it("run: a user pattern whose requestId group captures nothing gives no response", async () => {
    const pat = String.raw`call failed code=(?<code>\S+) rid=(?<requestId>\S*)`;
    const { samples } = await runOver(
      "call failed code=Throttling rid=\ncall failed code=Throttling rid= \n",
      {
        sdkStrings: { patterns: [pat] },
      },
    );
    expect(byCodeOf(samples)).toEqual({});
    expect(recordsOf(samples).non_response).toBe(2);
  });

  it("run, presets: [python-core]: a Go block is not recognised, the Python string is", async () => {
    const go = [
      "SDK.ServerError",
      "ErrorCode: Throttling.User",
      "Recommend: x",
      "RequestId: G-1",
      "Message: m",
      "",
    ];
    const text2 = [`${PY}: HTTP Status: 400 Error:Throttling.User x RequestID: P-1`, ...go].join("\n");
    const { samples } = await runOver(text2, { sdkStrings: { presets: ["python-core"] } });
    expect(byCodeOf(samples)).toEqual({ "Throttling.User": 1 });
  });
});

describe("the window is per source, and duplicates stay out of recent errors", () => {
  it("the same request in two sources counts in each; within a source once, the body's fields in recent errors", async () => {
    const dir = await makeTempDir("are-review-run-");
    const ex = `${PY}: HTTP Status: 400 Error:Throttling.User x RequestID: X-1`;
    const body = E({ RequestId: "X-1", HostId: "ess.aliyuncs.com", Code: "Throttling.User" });
    await writeFile(path.join(dir, "a.log"), `${ex}\n${body}\n${ex}\n${SENTINEL}\n`);
    await writeFile(path.join(dir, "b.log"), `${ex}\n${SENTINEL}\n`);
    const { url } = await startRun(dir, [
      { name: "a", paths: ["a.log"] },
      { name: "b", paths: ["b.log"] },
    ]);
    const samples = await waitUntil(
      "both sentinels",
      () => samplesOf(url),
      (s) => total(s, RESPONSES, { code: "Sentinel.End" }) === 2,
      30_000,
      50,
    );
    expect(total(samples, RESPONSES, { code: "Throttling.User" })).toBe(2);
    expect(total(samples, RECORDS, { source: "a", result: "duplicate" })).toBe(2);
    expect(total(samples, RECORDS, { source: "b", result: "duplicate" })).toBe(0);
    const errors = ((await (await fetch(`${url}/api/v1/recent-errors`)).json()) as { errors: Json[] }).errors;
    const x1 = errors.filter((e) => e.requestId === "X-1");
    expect(x1.map((e) => [e.source, e.hostId]).sort()).toEqual([
      ["a", "ess.aliyuncs.com"],
      ["b", null],
    ]);
  });
});

describe("analyze of a file and of the same bytes on stdin agree", () => {
  it("same summary", async () => {
    const dir = await makeTempDir("are-review-run-");
    await writeFile(path.join(dir, "m.log"), MIXED);
    const file = await runCli(["analyze", "--json", "m.log"], { cwd: dir });
    const stdin = await runCli(["analyze", "--json", "-"], { cwd: dir, input: MIXED });
    expect(file.code).toBe(0);
    const { bytes: _b1, ...a } = JSON.parse(file.stdout) as Json;
    const { bytes: _b2, ...b } = JSON.parse(stdin.stdout) as Json;
    expect(b).toEqual(a);
  });
});
