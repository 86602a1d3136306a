/**
 * Reviewer's cases for README "A log record is not a response" (issue 12 §4): pino, bunyan,
 * winston, logback-JSON and zap lines carrying the application's own request id, with and without
 * a nested Aliyun body, through the built CLI on a real file.
 */
import { describe, expect, it } from "vitest";
import { analyzeText, pick } from "../../helpers/analyze-cli.js";

const E = JSON.stringify;
const BODY = { RequestId: "ALI-1", HostId: "ess.aliyuncs.com", Code: "Throttling.User", Message: "denied" };

const ENVELOPES = {
  pino: {
    level: 30,
    time: 1764576000000,
    pid: 1,
    hostname: "web-1",
    requestId: "app-1",
    msg: "request completed",
  },
  bunyan: {
    name: "api",
    hostname: "web-1",
    pid: 1,
    level: 30,
    req_id: "r-1",
    request_id: "app-2",
    msg: "done",
    time: "2025-12-01T08:00:00.000Z",
    v: 0,
  },
  winston: { level: "info", message: "done", timestamp: "2025-12-01T08:00:00.000Z", requestId: "app-3" },
  logback: {
    "@timestamp": "2025-12-01T16:00:00.000+08:00",
    "@version": "1",
    message: "done",
    logger_name: "com.example.Api",
    thread_name: "http-nio-1",
    level: "INFO",
    level_value: 20000,
    requestId: "app-4",
  },
  zap: { level: "info", ts: 1764576000, caller: "api/client.go:88", msg: "done", request_id: "app-5" },
} as const;

describe("a log envelope with its own request id and no body is not a response", () => {
  for (const [name, env] of Object.entries(ENVELOPES)) {
    it(name, () => {
      const r = analyzeText(`${E(env)}\n`);
      expect(r.events).toEqual([]);
      expect(r.summary).toMatchObject({ lines: 1, responses: 0, nonResponseLines: 1 });
    });
  }

  it("an envelope with a Code but no HostId is still not a response", () => {
    const r = analyzeText(
      `${E({ level: 50, time: 1764576000000, requestId: "app-6", code: "Throttling", msg: "x" })}\n`,
    );
    expect(r.summary).toMatchObject({ responses: 0, nonResponseLines: 1 });
  });
});

describe("a log envelope with a nested body: the body is the response, with the envelope's time", () => {
  const nested: Record<string, object> = {
    pino: { ...ENVELOPES.pino, level: 50, err: { type: "Error", data: BODY } },
    bunyan: { ...ENVELOPES.bunyan, level: 50, err: { message: "x", data: BODY } },
    winston: { ...ENVELOPES.winston, level: "error", error: BODY },
    logback: { ...ENVELOPES.logback, level: "ERROR", message: `call failed: ${E(BODY)}` },
    zap: { ...ENVELOPES.zap, level: "error", response: BODY },
  };
  for (const [name, env] of Object.entries(nested)) {
    it(name, () => {
      const r = analyzeText(`${E(env)}\n`);
      expect(pick(r.events, ["requestId", "hostId", "code", "category", "time", "timeSource"])).toEqual([
        {
          requestId: "ALI-1",
          hostId: "ess.aliyuncs.com",
          code: "Throttling.User",
          category: "throttling",
          time: "2025-12-01T08:00:00.000Z",
          timeSource: "log",
        },
      ]);
      expect(r.summary).toMatchObject({ lines: 1, responses: 1, throttled: 1, nonResponseLines: 0 });
    });
  }
});

describe("what is not an envelope, and an envelope that is a response", () => {
  it("a body with a lone `time` or a `Timestamp` member is a response", () => {
    const lines = [
      E({ RequestId: "B1", time: "2025-12-01T08:00:00Z", Code: "Throttling" }),
      E({ RequestId: "B2", Timestamp: "2025-12-01T08:00:00Z", level: 3 }),
    ];
    const r = analyzeText(`${lines.join("\n")}\n`);
    expect(pick(r.events, ["requestId", "category"])).toEqual([
      { requestId: "B1", category: "throttling" },
      { requestId: "B2", category: "success" },
    ]);
  });

  it("an envelope carrying a HostId is the response", () => {
    const line = E({
      level: 30,
      time: 1764576000000,
      msg: "ok",
      RequestId: "B3",
      HostId: "ecs.aliyuncs.com",
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "hostId", "category"])).toEqual([
      { requestId: "B3", hostId: "ecs.aliyuncs.com", category: "success" },
    ]);
  });

  it("logger members are exact: `Level`/`Msg` do not make an envelope", () => {
    const line = E({ Level: 1, Msg: "x", RequestId: "B4", Code: "InternalError" });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "category"])).toEqual([
      { requestId: "B4", category: "server_error" },
    ]);
  });

  it("an envelope's action member is the nested body's action", () => {
    const line = E({
      level: 50,
      time: 1764576000000,
      msg: "x",
      action: "ScaleWithAdjustment",
      err: { data: BODY },
    });
    const r = analyzeText(`${line}\n`);
    expect(pick(r.events, ["requestId", "action"])).toEqual([
      { requestId: "ALI-1", action: "ScaleWithAdjustment" },
    ]);
  });
});
