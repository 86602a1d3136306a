/**
 * Reviewer's cases for README "Container logs" (issue 9): CRI and docker json-file records through
 * `analyze` of the built CLI (format `auto`): partial records joined per stream, the runtime's time,
 * CRLF inside a line, invalid records between valid ones, a cut inside a UTF-8 character, SDK blocks
 * and pretty-printed bodies over several records.
 */
import { describe, expect, it } from "vitest";
import { analyzeText, pick } from "../../helpers/analyze-cli.js";
import { criRecords, dockerRecords, everyBytes } from "../../helpers/container-records.js";

const E = JSON.stringify;
const T = "2026-12-01T08:00:00.123456789Z";
const T_ISO = "2026-12-01T08:00:00.123Z";
const cri = (stream: string, tag: string, text: string, time = T) => `${time} ${stream} ${tag} ${text}\n`;
const bigBody = (id: string, kib: number) =>
  E({ RequestId: id, Items: { Item: [{ Note: "é中".repeat(Math.ceil((kib * 1024) / 5)) }] } });

describe("CRI", () => {
  it("a record's time is the response's time, before the envelope's own", () => {
    const text = cri(
      "stdout",
      "F",
      E({ level: 50, time: 1764576000000, err: { data: { RequestId: "C1", Code: "Throttling" } } }),
    );
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "time", "timeSource", "lineStart"])).toEqual([
      { requestId: "C1", time: T_ISO, timeSource: "log", lineStart: 1 },
    ]);
  });

  it("a 200 KiB body split every 16 KiB is one success; cut inside UTF-8 characters it is unchanged", () => {
    const body = bigBody("C2", 200);
    const r = analyzeText(criRecords(body, everyBytes(body, 16 * 1024)));
    expect(pick(r.events, ["requestId", "category", "lineStart", "lineEnd"])).toEqual([
      { requestId: "C2", category: "success", lineStart: 1, lineEnd: 1 },
    ]);
    expect(r.summary).toMatchObject({ lines: 1, responses: 1, malformedLines: 0, nonResponseLines: 0 });
  });

  it("a message cut in the middle of a multi-byte character keeps its characters", () => {
    const line = E({ RequestId: "C3", Code: "InvalidParameter", Message: "参数无效" });
    const at = Buffer.from(line).indexOf(Buffer.from("无")) + 1; // inside the 3-byte character
    const r = analyzeText(criRecords(line, [at]));
    expect(pick(r.events, ["requestId", "message"])).toEqual([{ requestId: "C3", message: "参数无效" }]);
  });

  it("stdout partials interleaved with a stderr line: both joined, in the order their first record came", () => {
    const a = E({ RequestId: "C4", Code: "Throttling" });
    const text =
      cri("stdout", "P", a.slice(0, 10)) +
      cri("stderr", "F", E({ RequestId: "C5", Code: "InternalError" })) +
      cri("stdout", "F", a.slice(10));
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "lineStart"])).toEqual([
      { requestId: "C4", lineStart: 1 },
      { requestId: "C5", lineStart: 2 },
    ]);
    expect(r.summary).toMatchObject({ lines: 2, responses: 2, malformedLines: 0 });
  });

  it("CRLF inside the line is dropped like a terminator", () => {
    const r = analyzeText(cri("stdout", "F", `${E({ RequestId: "C6", Code: "Throttling" })}\r`));
    expect(pick(r.events, ["requestId", "category"])).toEqual([{ requestId: "C6", category: "throttling" }]);
    expect(r.summary).toMatchObject({ malformedLines: 0 });
  });

  it("invalid records between valid ones are malformed, the valid ones decoded", () => {
    const text = [
      cri("stdout", "F", E({ RequestId: "C7" })),
      "not a cri record at all\n",
      cri("stdout", "X", E({ RequestId: "BAD-1" })),
      `yesterday stdout F ${E({ RequestId: "BAD-2" })}\n`,
      cri("stdout", "F", E({ RequestId: "C8", Code: "InternalError" })),
    ].join("");
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "lineStart"])).toEqual([
      { requestId: "C7", lineStart: 1 },
      { requestId: "C8", lineStart: 5 },
    ]);
    expect(r.summary).toMatchObject({ responses: 2, malformedLines: 3 });
  });

  it("a Java exception over two records is one SDK response, on the lines of its records", () => {
    const text =
      cri("stdout", "F", "other line") +
      cri("stderr", "F", "com.aliyuncs.exceptions.ServerException: Throttling.User : Request was denied.") +
      cri("stderr", "F", "RequestId : C9");
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "code", "format", "lineStart", "lineEnd"])).toEqual([
      { requestId: "C9", code: "Throttling.User", format: "text", lineStart: 2, lineEnd: 3 },
    ]);
  });

  it("a file whose first lines are blank is still detected as CRI", () => {
    const r = analyzeText(`\n\n${cri("stdout", "F", E({ RequestId: "C10", Code: "Throttling" }))}`);
    expect(pick(r.events, ["requestId", "time"])).toEqual([{ requestId: "C10", time: T_ISO }]);
  });
});

