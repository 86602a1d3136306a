/**
 * The SDK error-string recognizer (README "SDK error strings"): every preset with exact fields,
 * through the real framer (analyzeBuffer), plus look-alikes, strings without a request id, user
 * patterns, presets turned off and SDK strings inside decoded JSON strings.
 */
import { describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../../src/analyze/in-memory.js";
import type { Frame } from "../../../src/core/records.js";
import { PRESET_NAMES } from "../../../src/parsers/sdk-text/presets.js";
import { createTextRecognizer } from "../../../src/parsers/sdk-text/recognizer.js";
import { textRules } from "../../../src/parsers/sdk-text/rules.js";
import { RecordPipeline } from "../../../src/pipeline.js";
import { leastCpuMs } from "../../helpers/cpu-time.js";
import { recordingExtractor } from "../../helpers/recording-extractor.js";

interface Expect {
  requestId: string;
  code: string;
  message: string | null;
  hostId?: string | null;
  status: number | "unknown";
  statusSource: string;
  lineStart: number;
  lineEnd: number;
}

function events(text: string, options: Parameters<typeof analyzeBuffer>[1] = {}) {
  const { events, summary } = analyzeBuffer(Buffer.from(text), options);
  return { summary, got: events.map((e) => ({ ...e })) };
}

function only(text: string, options: Parameters<typeof analyzeBuffer>[1] = {}) {
  const { got, summary } = events(text, options);
  expect(got).toHaveLength(1);
  return { e: got[0] as (typeof got)[number], summary };
}

function expectEvent(text: string, want: Expect): void {
  const { e, summary } = only(text);
  expect({
    requestId: e.requestId,
    code: e.code,
    message: e.message,
    hostId: e.hostId,
    status: e.status,
    statusSource: e.statusSource,
    lineStart: e.lineStart,
    lineEnd: e.lineEnd,
  }).toEqual({ hostId: null, ...want });
  expect(e.format).toBe("text");
  expect(summary.nonResponseLines + summary.malformedLines).toBe(0);
}

const ID = "6A5F8C2D-1B3E-4F5A-9C7D-0E1F2A3B4C5D";

describe("presets, one per SDK shape", () => {
  it("python-core: ServerException with HTTP Status and RequestID", () => {
    expectEvent(
      `140245 2026-11-29 10:00:04,123 aliyunsdkcore.client ERROR ServerException occurred. Host:ecs.aliyuncs.com SDK-Version:2.13.36 ServerException:HTTP Status: 400 Error:Throttling.User Request was denied due to user flow control. RequestID: ${ID}\n`,
      {
        requestId: ID,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
        status: 400,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("python-core: the exception's own line (traceback end), status None falls back to the catalogue", () => {
    expectEvent(
      `aliyunsdkcore.acs_exception.exceptions.ServerException: HTTP Status: None Error:InternalError The request processing has failed due to some unknown error. RequestID: ${ID}\n`,
      {
        requestId: ID,
        code: "InternalError",
        message: "The request processing has failed due to some unknown error.",
        status: 500,
        statusSource: "catalog",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("python-core-client: ClientException with a RequestID; without one it is not a response", () => {
    expectEvent(
      `aliyunsdkcore.acs_exception.exceptions.ClientException: SDK.ServerUnreachable Server unreachable RequestID: ${ID}\n`,
      {
        requestId: ID,
        code: "SDK.ServerUnreachable",
        message: "Server unreachable",
        status: "unknown",
        statusSource: "none",
        lineStart: 1,
        lineEnd: 1,
      },
    );
    const { got, summary } = events(
      "aliyunsdkcore.acs_exception.exceptions.ClientException: SDK.InvalidRegionId Can not find endpoint to access.\n",
    );
    expect(got).toEqual([]);
    expect(summary.nonResponseLines).toBe(1);
  });

  it("java-core: ServerException `Code : Message` then `RequestId : …` on the next line", () => {
    expectEvent(
      `com.aliyuncs.exceptions.ServerException: Throttling.User : Request was denied due to user flow control.\r\nRequestId : ${ID}\r\n`,
      {
        requestId: ID,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
        status: "unknown",
        statusSource: "none",
        lineStart: 1,
        lineEnd: 2,
      },
    );
  });

  it("java-core: a ClientException without a request id, then its stack trace, is not a response", () => {
    const { got, summary } = events(
      "com.aliyuncs.exceptions.ClientException: SDK.ServerUnreachable : Server unreachable: connection refused\n\tat com.aliyuncs.DefaultAcsClient.doAction(DefaultAcsClient.java:290)\n",
    );
    expect(got).toEqual([]);
    expect(summary.nonResponseLines).toBe(2);
  });

  it("java-core-errcode: ErrCode / ErrMsg / RequestId lines", () => {
    expectEvent(
      `ErrCode:InvalidParameter\nErrMsg:The specified parameter "MaxSize" is not valid.\nRequestId:${ID}\n`,
      {
        requestId: ID,
        code: "InvalidParameter",
        message: 'The specified parameter "MaxSize" is not valid.',
        status: 400,
        statusSource: "catalog",
        lineStart: 1,
        lineEnd: 3,
      },
    );
  });

  it("dotnet-core: Aliyun.Acs.Core.Exceptions.ClientException `Code : Message` + RequestId", () => {
    expectEvent(
      `Aliyun.Acs.Core.Exceptions.ClientException: InvalidAccessKeyId.NotFound : Specified access key is not found.\nRequestId : ${ID}\n`,
      {
        requestId: ID,
        code: "InvalidAccessKeyId.NotFound",
        message: "Specified access key is not found.",
        status: 400,
        statusSource: "catalog",
        lineStart: 1,
        lineEnd: 2,
      },
    );
  });

  it("go-core: the SDK.ServerError block after a log prefix", () => {
    expectEvent(
      `2026/11/29 10:00:00 scale out failed: SDK.ServerError\nErrorCode: Throttling.User\nRecommend: https://api.aliyun.com/troubleshoot?q=Throttling.User&product=Ecs\nRequestId: ${ID}\nMessage: Request was denied due to user flow control.\nRespHeaders: map[Content-Type:[application/json;charset=utf-8]]\n`,
      {
        requestId: ID,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
        status: "unknown",
        statusSource: "none",
        lineStart: 1,
        lineEnd: 6,
      },
    );
  });

  it("go-core: inside a Terraform box (the `│ ` margin)", () => {
    const { got } = events(
      `│ Error: [ERROR] terraform-provider-alicloud/alicloud/resource_alicloud_instance.go:806: Resource alicloud_instance RunInstances Failed!!! [SDK alibaba-cloud-sdk-go ERROR]:\n│ SDK.ServerError\n│ ErrorCode: InvalidInstanceType.NotSupported\n│ Recommend: https://api.aliyun.com/troubleshoot?q=InvalidInstanceType.NotSupported\n│ RequestId: ${ID}\n│ Message: The specified instanceType is not supported.\n│ \n╵\n`,
    );
    expect(got.map((e) => [e.requestId, e.code, e.message, e.lineStart, e.lineEnd])).toEqual([
      [ID, "InvalidInstanceType.NotSupported", "The specified instanceType is not supported.", 2, 6],
    ]);
  });

  it("go-core: in a Terraform `[ERROR]` log line with escaped newlines", () => {
    expectEvent(
      `2026-11-29T10:00:00.000Z [ERROR] provider.terraform-provider-alicloud: Response contains error diagnostic: diagnostic_summary="[ERROR] terraform-provider-alicloud/alicloud/service_alicloud_ecs.go:1: [SDK alibaba-cloud-sdk-go ERROR]:\\nSDK.ServerError\\nErrorCode: Forbidden.RAM\\nRecommend: https://x\\nRequestId: ${ID}\\nMessage: User not authorized to operate on the specified resource." tf_proto_version=5.3\n`,
      {
        requestId: ID,
        code: "Forbidden.RAM",
        message: "User not authorized to operate on the specified resource.",
        status: "unknown",
        statusSource: "none",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("tea: an SDKError block without Data, status from StatusCode, id from the Message", () => {
    expectEvent(
      `panic: SDKError:\n   StatusCode: 429\n   Code: Throttling.User\n   Message: code: 429, Request was denied due to user flow control. request id: ${ID}\n`,
      {
        requestId: ID,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
        status: 429,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 4,
      },
    );
  });

  it("tea: the block and its Data body are one request; the body's fields win, nothing is unrecognised", () => {
    const { got, summary } = events(
      `SDKError:\n   StatusCode: 400\n   Code: Throttling.User\n   Message: code: 400, Request was denied. request id: ${ID}\n   Data: {"Code":"Throttling.User","HostId":"ecs.cn-hangzhou.aliyuncs.com","Message":"Request was denied.","RequestId":"${ID}","statusCode":400}\n`,
    );
    expect(
      got.map((e) => [e.format, e.requestId, e.hostId, e.status, e.statusSource, e.lineStart, e.lineEnd]),
    ).toEqual([["json", ID, "ecs.cn-hangzhou.aliyuncs.com", 400, "body", 5, 5]]);
    expect(summary).toMatchObject({ lines: 5, responses: 1, duplicates: 1, unrecognizedLines: 0 });
  });

  it("node-tea: ResponseError message `Code: code: 400, Message request id: …`", () => {
    expectEvent(
      `ResponseError: Throttling.User: code: 400, Request was denied due to user flow control. request id: ${ID}\n`,
      {
        requestId: ID,
        code: "Throttling.User",
        message: "Request was denied due to user flow control.",
        status: 400,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("node-tea: pop-core ROA `code: 404, …, requestid: …`", () => {
    expectEvent(`NoSuchResourceError: code: 404, The resource does not exist., requestid: ${ID}\n`, {
      requestId: ID,
      code: "NoSuchResourceError",
      message: "The resource does not exist.",
      status: 404,
      statusSource: "line",
      lineStart: 1,
      lineEnd: 1,
    });
  });

  it("python-tea: `Error: Code Message Response: {dict repr}`", () => {
    expectEvent(
      `Error: Forbidden.RAM code: 403, User not authorized. request id: ${ID} Response: {'Code': 'Forbidden.RAM', 'HostId': 'ecs.aliyuncs.com', 'Message': 'User not authorized.', 'RequestId': '${ID}', 'statusCode': 403}\n`,
      {
        requestId: ID,
        code: "Forbidden.RAM",
        message: "User not authorized.",
        hostId: "ecs.aliyuncs.com",
        status: 403,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("aliyungo: `Aliyun API Error: RequestId: … Status Code: … Code: … Message: …`", () => {
    expectEvent(
      `[ERROR] Aliyun API Error: RequestId: ${ID} Status Code: 503 Code: ServiceUnavailable Message: The request has failed due to a temporary failure of the server.\n`,
      {
        requestId: ID,
        code: "ServiceUnavailable",
        message: "The request has failed due to a temporary failure of the server.",
        status: 503,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("oss-go: quoted ErrorMessage and a trailing Ec", () => {
    expectEvent(
      `oss: service returned error: StatusCode=403, ErrorCode=AccessDenied, ErrorMessage="The bucket you access does not belong to you.", RequestId=5C3D9175B6FC201293AD4890, Ec=0003-00000001\n`,
      {
        requestId: "5C3D9175B6FC201293AD4890",
        code: "AccessDenied",
        message: "The bucket you access does not belong to you.",
        status: 403,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("oss-go: unquoted ErrorMessage (older SDKs)", () => {
    const { e } = only(
      "oss: service returned error: StatusCode=404, ErrorCode=NoSuchKey, ErrorMessage=The specified key does not exist., RequestId=5C3D9175B6FC201293AD4891\n",
    );
    expect([e.code, e.message, e.requestId, e.status]).toEqual([
      "NoSuchKey",
      "The specified key does not exist.",
      "5C3D9175B6FC201293AD4891",
      404,
    ]);
  });

  it("oss-go-v2: `Error returned by Service.` block, trailing dots dropped", () => {
    expectEvent(
      "Error returned by Service.\nHttp Status Code: 403.\nError Code: AccessDenied.\nRequest Id: 5C3D9175B6FC201293AD4892.\nMessage: You have no right to access this object.\nEC: 0003-00000001\nTimestamp: 2026-11-29 10:00:00 +0000 UTC\nRequest Endpoint: GET https://b.oss-cn-hangzhou.aliyuncs.com/k\n",
      {
        requestId: "5C3D9175B6FC201293AD4892",
        code: "AccessDenied",
        message: "You have no right to access this object.",
        status: 403,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 8,
      },
    );
  });

  it("oss-java: message line, [ErrorCode]/[RequestId]/[HostId]; the [ResponseError] XML is its body", () => {
    const { got, summary } = events(
      'com.aliyun.oss.OSSException: The specified key does not exist.\n[ErrorCode]: NoSuchKey\n[RequestId]: 5C3D9175B6FC201293AD4893\n[HostId]: b.oss-cn-hangzhou.aliyuncs.com\n[ResponseError]:\n<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchKey</Code>\n  <Message>The specified key does not exist.</Message>\n  <RequestId>5C3D9175B6FC201293AD4893</RequestId>\n  <HostId>b.oss-cn-hangzhou.aliyuncs.com</HostId>\n</Error>\n',
    );
    expect(
      got.map((e) => [e.format, e.code, e.requestId, e.hostId, e.status, e.lineStart, e.lineEnd]),
    ).toEqual([
      ["xml", "NoSuchKey", "5C3D9175B6FC201293AD4893", "b.oss-cn-hangzhou.aliyuncs.com", "unknown", 6, 12],
    ]);
    expect(summary).toMatchObject({ lines: 12, duplicates: 1, unrecognizedLines: 0 });
  });

  it("oss-java-fields: the fields without the exception line", () => {
    expectEvent(
      "upload failed: [ErrorCode]: AccessDenied [RequestId]: 5C3D9175B6FC201293AD4894 [HostId]: b.oss-cn-hangzhou.aliyuncs.com\n",
      {
        requestId: "5C3D9175B6FC201293AD4894",
        code: "AccessDenied",
        message: null,
        hostId: "b.oss-cn-hangzhou.aliyuncs.com",
        status: "unknown",
        statusSource: "none",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("oss-python: oss2.exceptions.NoSuchKey with its details dict", () => {
    expectEvent(
      "oss2.exceptions.NoSuchKey: {'status': 404, 'x-oss-request-id': '5C3D9175B6FC201293AD4895', 'details': {'Code': 'NoSuchKey', 'Message': 'The specified key does not exist.', 'RequestId': '5C3D9175B6FC201293AD4895', 'HostId': 'b.oss-cn-hangzhou.aliyuncs.com', 'Key': 'a.txt'}}\n",
      {
        requestId: "5C3D9175B6FC201293AD4895",
        code: "NoSuchKey",
        message: "The specified key does not exist.",
        hostId: "b.oss-cn-hangzhou.aliyuncs.com",
        status: 404,
        statusSource: "line",
        lineStart: 1,
        lineEnd: 1,
      },
    );
  });

  it("every preset has a test above", () => {
    expect(PRESET_NAMES).toEqual([
      "python-core",
      "python-core-client",
      "java-core",
      "java-core-errcode",
      "dotnet-core",
      "go-core",
      "tea",
      "node-tea",
      "python-tea",
      "aliyungo",
      "oss-go",
      "oss-go-v2",
      "oss-java",
      "oss-java-fields",
      "oss-python",
    ]);
  });
});

describe("look-alikes and strings that are not responses", () => {
  it("the tea block's `Message: code: 400, … request id: …` line is not a second response", () => {
    const { got } = events(
      `SDKError:\n   StatusCode: 400\n   Code: Throttling\n   Message: code: 400, Request was denied. request id: ${ID}\n`,
    );
    expect(got).toHaveLength(1);
    expect(got[0]?.code).toBe("Throttling");
  });

  it("a Message line on its own is not a node-tea string with code `Message`", () => {
    const { got } = events(`   Message: code: 400, Request was denied. request id: ${ID}\n`);
    expect(got.map((e) => e.code)).toEqual([""]);
  });

  it("a Go block without a RequestId is not a response; the lines after it are examined as usual", () => {
    const { got, summary } = events(
      `SDK.ServerError\nErrorCode: Throttling\nMessage: denied\n{"RequestId":"${ID}","Code":"InternalError"}\n`,
    );
    expect(got.map((e) => [e.format, e.code, e.lineStart])).toEqual([["json", "InternalError", 4]]);
    expect(summary.nonResponseLines).toBe(3);
  });

  it("RequestID: None (Python without a request id) is not a response", () => {
    const { got } = events(
      "ServerException: HTTP Status: 400 Error:Throttling Request was denied. RequestID: None\n",
    );
    expect(got).toEqual([]);
  });

  it("a placeholder id is a response", () => {
    const { e } = only("HTTP Status: 400 Error:Throttling Request was denied. RequestID: ****\n");
    expect(e.requestId).toBe("****");
  });

  it("a block is bounded: the 17th line of fields is not part of it", () => {
    const fields = Array.from({ length: 20 }, () => "Recommend: x").join("\n");
    const { got } = events(`SDK.ServerError\n${fields}\nRequestId: ${ID}\n`);
    expect(got).toEqual([]);
  });
});

describe("user patterns and presets per source", () => {
  it("a user pattern's named groups give the fields; its status is the line status", () => {
    const rules = textRules({
      presets: false,
      patterns: [
        String.raw`MyClient failed: code=(?<code>\S+) status=(?<status>\d+) rid=(?<requestId>\S+) msg="(?<message>[^"]*)"`,
      ],
    });
    const { e } = only(`2026-11-29 MyClient failed: code=Throttling status=429 rid=${ID} msg="slow down"\n`, {
      text: createTextRecognizer(rules),
    });
    expect([e.code, e.status, e.statusSource, e.requestId, e.message, e.category]).toEqual([
      "Throttling",
      429,
      "line",
      ID,
      "slow down",
      "throttling",
    ]);
  });

  it("presets: false turns them off; a list keeps only those named", () => {
    const line = `HTTP Status: 400 Error:Throttling denied RequestID: ${ID}\nAliyun API Error: RequestId: X2 Status Code: 403 Code: Forbidden Message: no\n`;
    expect(
      events(line, { text: createTextRecognizer(textRules({ presets: false, patterns: [] })) }).got,
    ).toEqual([]);
    const some = events(line, {
      text: createTextRecognizer(textRules({ presets: ["aliyungo"], patterns: [] })),
    });
    expect(some.got.map((e) => e.requestId)).toEqual(["X2"]);
    expect(createTextRecognizer(textRules({ presets: false, patterns: [] }))).toBeNull();
  });
});

/**
 * The frames the framer makes of `text` as the `msg` string of a structured line on line `lineNo`
 * (frames, not events: the text before a string, its prefix, is not on the events).
 */
function framesInString(text: string, lineNo: number): Frame[] {
  const { extractor, frames: seen } = recordingExtractor();
  const p = new RecordPipeline({
    source: "t",
    extractor,
    text: createTextRecognizer(textRules({ presets: true, patterns: [] })),
    onBatch: () => {},
  });
  p.push(Buffer.from(`${"\n".repeat(lineNo - 1)}${JSON.stringify({ level: 50, msg: text })}\n`));
  p.end();
  return seen;
}

describe("SDK strings inside a decoded JSON string", () => {
  it("finds a Java exception and its RequestId line inside one string, at the enclosing line", () => {
    const frames = framesInString(
      `call failed: com.aliyuncs.exceptions.ServerException: Throttling.User : denied\r\nRequestId : ${ID}\n\tat x`,
      7,
    );
    expect(
      frames.map((f) => [
        f.parsed.requestId,
        f.parsed.code,
        f.parsed.message,
        f.lineStart,
        f.lineEnd,
        f.prefix,
      ]),
    ).toEqual([[ID, "Throttling.User", "denied", 7, 7, "call failed: "]]);
  });

  it("finds several strings and keeps non-ASCII messages intact", () => {
    const frames = framesInString(
      `HTTP Status: 403 Error:Forbidden.RiskControl 风控拦截 RequestID: A1\nAliyun API Error: RequestId: A2 Status Code: 400 Code: InvalidParameter Message: 华东1（杭州）不可用`,
      1,
    );
    expect(frames.map((f) => [f.parsed.requestId, f.parsed.message, f.parsed.lineStatus])).toEqual([
      ["A1", "风控拦截", 403],
      ["A2", "华东1（杭州）不可用", 400],
    ]);
  });

  it("a text without any trigger gives nothing", () => {
    expect(framesInString("just a log line with RequestId mentioned", 1)).toEqual([]);
  });
});

describe("bounded work on adversarial lines", () => {
  /** Least CPU time of three runs over one line of `unit` repeated to `bytes`. */
  function cpuMs(unit: string, bytes: number): number {
    const line = Buffer.from(`${unit.repeat(Math.floor(bytes / unit.length))}\n`);
    return leastCpuMs(() => analyzeBuffer(line));
  }

  it.each([
    ["a Python string that never reaches its RequestID", "HTTP Status: 400 Error:X msg "],
    ["block starts between body candidates", '{"a":"SDKError: '],
    ["a Java start whose message never ends", "com.aliyuncs.exceptions.ServerException: A : b "],
    ["Python tea without a closing brace", "Error: A b Response: {"],
    ["ErrCode starts", "ErrCode:x "],
  ])("%s: linear in the line's length", (_name, unit) => {
    cpuMs(unit, 64 * 1024); // warm-up
    const small = cpuMs(unit, 256 * 1024);
    const large = cpuMs(unit, 1024 * 1024);
    // Linear: about 4× for 4× the bytes (quadratic would be 16×); generous for a loaded machine.
    expect(large).toBeLessThan(Math.max(8 * small, 50));
    expect(large).toBeLessThan(2000);
  });
});
