/**
 * Standard input through the built CLI (issue 3, DESIGN §7): `run -` serves what is piped in, and
 * `analyze` reads stdin once (`--json`, `--events`), with its exit codes: 0 on any data, 2 on bad
 * usage with the reason on stderr.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync, readSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { snapshot } from "../helpers/cli-metrics.js";
import { CLI, cleanupCli, makeTempDir, runCli, spawnCli } from "../helpers/cli-process.js";
import { ResponseLedger, responseBody } from "../helpers/cli-responses.js";
import { expectMetricDelta, waitUntil } from "../helpers/wait.js";

afterEach(cleanupCli);

/** One of each shape analyze must find: NDJSON, an access-log line, XML, a success, pretty JSON. */
const MIXED = `{"RequestId":"E-1","HostId":"ess.aliyuncs.com","Code":"Throttling","Message":"Request was denied due to request throttling."}
2024-05-01 12:00:00 INFO access "POST /?Action=DescribeScalingGroups HTTP/1.1" 403 {"RequestId":"E-2","HostId":"ess.aliyuncs.com","Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource."}
not a response at all

<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <RequestId>E-3</RequestId>
  <HostId>ecs.aliyuncs.com</HostId>
  <Code>InternalError</Code>
  <Message>The request processing has failed due to some unknown error.</Message>
</Error>
{"RequestId":"S-1"}
2024-05-01 12:00:01 DEBUG response: {
  "RequestId": "E-4",
  "HostId": "ecs.aliyuncs.com",
  "Code": "InvalidParameter",
  "Message": "The specified value of parameter ScalingGroupId is not valid."
}
`;

/** Deterministic junk: bytes from a small LCG, with NULs, high bytes and a few newlines. */
function binaryJunk(n: number, seed = 42): Buffer {
  const buf = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x >> 16;
  }
  return buf;
}

describe("run - (stdin as the source)", () => {
  it("counts what is piped in, including a last line without a newline at the end of input", async () => {
    const dir = await makeTempDir();
    const cli = spawnCli(["run", "--listen", "127.0.0.1:0", "--new-series-hold-ms", "0", "-"], {
      cwd: dir,
      stdin: "pipe",
    });
    const url = await cli.url();
    const stdin = cli.child.stdin;
    if (stdin === null) throw new Error("no stdin pipe");
    const ledger = new ResponseLedger();

    stdin.write(ledger.lines(3));
    let s = await waitUntil(
      "3 responses from stdin",
      () => snapshot(url, "cli"),
      (x) => x.responses >= 3,
    );
    expect(s.byKey).toEqual(ledger.expected());

    const responses = async () => (await snapshot(url, "cli")).responses;
    const nonResponses = async () => (await snapshot(url, "cli")).records.non_response ?? 0;
    const fourMore = await expectMetricDelta("responses from stdin", responses, 4);
    const oneGarbage = await expectMetricDelta("non-responses from stdin", nonResponses, 1);
    stdin.write(`${ledger.lines(4)}garbage line\n`);
    await fourMore();
    await oneGarbage();
    s = await snapshot(url, "cli");
    expect(s.byKey).toEqual(ledger.expected());

    // The end of input completes the last line.
    ledger.count("internalError");
    const lastLine = await expectMetricDelta("the unterminated last line at the end of input", responses, 1);
    stdin.end(responseBody("internalError", "LAST-1"));
    await lastLine();
    s = await snapshot(url, "cli");
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.records).toMatchObject({ response: 8, non_response: 1, malformed: 0 });

    const exit = await cli.stop("SIGTERM");
    expect(exit.code, cli.stderr).toBe(0);
  });
});

