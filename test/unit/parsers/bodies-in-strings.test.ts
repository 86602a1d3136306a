/**
 * Reviewer's cases for README "Bodies inside strings" and issue 12 §1: the four examples of the
 * issue with their physical line (`lineStart`/`lineEnd`), the enclosing object's action and
 * `wrapper` status, the text before a quoted string giving the `line` status and `Action=`, and the
 * same body escaped at depth 0–3 giving the same fields. Through the built CLI on a real file.
 */
import { describe, expect, it } from "vitest";
import { analyzeText, pick } from "../../helpers/analyze-cli.js";

const E = JSON.stringify;

describe("the four examples of issue 12 §1, after a plain first line", () => {
  const lines = [
    "service started",
    String.raw`{"level":50,"time":1764576000000,"msg":"aliyun call failed: {\"RequestId\":\"A1\",\"Code\":\"Throttling.User\",\"Message\":\"Request was denied due to user flow control.\"}"}`,
    String.raw`{"level":30,"msg":"DescribeInstances ok","response":"{\"RequestId\":\"A2\",\"Instances\":{\"Instance\":[]}}"}`,
    String.raw`{"log":"{\"level\":50,\"msg\":\"{\\\"RequestId\\\":\\\"A3\\\",\\\"Code\\\":\\\"InternalError\\\"}\"}\n","stream":"stdout","time":"2026-12-01T08:00:00.5Z"}`,
    String.raw`StatusCodeError: 403 - "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>AccessDenied</Code>\n  <RequestId>5E9B0001</RequestId>\n  <HostId>b.oss-cn-hangzhou.aliyuncs.com</HostId>\n</Error>\n"`,
  ];
  it("finds each on its own physical line with its fields", () => {
    const r = analyzeText(`${lines.join("\n")}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(
      pick(r.events, ["requestId", "hostId", "code", "category", "format", "lineStart", "lineEnd"]),
    ).toEqual([
      {
        requestId: "A1",
        hostId: null,
        code: "Throttling.User",
        category: "throttling",
        format: "json",
        lineStart: 2,
        lineEnd: 2,
      },
      {
        requestId: "A2",
        hostId: null,
        code: "",
        category: "success",
        format: "json",
        lineStart: 3,
        lineEnd: 3,
      },
      {
        requestId: "A3",
        hostId: null,
        code: "InternalError",
        category: "server_error",
        format: "json",
        lineStart: 4,
        lineEnd: 4,
      },
      {
        requestId: "5E9B0001",
        hostId: "b.oss-cn-hangzhou.aliyuncs.com",
        code: "AccessDenied",
        // No status the rules read (`StatusCodeError: 403` is none of them), and AccessDenied is
        // not among the auth codes: client_error (README "Classification").
        category: "client_error",
        format: "xml",
        lineStart: 5,
        lineEnd: 5,
      },
    ]);
    // The pino envelope's time is the event's time (README "Event time").
    expect(r.events[0]).toMatchObject({ time: "2025-12-01T08:00:00.000Z", timeSource: "log" });
    expect(r.summary).toMatchObject({ lines: 5, responses: 4, nonResponseLines: 1, malformedLines: 0 });
  });
});

describe("the objects around a string give the action and the wrapper status", () => {
  it("a log object's action and statusCode apply to the body in its msg", () => {
    const line = E({
      level: 50,
      time: "2026-11-29T10:00:00.000Z",
      action: "DescribeInstances",
      statusCode: 403,
      msg: `failed: ${E({ RequestId: "W1", Code: "Forbidden.RAM" })}`,
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "action", "status", "statusSource", "category"])).toEqual([
      {
        requestId: "W1",
        action: "DescribeInstances",
        status: 403,
        statusSource: "wrapper",
        category: "auth_error",
      },
    ]);
  });

  it("the text before a quoted string in free text gives Action= and the line status", () => {
    const line = String.raw`10.0.0.1 - - [29/Nov/2026:10:00:00 +0800] "POST /?Action=RunInstances HTTP/1.1" 400 error="{\"RequestId\":\"W2\",\"Code\":\"InvalidParameter\"}"`;
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "action", "status", "statusSource", "code"])).toEqual([
      {
        requestId: "W2",
        action: "RunInstances",
        status: 400,
        statusSource: "line",
        code: "InvalidParameter",
      },
    ]);
  });

  it("a body's own statusCode beats the wrapper's", () => {
    const line = E({
      level: 50,
      time: 1764576000000,
      statusCode: 500,
      msg: `x ${E({ RequestId: "W3", Code: "Throttling", statusCode: 429 })}`,
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "status", "statusSource", "category"])).toEqual([
      { requestId: "W3", status: 429, statusSource: "body", category: "throttling" },
    ]);
  });
});

describe("other string shapes of the README table", () => {
  it("an XML body in a `body` string with Go's \\u003c escapes", () => {
    const line = String.raw`{"level":"error","ts":1764576000.5,"msg":"oss failed","body":"\u003c?xml version=\"1.0\" encoding=\"UTF-8\"?\u003e\n\u003cError\u003e\n  \u003cCode\u003eNoSuchBucket\u003c/Code\u003e\n  \u003cMessage\u003eThe specified bucket does not exist.\u003c/Message\u003e\n  \u003cRequestId\u003eX7\u003c/RequestId\u003e\n  \u003cHostId\u003enob.oss-cn-beijing.aliyuncs.com\u003c/HostId\u003e\n\u003c/Error\u003e\n"}`;
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "hostId", "code", "message", "format", "lineStart"])).toEqual([
      {
        requestId: "X7",
        hostId: "nob.oss-cn-beijing.aliyuncs.com",
        code: "NoSuchBucket",
        message: "The specified bucket does not exist.",
        format: "xml",
        lineStart: 1,
      },
    ]);
  });

  it("a pretty-printed body inside a string (its \\n lines are lines) keeps the one physical line", () => {
    const body = E(
      { RequestId: "P1", HostId: "ecs.aliyuncs.com", Code: "Throttling", Message: "slow down" },
      null,
      2,
    );
    const lines = ["first", E({ level: 50, time: 1764576000000, msg: `response:\n${body}\n` }), "last"];
    const r = analyzeText(`${lines.join("\n")}\n`);
    expect(pick(r.events, ["requestId", "code", "lineStart", "lineEnd"])).toEqual([
      { requestId: "P1", code: "Throttling", lineStart: 2, lineEnd: 2 },
    ]);
    expect(r.summary).toMatchObject({ lines: 3, responses: 1, nonResponseLines: 2, malformedLines: 0 });
  });

  // README "What counts as a response": the shallowest object with a request id is the response, and
  // a success body with nested items that carry RequestId/Code keys is still one success.
  it("a body inside a string member of a success body is not a second response (the shallowest wins)", () => {
    const line = E({
      RequestId: "S0",
      Items: { Item: [{ Note: E({ RequestId: "inner", Code: "Throttling" }) }] },
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "category"])).toEqual([{ requestId: "S0", category: "success" }]);
    expect(r.summary).toMatchObject({ responses: 1 });
  });
});

describe("the same body escaped at depth 0, 1, 2 and 3 gives the same event fields", () => {
  const body = {
    RequestId: "D-1",
    HostId: "ecs.cn-hangzhou.aliyuncs.com",
    Code: "InvalidParameter",
    Message: 'The parameter "Name" is not valid: C:\\temp\\x ü 中文 \u2028 tab\there',
  };
  const depth0 = E(body);
  const depth1 = E({ level: 50, time: 1764576000000, msg: `call failed: ${depth0}` });
  const depth2 = E({ log: `${depth1}\n`, stream: "stdout", time: "2026-12-01T08:00:00Z" });
  const depth3 = E({ wrapper: `outer ${depth2}` });
  const keys = ["requestId", "hostId", "code", "message", "category", "format"];
  const expected = {
    requestId: "D-1",
    hostId: "ecs.cn-hangzhou.aliyuncs.com",
    code: "InvalidParameter",
    message: body.Message,
    category: "client_error",
    format: "json",
  };
  for (const [name, line] of [
    ["depth 0", depth0],
    ["depth 1", depth1],
    ["depth 2", depth2],
    ["depth 3", depth3],
  ] as const) {
    it(name, () => {
      const r = analyzeText(`plain\n${line}\n`);
      expect(pick(r.events, keys)).toEqual([expected]);
      expect(r.events[0]).toMatchObject({ lineStart: 2, lineEnd: 2 });
    });
  }
});

describe("SDK strings inside string values", () => {
  it("a Go tea SDKError block in a logrus `error` string: one response with the block's status", () => {
    const line = E({
      level: "error",
      msg: "create instance failed",
      time: "2026-11-29T10:00:00Z",
      error:
        'SDKError:\n   StatusCode: 403\n   Code: Forbidden.RAM\n   Message: code: 403, User not authorized request id: S3\n   Data: {"Code":"Forbidden.RAM","Message":"User not authorized","RequestId":"S3"}\n',
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "code", "status", "category", "lineStart", "lineEnd"])).toEqual([
      {
        requestId: "S3",
        code: "Forbidden.RAM",
        status: 403,
        category: "auth_error",
        lineStart: 1,
        lineEnd: 1,
      },
    ]);
    expect(r.summary).toMatchObject({ lines: 1, responses: 1 });
  });

  it("an SDK exception in a pino msg is a text response with the envelope's time", () => {
    const line = E({
      level: 50,
      time: 1764576000000,
      pid: 1,
      hostname: "h",
      requestId: "app-req-9",
      msg: "HTTP Status: 400 Error:Throttling.User Request was denied due to user flow control. RequestID: S1",
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "code", "status", "format", "time"])).toEqual([
      {
        requestId: "S1",
        code: "Throttling.User",
        status: 400,
        format: "text",
        time: "2025-12-01T08:00:00.000Z",
      },
    ]);
  });

  it("a Go SDK.ServerError block in a zap `error` string (\\n lines) is one response", () => {
    const line = E({
      level: "error",
      ts: 1764576000.25,
      caller: "ecs/client.go:42",
      msg: "describe failed",
      error:
        "SDK.ServerError\nErrorCode: Throttling.User\nRecommend: https://api.aliyun.com/troubleshoot\nRequestId: S2\nMessage: Request was denied due to user flow control.\nRespHeaders: map[]",
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "code", "category", "format", "lineStart", "lineEnd"])).toEqual([
      {
        requestId: "S2",
        code: "Throttling.User",
        category: "throttling",
        format: "text",
        lineStart: 1,
        lineEnd: 1,
      },
    ]);
    expect(r.summary).toMatchObject({ lines: 1, responses: 1, nonResponseLines: 0 });
  });
});