describe("the time of a multi-record response", () => {
  it("an SDK block over CRI records with different times takes its first record's time", () => {
    const lines = ["SDK.ServerError", "ErrorCode: Throttling.User", "RequestId: C11", "Message: m"];
    const text = lines.map((l, i) => cri("stderr", "F", l, `2026-12-01T08:00:0${i}.000000000Z`)).join("");
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "time", "lineStart", "lineEnd"])).toEqual([
      { requestId: "C11", time: "2026-12-01T08:00:00.000Z", lineStart: 1, lineEnd: 4 },
    ]);
  });

  it("the same line as a CRI record and as a docker record gives the same event and time", () => {
    const line = E({ RequestId: "C12", Code: "Throttling" });
    const a = analyzeText(cri("stdout", "F", line));
    const b = analyzeText(`${E({ log: `${line}\n`, stream: "stdout", time: T })}\n`);
    expect(pick(a.events, ["requestId", "time"])).toEqual(pick(b.events, ["requestId", "time"]));
  });
});

describe("docker json-file", () => {
  it("CRLF in `log`, the record's time", () => {
    const text = `${E({ log: `${E({ RequestId: "D1", Code: "InternalError" })}\r\n`, stream: "stdout", time: "2026-12-01T08:00:00.5Z" })}\n`;
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "category", "time", "timeSource"])).toEqual([
      { requestId: "D1", category: "server_error", time: "2026-12-01T08:00:00.500Z", timeSource: "log" },
    ]);
    expect(r.summary).toMatchObject({ lines: 1, malformedLines: 0 });
  });

  it("a 40 KiB body in 16 KiB records without `\\n` is one response", () => {
    const body = bigBody("D2", 40);
    const r = analyzeText(dockerRecords(body, everyBytes(body, 16 * 1024)));
    expect(pick(r.events, ["requestId", "category"])).toEqual([{ requestId: "D2", category: "success" }]);
    expect(r.summary).toMatchObject({ lines: 1, responses: 1, malformedLines: 0 });
  });

  it("invalid records between valid ones are malformed, never fatal", () => {
    const ok = (id: string) =>
      `${E({ log: `${E({ RequestId: id, Code: "Throttling" })}\n`, stream: "stdout", time: T })}\n`;
    const text = [
      ok("D3"),
      '{"log":"{\\"RequestId\\":\\"BAD\\"\n',
      `${E({ stream: "stdout", time: T })}\n`,
      `${E({ log: "x\n", stream: "stdout", time: "not a time" })}\n`,
      "\u0000\u0001\u0002 binary\n",
      ok("D4"),
    ].join("");
    const r = analyzeText(text);
    expect(r.code).toBe(0);
    expect(pick(r.events, ["requestId", "lineStart"])).toEqual([
      { requestId: "D3", lineStart: 1 },
      { requestId: "D4", lineStart: 6 },
    ]);
    expect(r.summary).toMatchObject({ responses: 2, malformedLines: 4 });
  });

  it("a record in another member order with invalid UTF-8 in `log` keeps all of its `log`", () => {
    // Each invalid byte becomes U+FFFD (3 bytes): the decoded text is longer than the record.
    const head = Buffer.from('{"stream":"stdout","log":"');
    const bad = Buffer.alloc(300 * 1024, 0xff);
    const tail = Buffer.from(
      `${JSON.stringify(E({ RequestId: "D9", Code: "Throttling" })).slice(1, -1)}\\n","time":"${T}"}\n`,
    );
    const r = analyzeText(Buffer.concat([head, bad, tail]), { args: ["--format", "docker"] });
    expect(pick(r.events, ["requestId", "category"])).toEqual([{ requestId: "D9", category: "throttling" }]);
  });

  it("a Go SDK.ServerError block, one record per line, is one response", () => {
    const lines = [
      "SDK.ServerError",
      "ErrorCode: Throttling.User",
      "Recommend: https://api.aliyun.com/troubleshoot",
      "RequestId: D5",
      "Message: Request was denied due to user flow control.",
      "RespHeaders: map[]",
    ];
    const text = lines.map((l) => `${E({ log: `${l}\n`, stream: "stderr", time: T })}\n`).join("");
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "code", "lineStart", "lineEnd"])).toEqual([
      { requestId: "D5", code: "Throttling.User", lineStart: 1, lineEnd: 6 },
    ]);
    expect(r.summary).toMatchObject({ lines: 6, responses: 1, nonResponseLines: 0 });
  });

  it("a pretty-printed body, one record per line, is one response", () => {
    const body = E({ RequestId: "D6", HostId: "ecs.aliyuncs.com", Code: "Throttling" }, null, 2).split("\n");
    const text = body.map((l) => `${E({ log: `${l}\n`, stream: "stdout", time: T })}\n`).join("");
    const r = analyzeText(text);
    expect(pick(r.events, ["requestId", "code", "lineStart", "lineEnd"])).toEqual([
      { requestId: "D6", code: "Throttling", lineStart: 1, lineEnd: body.length },
    ]);
  });
});