describe("analyze with stdin", () => {
  it("--json - prints one summary object with exact totals", async () => {
    const dir = await makeTempDir();
    const r = await runCli(["analyze", "--json", "-"], { cwd: dir, input: MIXED });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      lines: 17,
      bytes: Buffer.byteLength(MIXED),
      responses: 5,
      success: 1,
      errors: 4,
      throttled: 1,
      byCode: { Throttling: 1, "Forbidden.RAM": 1, InternalError: 1, "": 1, InvalidParameter: 1 },
      byStatus: { "400": 2, "403": 1, "500": 1, unknown: 1 },
      byCategory: { throttling: 1, auth_error: 1, server_error: 1, success: 1, client_error: 1 },
      unrecognizedLines: 1,
      malformedLines: 0,
      nonResponseLines: 1,
      oversizedLines: 0,
      duplicates: 0,
    });
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("stdin redirected from a file gives the totals of what follows stdin's offset", async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, "mixed.log");
    const skipped = '{"RequestId":"SKIPPED-1","Code":"Throttling"}\n';
    await writeFile(file, skipped + MIXED);
    const rest = path.join(dir, "rest.log");
    await writeFile(rest, MIXED);
    const fd = openSync(file, "r");
    try {
      // The shell's `(read a line; analyze -) < file`: the child starts where stdin's offset is.
      readSync(fd, Buffer.alloc(skipped.length), 0, skipped.length, null);
      const child = spawn(process.execPath, [CLI, "analyze", "--json", "-"], {
        cwd: dir,
        stdio: [fd, "pipe", "pipe"],
      });
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const [code] = (await once(child, "close")) as [number];
      expect(code).toBe(0);
      const fromFile = await runCli(["analyze", "--json", rest], { cwd: dir });
      expect(JSON.parse(out)).toEqual(JSON.parse(fromFile.stdout));
      expect(JSON.parse(out).responses).toBe(5);
    } finally {
      closeSync(fd);
    }
  });

  it("--events - prints one NDJSON event per response, in input order", async () => {
    const dir = await makeTempDir();
    const r = await runCli(["analyze", "--events", "-"], { cwd: dir, input: MIXED });
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.requestId)).toEqual(["E-1", "E-2", "E-3", "S-1", "E-4"]);
    const fields = [
      "requestId",
      "hostId",
      "code",
      "message",
      "status",
      "statusSource",
      "category",
      "error",
      "retryable",
      "action",
      "format",
      "source",
      "lineStart",
      "lineEnd",
    ];
    for (const e of events) expect(Object.keys(e)).toEqual(expect.arrayContaining(fields));
    expect(events[0]).toMatchObject({
      hostId: "ess.aliyuncs.com",
      code: "Throttling",
      status: 400,
      statusSource: "catalog",
      category: "throttling",
      error: true,
      retryable: true,
      format: "json",
      lineStart: 1,
      lineEnd: 1,
    });
    expect(events[1]).toMatchObject({
      code: "Forbidden.RAM",
      status: 403,
      statusSource: "line",
      category: "auth_error",
      retryable: false,
      action: "DescribeScalingGroups",
    });
    expect(events[2]).toMatchObject({
      hostId: "ecs.aliyuncs.com",
      code: "InternalError",
      status: 500,
      category: "server_error",
      retryable: true,
      format: "xml",
      lineStart: 5,
      lineEnd: 11,
    });
    expect(events[3]).toMatchObject({
      hostId: null,
      code: "",
      status: "unknown",
      statusSource: "none",
      category: "success",
      error: false,
      lineStart: 12,
      lineEnd: 12,
    });
    expect(events[4]).toMatchObject({
      code: "InvalidParameter",
      status: 400,
      category: "client_error",
      format: "json",
      lineStart: 13,
      lineEnd: 18,
    });
  });
});

describe("analyze exit codes", () => {
  it("exits 0 on any data: binary junk on stdin, a binary file, empty input", async () => {
    const dir = await makeTempDir();
    const junk = binaryJunk(20_000);
    const fromStdin = await runCli(["analyze", "--json", "-"], { cwd: dir, input: junk });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    const summary = JSON.parse(fromStdin.stdout) as Record<string, number>;
    expect(summary).toMatchObject({ bytes: junk.length, responses: 0 });
    expect(summary.unrecognizedLines).toBe(summary.lines);

    const file = path.join(dir, "junk.bin");
    await writeFile(file, Buffer.concat([junk, Buffer.from(`\n${responseBody("throttling", "IN-JUNK")}\n`)]));
    const fromFile = await runCli(["analyze", "--json", file], { cwd: dir });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ responses: 1, throttled: 1 });

    const empty = await runCli(["analyze", "--json", "-"], { cwd: dir, input: "" });
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ lines: 0, bytes: 0, responses: 0 });

    // The readable summary (the default output) on junk too.
    const readable = await runCli(["analyze", "-"], { cwd: dir, input: junk });
    expect(readable.code, readable.stderr).toBe(0);
    expect(readable.stdout).toMatch(/Responses\s+0/);
  });

  it("exits 2 on a missing file and says which", async () => {
    const dir = await makeTempDir();
    const r = await runCli(["analyze", "--json", "missing.log"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing.log");
    expect(r.stderr).toMatch(/no such file/i);
    expect(r.stdout).toBe("");
  });

  it("exits 2 on an unknown flag and names it", async () => {
    const dir = await makeTempDir();
    const r = await runCli(["analyze", "--bogus", "-"], { cwd: dir, input: responseBody("success", "S") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");
    expect(r.stdout).toBe("");
  });

  it("exits 2 when stdin is named twice", async () => {
    const dir = await makeTempDir();
    const r = await runCli(["analyze", "--json", "-", "-"], { cwd: dir, input: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stdin/);
  });
});
