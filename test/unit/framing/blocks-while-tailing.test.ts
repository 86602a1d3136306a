/**
 * Reviewer's cases for README "SDK error strings" (Blocks) and "One request, counted once" while
 * `run` follows a file that is still being written: a block at the end of the file is settled by
 * `partialLineTimeoutMs` of quiet, a block whose lines arrive in several writes is one response, and
 * a tea block's `Data:` body wins (it is "always" in the block's batch) even when written later.
 * Real file, the built CLI, /metrics and /api/v1/recent-errors on port 0.
 */
import { appendFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RECORDS, RESPONSES, samplesOf, total } from "../../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir } from "../../helpers/cli-process.js";
import { startRun } from "../../helpers/run-cli.js";
import { sleep, waitUntil } from "../../helpers/wait.js";

afterEach(cleanupCli);

const E = JSON.stringify;

async function start(): Promise<{ file: string; url: string }> {
  const dir = await makeTempDir("are-review-blocks-");
  const file = path.join(dir, "app.log");
  await writeFile(file, "");
  const { url } = await startRun(dir, [{ name: "app", paths: [file], partialLineTimeoutMs: 1500 }]);
  return { file, url };
}

interface RecentError {
  requestId: string;
  hostId: string | null;
  code: string;
  status: number | string;
}

async function recent(url: string): Promise<RecentError[]> {
  return ((await (await fetch(`${url}/api/v1/recent-errors`)).json()) as { errors: RecentError[] }).errors;
}

describe("blocks in a followed file", () => {
  it("a Go block at the end of the file is counted after partialLineTimeoutMs of quiet", async () => {
    const { file, url } = await start();
    await appendFile(
      file,
      "SDK.ServerError\nErrorCode: Throttling.User\nRecommend: x\nRequestId: BT-1\nMessage: denied\nRespHeaders: map[]\n",
    );
    const s = await waitUntil(
      "BT-1 counted",
      () => samplesOf(url),
      (v) => total(v, RESPONSES, { code: "Throttling.User" }) === 1,
      15_000,
      50,
    );
    expect(total(s, RECORDS, { result: "non_response" })).toBe(0);
  });

  it("a Java exception whose RequestId line is written 300 ms later is one response", async () => {
    const { file, url } = await start();
    await appendFile(
      file,
      "com.aliyuncs.exceptions.ServerException: Throttling.User : Request was denied.\n",
    );
    await sleep(300);
    await appendFile(
      file,
      "RequestId : BT-2\n\tat com.aliyuncs.DefaultAcsClient.getAcsResponse(DefaultAcsClient.java:1)\n",
    );
    await waitUntil(
      "BT-2 counted",
      () => samplesOf(url),
      (v) => total(v, RESPONSES, { code: "Throttling.User" }) === 1,
      15_000,
      50,
    );
    const errors = await recent(url);
    expect(errors.map((e) => e.requestId)).toEqual(["BT-2"]);
  });

  it("a tea block whose Data line is written 300 ms after its head: the body's fields, counted once", async () => {
    const { file, url } = await start();
    await appendFile(
      file,
      "SDKError:\n   StatusCode: 404\n   Code: InvalidInstanceId.NotFound\n   Message: code: 404, not found request id: BT-3\n",
    );
    await sleep(300);
    await appendFile(
      file,
      `   Data: ${E({ RequestId: "BT-3", HostId: "ecs.cn-beijing.aliyuncs.com", Code: "InvalidInstanceId.NotFound", statusCode: 404 })}\nnext line\n`,
    );
    const s = await waitUntil(
      "BT-3 counted and the next line read",
      () => samplesOf(url),
      (v) => total(v, RECORDS, { result: "non_response" }) === 1,
      15_000,
      50,
    );
    expect(total(s, RESPONSES, { code: "InvalidInstanceId.NotFound", status: "404" })).toBe(1);
    const errors = await recent(url);
    expect(errors.map((e) => [e.requestId, e.hostId, e.status])).toEqual([
      ["BT-3", "ecs.cn-beijing.aliyuncs.com", 404],
    ]);
  });
});
