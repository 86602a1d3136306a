/**
 * Reviewer's cases: every SDK exception shape of README "SDK error strings" (the preset table) and
 * issue 12 §2, written from the rules and the SDKs' own `Error()`/`__str__` formats (not from the
 * output), through the built CLI (`analyze --json --events` on a real file). Each case states the
 * events (in input order) and the summary counts the rules give.
 */
import { describe, expect, it } from "vitest";
import { analyzeText, type Json } from "../../helpers/analyze-cli.js";

interface Case {
  readonly name: string;
  readonly lines: readonly string[];
  readonly events: readonly Json[];
  readonly summary?: Json;
}

const PY = "aliyunsdkcore.acs_exception.exceptions";
const THROTTLE_MSG = "Request was denied due to user flow control.";

const CASES: readonly Case[] = [
  // --- Python core (aliyunsdkcore ServerException.__str__ = "HTTP Status: %s Error:%s %s RequestID: %s")
  {
    name: "python-core ServerException, bare",
    lines: [
      `${PY}.ServerException: HTTP Status: 400 Error:Throttling.User ${THROTTLE_MSG} RequestID: 6A5F-0001`,
    ],
    events: [
      {
        requestId: "6A5F-0001",
        code: "Throttling.User",
        status: 400,
        statusSource: "line",
        category: "throttling",
        error: true,
        format: "text",
        lineStart: 1,
        lineEnd: 1,
      },
    ],
    summary: { lines: 1, responses: 1, throttled: 1, nonResponseLines: 0 },
  },
  {
    name: "python-core ServerException in the aliyunsdkcore logger's format (thread, asctime, name, level)",
    lines: [
      "140191 2026-11-29 10:00:01,123 aliyunsdkcore.client ERROR ServerException occurred. Host:ecs.aliyuncs.com SDK-Version:2.13.36 ServerException:HTTP Status: 403 Error:Forbidden.RAM User not authorized to operate on the specified resource. RequestID: 6A5F-0002",
    ],
    events: [
      {
        requestId: "6A5F-0002",
        code: "Forbidden.RAM",
        status: 403,
        statusSource: "line",
        category: "auth_error",
        format: "text",
        time: "2026-11-29T10:00:01.123Z",
        timeSource: "log",
      },
    ],
  },
  {
    name: "python-core: a logged status wins over the catalogue (SignatureDoesNotMatch is 403 there)",
    lines: [
      `${PY}.ServerException: HTTP Status: 400 Error:SignatureDoesNotMatch Specified signature is not matched with our calculation. RequestID: 6A5F-0003`,
    ],
    events: [{ requestId: "6A5F-0003", code: "SignatureDoesNotMatch", status: 400, statusSource: "line" }],
  },
  {
    name: "python-core ClientException with a RequestID",
    lines: [
      `${PY}.ClientException: SDK.ServerUnreachable Server unreachable: timed out RequestID: 6A5F-0004`,
    ],
    events: [{ requestId: "6A5F-0004", code: "SDK.ServerUnreachable", format: "text", error: true }],
  },
  {
    name: "python-core ClientException without a RequestID is not a response",
    lines: [`${PY}.ClientException: SDK.InvalidRegionId Can not find endpoint to access.`],
    events: [],
    summary: { lines: 1, responses: 0, nonResponseLines: 1 },
  },
  {
    name: "python-core `RequestID: None` is not a response",
    lines: [
      `${PY}.ServerException: HTTP Status: 502 Error:SDK.UnknownServerError Bad gateway RequestID: None`,
    ],
    events: [],
    summary: { lines: 1, responses: 0, nonResponseLines: 1 },
  },
  // --- Java core: "ErrCode : ErrMsg" + "\r\nRequestId : <id>"
  {
    name: "java-core ServerException, RequestId on the next line, then a stack trace",
    lines: [
      `com.aliyuncs.exceptions.ServerException: Throttling.User : ${THROTTLE_MSG}`,
      "RequestId : 9519-0001",
      "\tat com.aliyuncs.DefaultAcsClient.parseAcsResponse(DefaultAcsClient.java:253)",
      "\tat com.aliyuncs.DefaultAcsClient.getAcsResponse(DefaultAcsClient.java:108)",
    ],
    events: [
      {
        requestId: "9519-0001",
        code: "Throttling.User",
        category: "throttling",
        format: "text",
        lineStart: 1,
        lineEnd: 2,
      },
    ],
    summary: { lines: 4, responses: 1, nonResponseLines: 2 },
  },
  {
    name: "java-core ClientException, RequestId on the same line",
    lines: [
      "com.aliyuncs.exceptions.ClientException: InvalidAccessKeyId.NotFound : Specified access key is not found. RequestId : 9519-0002",
    ],
    events: [
      {
        requestId: "9519-0002",
        code: "InvalidAccessKeyId.NotFound",
        category: "auth_error",
        status: 400,
        statusSource: "catalog",
      },
    ],
  },
  {
    name: "java-core ClientException without a RequestId is not a response",
    lines: [
      "com.aliyuncs.exceptions.ClientException: SDK.InvalidRegionId : Can not find endpoint to access.",
    ],
    events: [],
    summary: { responses: 0, nonResponseLines: 1 },
  },
  {
    name: "java-core-errcode printout, three lines",
    lines: ["ErrCode:Throttling.User", `ErrMsg:${THROTTLE_MSG}`, "RequestId:9519-0003"],
    events: [{ requestId: "9519-0003", code: "Throttling.User", lineStart: 1, lineEnd: 3, format: "text" }],
    summary: { lines: 3, responses: 1, nonResponseLines: 0 },
  },
  {
    name: "java-core-errcode printout, one line",
    lines: ["ErrCode:InvalidParameter ErrMsg:The specified parameter is not valid. RequestId:9519-0004"],
    events: [
      {
        requestId: "9519-0004",
        code: "InvalidParameter",
        status: 400,
        statusSource: "catalog",
        category: "client_error",
      },
    ],
  },
  // --- .NET core
  {
    name: "dotnet-core ClientException, RequestId on the next line",
    lines: [
      "Aliyun.Acs.Core.Exceptions.ClientException: InvalidParameter : The specified parameter is not valid.",
      "RequestId : D0-0001",
      "   at Aliyun.Acs.Core.DefaultAcsClient.GetAcsResponse[T](AcsRequest`1 request)",
    ],
    events: [{ requestId: "D0-0001", code: "InvalidParameter", lineStart: 1, lineEnd: 2, format: "text" }],
    summary: { lines: 3, responses: 1, nonResponseLines: 1 },
  },
  {
    name: "dotnet-core ServerException",
    lines: [
      "Aliyun.Acs.Core.Exceptions.ServerException: InternalError : The request processing has failed. RequestId : D0-0002",
    ],
    events: [{ requestId: "D0-0002", code: "InternalError", status: 500, category: "server_error" }],
  },
  // --- Go core: "SDK.ServerError\nErrorCode: %s\nRecommend: %s\nRequestId: %s\nMessage: %s\nRespHeaders: %s"
  {
    name: "go-core SDK.ServerError block after a Go log prefix",
    lines: [
      "2026/11/29 10:00:05 describe instances failed: SDK.ServerError",
      "ErrorCode: Throttling.User",
      "Recommend: https://api.aliyun.com/troubleshoot?q=Throttling.User&product=Ecs",
      "RequestId: G0-0001",
      `Message: ${THROTTLE_MSG}`,
      "RespHeaders: map[Access-Control-Allow-Origin:[*] Content-Type:[application/json;charset=utf-8]]",
      "next unrelated line",
    ],
    events: [
      {
        requestId: "G0-0001",
        code: "Throttling.User",
        message: THROTTLE_MSG,
        category: "throttling",
        format: "text",
        lineStart: 1,
        lineEnd: 6,
        time: "2026-11-29T10:00:05.000Z",
      },
    ],
    summary: { lines: 7, responses: 1, nonResponseLines: 1 },
  },
  {
    name: "go-core block with AccessDeniedDetail",
    lines: [
      "SDK.ServerError",
      "ErrorCode: Forbidden.RAM",
      "Recommend: https://api.aliyun.com/troubleshoot?q=Forbidden.RAM&product=Ecs",
      "RequestId: G0-0002",
      "Message: User not authorized to operate on the specified resource.",
      "RespHeaders: map[]",
      'AccessDeniedDetail: {"AuthAction":"ecs:DescribeInstances","PolicyType":"AccountLevelIdentityBasedPolicy"}',
    ],
    events: [
      { requestId: "G0-0002", code: "Forbidden.RAM", category: "auth_error", lineStart: 1, lineEnd: 7 },
    ],
    summary: { lines: 7, responses: 1, nonResponseLines: 0 },
  },
  {
    name: "go-core block without a RequestId: its lines are ordinary lines",
    lines: ["SDK.ServerError", "ErrorCode: Throttling.User", "Recommend: x", `Message: ${THROTTLE_MSG}`],
    events: [],
    summary: { lines: 4, responses: 0, nonResponseLines: 4 },
  },
  {
    name: "go-core block inside a Terraform │ box",
    lines: [
      "╷",
      "│ Error: [ERROR] terraform-provider-alicloud/alicloud/resource_alicloud_instance.go:470: Resource alicloud_instance RunInstances Failed!!! [SDK alibaba-cloud-sdk-go ERROR]:",
      "│ SDK.ServerError",
      "│ ErrorCode: InvalidAccountStatus.NotEnoughBalance",
      "│ Recommend: https://api.aliyun.com/troubleshoot?q=InvalidAccountStatus.NotEnoughBalance&product=Ecs",
      "│ RequestId: TF-0001",
      "│ Message: Your account does not have enough balance.",
      "│ ",
      "╵",
    ],
    events: [
      { requestId: "TF-0001", code: "InvalidAccountStatus.NotEnoughBalance", error: true, format: "text" },
    ],
    summary: { responses: 1 },
  },
  {
    name: "go-core block in a Terraform [ERROR] line with \\n escapes",
    lines: [
      String.raw`2026-11-29T10:00:06.000Z [ERROR] provider.terraform-provider-alicloud: Response contains error diagnostic: diagnostic_summary="[ERROR] terraform-provider-alicloud/alicloud/resource_alicloud_vpc.go:200: Resource vpc CreateVpc Failed!!! [SDK alibaba-cloud-sdk-go ERROR]:\nSDK.ServerError\nErrorCode: QuotaExceeded.Vpc\nRecommend: https://api.aliyun.com/troubleshoot?q=QuotaExceeded.Vpc\nRequestId: TF-0002\nMessage: VPC quota exceeded." tf_rpc=ApplyResourceChange`,
    ],
    events: [{ requestId: "TF-0002", code: "QuotaExceeded.Vpc", lineStart: 1, lineEnd: 1, format: "text" }],
    summary: { lines: 1, responses: 1 },
  },
  // --- tea SDKError: "SDKError:\n   StatusCode: %d\n   Code: %s\n   Message: %s\n   Data: %s\n"
  {
    name: "tea SDKError block with its Data body: one request, the body's fields",
    lines: [
      "SDKError:",
      "   StatusCode: 400",
      "   Code: Throttling.User",
      `   Message: code: 400, ${THROTTLE_MSG} request id: T0-0001`,
      `   Data: {"Code":"Throttling.User","HostId":"ecs.aliyuncs.com","Message":"${THROTTLE_MSG}","Recommend":"https://api.aliyun.com/troubleshoot?q=Throttling.User","RequestId":"T0-0001","statusCode":400}`,
    ],
    events: [
      {
        requestId: "T0-0001",
        hostId: "ecs.aliyuncs.com",
        code: "Throttling.User",
        status: 400,
        category: "throttling",
        format: "json",
      },
    ],
    summary: { lines: 5, responses: 1, throttled: 1, nonResponseLines: 0, malformedLines: 0 },
  },
  {
    name: "tea SDKError block without Data: StatusCode is the line status",
    lines: [
      "SDKError:",
      "   StatusCode: 404",
      "   Code: InvalidInstanceId.NotFound",
      "   Message: code: 404, The specified InstanceId does not exist. request id: T0-0002",
    ],
    events: [
      {
        requestId: "T0-0002",
        code: "InvalidInstanceId.NotFound",
        status: 404,
        statusSource: "line",
        category: "client_error",
        format: "text",
        lineStart: 1,
        lineEnd: 4,
      },
    ],
    summary: { lines: 4, responses: 1, duplicates: 0, nonResponseLines: 0 },
  },
  {
    // The Data body of SDKs generated before 2022-04 has no statusCode (reference §4.1): the body wins
    // for its fields, but the status the block states (StatusCode: 403) must not be lost.
    name: "tea SDKError after a prefix, Data without statusCode: the block's StatusCode is still the status",
    lines: [
      "2026-11-29T10:00:07.000Z ERROR createInstance failed SDKError:",
      "   StatusCode: 403",
      "   Code: Forbidden.RAM",
      "   Message: code: 403, User not authorized to operate on the specified resource. request id: T0-0004",
      '   Data: {"Code":"Forbidden.RAM","Message":"User not authorized","RequestId":"T0-0004"}',
    ],
    events: [{ requestId: "T0-0004", code: "Forbidden.RAM", status: 403, category: "auth_error" }],
    summary: { lines: 5, responses: 1 },
  },
  // --- Node tea ResponseError, pop-core ROA
  {
    name: "node-tea ResponseError message",
    lines: [`ResponseError: Throttling.User: code: 400, ${THROTTLE_MSG} request id: N0-0001`],
    events: [
      {
        requestId: "N0-0001",
        code: "Throttling.User",
        status: 400,
        statusSource: "line",
        category: "throttling",
        format: "text",
      },
    ],
  },
  {
    name: "node-tea message in a pino err (message and stack carry the same request): counted once",
    lines: [
      JSON.stringify({
        level: 50,
        time: 1764576000000,
        pid: 7,
        hostname: "web-1",
        msg: "aliyun call failed",
        err: {
          type: "ResponseError",
          message: `Throttling.User: code: 400, ${THROTTLE_MSG} request id: N0-0002`,
          stack: `ResponseError: Throttling.User: code: 400, ${THROTTLE_MSG} request id: N0-0002\n    at Client.doRPCRequest (/app/node_modules/@alicloud/openapi-client/dist/client.js:400:27)`,
          code: "Throttling.User",
          statusCode: 400,
        },
      }),
    ],
    events: [
      {
        requestId: "N0-0002",
        code: "Throttling.User",
        status: 400,
        category: "throttling",
        lineStart: 1,
        lineEnd: 1,
        time: "2025-12-01T08:00:00.000Z",
      },
    ],
    summary: { lines: 1, responses: 1 },
  },
  {
    name: "pop-core ROA `code: 404, …, requestid:`",
    lines: ["NoSuchResourceError: code: 404, The specified resource does not exist., requestid: R0-0001"],
    events: [{ requestId: "R0-0001", status: 404, statusSource: "line", error: true, format: "text" }],
  },
  // --- Python tea: "Error: <code> <message> Response: <dict repr>"
  {
    name: "python-tea TeaException with a dict-repr Response",
    lines: [
      "Tea.exceptions.TeaException: Error: Forbidden.RAM code: 403, User not authorized to operate on the specified resource. request id: PT-0001 Response: {'RequestId': 'PT-0001', 'HostId': 'ecs.aliyuncs.com', 'Code': 'Forbidden.RAM', 'Message': 'User not authorized to operate on the specified resource.', 'statusCode': 403}",
    ],
    events: [
      {
        requestId: "PT-0001",
        code: "Forbidden.RAM",
        status: 403,
        statusSource: "line",
        category: "auth_error",
      },
    ],
    summary: { lines: 1, responses: 1 },
  },
  // --- aliyungo
  {
    name: "aliyungo `Aliyun API Error:`",
    lines: [
      "Aliyun API Error: RequestId: AG-0001 Status Code: 400 Code: Throttling Message: Request was denied due to request throttling.",
    ],
    events: [
      {
        requestId: "AG-0001",
        code: "Throttling",
        status: 400,
        statusSource: "line",
        category: "throttling",
        message: "Request was denied due to request throttling.",
      },
    ],
  },
  // --- OSS SDKs
  {
    name: "oss-go service error",
    lines: [
      'oss: service returned error: StatusCode=403, ErrorCode=AccessDenied, ErrorMessage="You have no right to access this object because of bucket acl.", RequestId=5C3D-0001',
    ],
    events: [
      {
        requestId: "5C3D-0001",
        code: "AccessDenied",
        status: 403,
        statusSource: "line",
        category: "auth_error",
        message: "You have no right to access this object because of bucket acl.",
      },
    ],
  },
  {
    name: "oss-go service error with the newer `, Ec=` suffix",
    lines: [
      'oss: service returned error: StatusCode=404, ErrorCode=NoSuchKey, ErrorMessage="The specified key does not exist.", RequestId=5C3D-0002, Ec=0026-00000001',
    ],
    events: [{ requestId: "5C3D-0002", code: "NoSuchKey", status: 404, category: "client_error" }],
  },
  {
    name: "oss-go-v2 ServiceError block (values end in a period)",
    lines: [
      "Error returned by Service.",
      "Http Status Code: 403.",
      "Error Code: AccessDenied.",
      "Request Id: 5C3D-0003.",
      "Message: You have no right to access this object.",
      "EC: 0003-00000001.",
    ],
    events: [
      { requestId: "5C3D-0003", code: "AccessDenied", status: 403, statusSource: "line", format: "text" },
    ],
  },
  {
    name: "oss-java OSSException with its [ResponseError] XML: one request, the body's fields",
    lines: [
      "com.aliyun.oss.OSSException: The specified key does not exist.",
      "[ErrorCode]: NoSuchKey",
      "[RequestId]: 5C3D-0004",
      "[HostId]: bucket.oss-cn-hangzhou.aliyuncs.com",
      "[ResponseError]:",
      '<?xml version="1.0" encoding="UTF-8"?>',
      "<Error>",
      "  <Code>NoSuchKey</Code>",
      "  <Message>The specified key does not exist.</Message>",
      "  <RequestId>5C3D-0004</RequestId>",
      "  <HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId>",
      "  <Key>a.txt</Key>",
      "</Error>",
    ],
    events: [
      {
        requestId: "5C3D-0004",
        hostId: "bucket.oss-cn-hangzhou.aliyuncs.com",
        code: "NoSuchKey",
        format: "xml",
      },
    ],
    summary: { lines: 13, responses: 1, malformedLines: 0, nonResponseLines: 0 },
  },
  {
    name: "oss-java-fields on one line",
    lines: ["[ErrorCode]: NoSuchBucket [RequestId]: 5C3D-0005 [HostId]: nob.oss-cn-hangzhou.aliyuncs.com"],
    events: [
      {
        requestId: "5C3D-0005",
        hostId: "nob.oss-cn-hangzhou.aliyuncs.com",
        code: "NoSuchBucket",
        format: "text",
      },
    ],
  },
  {
    name: "oss-python oss2.exceptions dict with status and x-oss-request-id",
    lines: [
      "oss2.exceptions.NoSuchKey: {'status': 404, 'x-oss-request-id': '5C3D-0006', 'details': {'Code': 'NoSuchKey', 'Message': 'The specified key does not exist.', 'RequestId': '5C3D-0006', 'HostId': 'b.oss-cn-hangzhou.aliyuncs.com', 'Key': 'a.txt'}}",
    ],
    events: [
      {
        requestId: "5C3D-0006",
        code: "NoSuchKey",
        status: 404,
        statusSource: "line",
        category: "client_error",
        format: "text",
      },
    ],
  },
  // --- Status taken from the string (README "Status" rule), more shapes
  {
    name: "python-tea: a dict's 'statusCode': 403 is the line status",
    lines: [
      "Error: Forbidden.RAM User not authorized to operate on the specified resource. Response: {'RequestId': 'PT-0002', 'Code': 'Forbidden.RAM', 'Message': 'User not authorized', 'statusCode': 403}",
    ],
    events: [{ requestId: "PT-0002", code: "Forbidden.RAM", status: 403, statusSource: "line" }],
  },
  {
    name: "a stated 429 makes any code a throttling",
    lines: [
      `${PY}.ServerException: HTTP Status: 429 Error:ServiceBusy The service is busy. RequestID: 6A5F-0006`,
    ],
    events: [
      { requestId: "6A5F-0006", status: 429, statusSource: "line", category: "throttling", retryable: true },
    ],
  },
  {
    name: "a stated 503 with a non-error-looking code is a server error",
    lines: [
      "Aliyun API Error: RequestId: AG-0002 Status Code: 503 Code: ServiceUnavailable Message: The request has failed due to a temporary failure of the server.",
    ],
    events: [
      { requestId: "AG-0002", status: 503, statusSource: "line", category: "server_error", retryable: true },
    ],
  },
  // --- Blocks: where one ends
  {
    name: "two go-core blocks back to back are two responses",
    lines: [
      "SDK.ServerError",
      "ErrorCode: Throttling.User",
      "RequestId: G0-0003",
      "Message: one",
      "SDK.ServerError",
      "ErrorCode: InternalError",
      "RequestId: G0-0004",
      "Message: two",
    ],
    events: [
      { requestId: "G0-0003", code: "Throttling.User", lineStart: 1, lineEnd: 4 },
      { requestId: "G0-0004", code: "InternalError", lineStart: 5, lineEnd: 8 },
    ],
    summary: { lines: 8, responses: 2, nonResponseLines: 0 },
  },
  {
    name: "a go-core block ended by a body line: the block and the body are both counted",
    lines: [
      "SDK.ServerError",
      "ErrorCode: Throttling.User",
      "RequestId: G0-0005",
      "Message: one",
      '{"RequestId":"B0-0001","Code":"InternalError"}',
    ],
    events: [
      { requestId: "G0-0005", code: "Throttling.User", lineStart: 1, lineEnd: 4, format: "text" },
      { requestId: "B0-0001", code: "InternalError", lineStart: 5, lineEnd: 5, format: "json" },
    ],
    summary: { lines: 5, responses: 2 },
  },
  {
    name: "a tea block's lines with a `|` margin (a Terraform-style box)",
    lines: [
      "| Error: SDKError:",
      "|    StatusCode: 400",
      "|    Code: Throttling.User",
      `|    Message: code: 400, ${THROTTLE_MSG} request id: T0-0005`,
    ],
    events: [{ requestId: "T0-0005", code: "Throttling.User", status: 400, category: "throttling" }],
    summary: { responses: 1 },
  },
  {
    name: "java-core: a blank line between the exception and `RequestId :` ends it (no response)",
    lines: [
      `com.aliyuncs.exceptions.ServerException: Throttling.User : ${THROTTLE_MSG}`,
      "",
      "RequestId : 9519-0005",
    ],
    events: [],
    summary: { lines: 2, responses: 0, nonResponseLines: 2 },
  },
  {
    name: "go-core: another line before RequestId ends the block; a stray `RequestId:` line is no response",
    lines: [
      "SDK.ServerError",
      "ErrorCode: Throttling.User",
      "some other log line",
      "RequestId: G0-0006",
      "Message: m",
    ],
    events: [],
    summary: { lines: 5, responses: 0, nonResponseLines: 5 },
  },
  {
    name: "java-core in `Caused by:` after a stack, RequestId on the next line",
    lines: [
      'Exception in thread "main" java.lang.RuntimeException: scaling failed',
      "\tat com.example.Scaler.run(Scaler.java:42)",
      "Caused by: com.aliyuncs.exceptions.ServerException: InternalError : The request processing has failed due to some unknown error.",
      "RequestId : 9519-0006",
      "\t... 3 more",
    ],
    events: [
      { requestId: "9519-0006", code: "InternalError", category: "server_error", lineStart: 3, lineEnd: 4 },
    ],
    summary: { lines: 5, responses: 1, nonResponseLines: 3 },
  },
  {
    name: "python-core at the end of a traceback",
    lines: [
      "Traceback (most recent call last):",
      '  File "scale.py", line 10, in <module>',
      "    client.do_action_with_exception(request)",
      `${PY}.ServerException: HTTP Status: 400 Error:Throttling.User ${THROTTLE_MSG} RequestID: 6A5F-0007`,
    ],
    events: [{ requestId: "6A5F-0007", code: "Throttling.User", status: 400, lineStart: 4, lineEnd: 4 }],
    summary: { lines: 4, responses: 1, nonResponseLines: 3 },
  },
  // --- Action= before the string gives the action (README rules)
  {
    name: "`Action=` before an SDK string is the action; an `HTTP/1.1 400` token before it is the status",
    lines: [
      `GET /?Action=DescribeScalingGroups&RegionId=cn-hangzhou HTTP/1.1 400 failed: ${PY}.ClientException: SDK.ServerError Throttled RequestID: 6A5F-0005`,
    ],
    events: [{ requestId: "6A5F-0005", action: "DescribeScalingGroups", status: 400, statusSource: "line" }],
  },
];

describe("SDK error strings: every preset shape through analyze", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = analyzeText(`${c.lines.join("\n")}\n`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.events).toMatchObject(c.events as Json[]);
      if (c.summary !== undefined) expect(r.summary).toMatchObject(c.summary);
    });
  }
});
