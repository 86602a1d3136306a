/**
 * The HTTP side of the running CLI, lightly (issue 3 "HTTP", DESIGN §9; endpoint details are tested
 * in server.test.ts): probes, recent errors with what a support ticket needs, the exemplar under
 * OpenMetrics, the status page.
 */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OPENMETRICS_ACCEPT, RESPONSES, scrape, snapshot } from "../helpers/cli-metrics.js";
import { cleanupCli, makeTempDir, spawnCli, waitReady } from "../helpers/cli-process.js";
import { responseBody } from "../helpers/cli-responses.js";
import { waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

interface RecentError {
  requestId: string;
  hostId: string | null;
  code: string;
  message: string | null;
  status: number | "unknown";
  action: string;
  time: string;
  source: string;
}

describe("the running CLI over HTTP", () => {
  it("answers the probes, recent errors, OpenMetrics with exemplars and the status page", async () => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    const file = path.join(dir, "logs", "app.log");
    await writeFile(
      file,
      `${responseBody("success", "OK-1")}\n${responseBody("throttling", "ERR-THROTTLE-1")}\n` +
        `2024-05-01 12:00:00 "POST /?Action=DescribeScalingGroups HTTP/1.1" 500 ` +
        `{"RequestId":"ERR-SERVER-1","HostId":"ess.cn-hangzhou.aliyuncs.com","Code":"InternalError","Message":"boom"}\n`,
    );
    const cli = spawnCli(
      // A relative glob: resolved against the working directory, as a shell user expects.
      // No first sample at zero here: the counts are read at once (issue 8 has its own tests).
      [
        "run",
        "--listen",
        "127.0.0.1:0",
        "--new-series-hold-ms",
        "0",
        "--start-at",
        "beginning",
        "logs/*.log",
      ],
      { cwd: dir },
    );
    const url = await cli.url();

    const healthz = await fetch(`${url}/healthz`);
    expect(healthz.status).toBe(200);
    // Ready once the sources have started; it may answer 503 for a moment before.
    await waitReady(url);
    await waitUntil(
      "3 responses",
      () => snapshot(url, "cli"),
      (s) => s.responses >= 3,
    );

    const recent = await fetch(`${url}/api/v1/recent-errors`);
    expect(recent.status).toBe(200);
    expect(recent.headers.get("content-type")).toMatch(/^application\/json/);
    const { errors } = (await recent.json()) as { errors: RecentError[] };
    // Newest first; the success is not an error.
    expect(errors.map((e) => e.requestId)).toEqual(["ERR-SERVER-1", "ERR-THROTTLE-1"]);
    expect(errors[0]).toMatchObject({
      hostId: "ess.cn-hangzhou.aliyuncs.com",
      code: "InternalError",
      message: "boom",
      status: 500,
      action: "DescribeScalingGroups",
      source: "cli",
    });
    expect(errors[1]).toMatchObject({ hostId: "ess.aliyuncs.com", code: "Throttling", status: 400 });
    for (const e of errors) expect(Number.isNaN(Date.parse(e.time))).toBe(false);

    const om = await scrape(url, OPENMETRICS_ACCEPT);
    expect(om.contentType).toMatch(/^application\/openmetrics-text/);
    expect(om.text.trimEnd().endsWith("# EOF")).toBe(true);
    const throttled = om.samples.find((s) => s.name === RESPONSES && s.labels.code === "Throttling");
    expect(throttled?.exemplar?.labels).toEqual({
      request_id: "ERR-THROTTLE-1",
      host_id: "ess.aliyuncs.com",
    });
    const success = om.samples.find((s) => s.name === RESPONSES && s.labels.category === "success");
    expect(success?.value).toBe(1);
    expect(success?.exemplar).toBeUndefined();

    // The plain text format has no exemplars.
    const plain = await scrape(url);
    expect(plain.contentType).toMatch(/^text\/plain/);
    expect(plain.text).not.toContain("request_id");

    // A later error replaces the exemplar: it always points at a recent request.
    await appendFile(file, `${responseBody("throttling", "ERR-THROTTLE-2")}\n`);
    await waitUntil(
      "the exemplar of the newest throttling error",
      async () =>
        (await scrape(url, OPENMETRICS_ACCEPT)).samples.find(
          (s) => s.name === RESPONSES && s.labels.code === "Throttling",
        )?.exemplar?.labels.request_id,
      (id) => id === "ERR-THROTTLE-2",
    );

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("ERR-SERVER-1");

    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: "POST" })).status).toBe(405);
  });
});
