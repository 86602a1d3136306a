import { describe, expect, it } from "vitest";
import type { ApiResponse } from "../../../src/core/records.js";
import { redactor } from "../../../src/core/redact.js";
import { RecentErrors } from "../../../src/server/recent-errors.js";

function response(requestId: string, error = true, time = Date.UTC(2026, 0, 2, 3, 4, 5)): ApiResponse {
  return {
    requestId,
    hostId: error ? "ecs.aliyuncs.com" : null,
    code: error ? "InvalidParameter" : "",
    message: error ? "The specified parameter ScalingGroupId is not valid." : null,
    parameter: error ? "ScalingGroupId" : null,
    status: error ? 400 : "unknown",
    statusSource: error ? "body" : "none",
    category: error ? "client_error" : "success",
    error,
    retryable: false,
    action: "DescribeScalingGroups",
    format: "json",
    source: "ignored",
    lineStart: 1,
    lineEnd: 1,
    time,
    timeSource: "log",
  };
}
const ids = (r: RecentErrors, limit?: number) => r.list(limit).map((e) => e.requestId);

describe("RecentErrors ring buffer", () => {
  it("lists error responses newest first with what a support ticket needs", () => {
    const r = new RecentErrors(10);
    r.add([response("A"), response("ok", false), response("B")], "app");
    r.add([response("C", true, Date.UTC(2026, 0, 2, 3, 4, 6))], "web");
    expect(ids(r)).toEqual(["C", "B", "A"]);
    expect(r.length).toBe(3);
    expect(r.list(1)).toEqual([
      {
        requestId: "C",
        hostId: "ecs.aliyuncs.com",
        code: "InvalidParameter",
        message: "The specified parameter ScalingGroupId is not valid.",
        status: 400,
        action: "DescribeScalingGroups",
        category: "client_error",
        time: "2026-01-02T03:04:06.000Z",
        timeSource: "log",
        source: "web",
      },
    ]);
  });

  it("keeps only the last `size` errors across batches and wrap-arounds", () => {
    const r = new RecentErrors(3);
    r.add([response("1"), response("2")], "app");
    r.add([response("3"), response("4")], "app");
    expect(ids(r)).toEqual(["4", "3", "2"]);
    r.add([response("5"), response("6"), response("7"), response("8")], "app");
    expect(ids(r)).toEqual(["8", "7", "6"]);
    expect(r.length).toBe(3);
  });

  it("honours the limit", () => {
    const r = new RecentErrors(5);
    r.add(
      ["a", "b", "c", "d"].map((id) => response(id)),
      "app",
    );
    expect(ids(r, 2)).toEqual(["d", "c"]);
    expect(ids(r, 0)).toEqual([]);
    expect(ids(r, 100)).toEqual(["d", "c", "b", "a"]);
  });

  it("keeps nothing with size 0", () => {
    const r = new RecentErrors(0);
    r.add([response("A")], "app");
    expect(r.list()).toEqual([]);
    expect(r.length).toBe(0);
  });

  it("rejects a negative or fractional size", () => {
    expect(() => new RecentErrors(-1)).toThrow(RangeError);
    expect(() => new RecentErrors(1.5)).toThrow(RangeError);
  });
});

describe("RecentErrors keeps bounded, masked copies", () => {
  const KEY = "LTAI5tAbCdEfGhIjKlMn0001";

  it("masks credentials in what it keeps when given the redactor", () => {
    const r = new RecentErrors(5, { redact: redactor(true) });
    const e = response("S");
    r.add([{ ...e, message: `server string to sign is:GET&%2F&AccessKeyId%3D${KEY}%26Action%3DX` }], "app");
    expect(r.list()[0]?.message).toBe("server string to sign is:[redacted]");
    const open = new RecentErrors(5, { redact: redactor(false) });
    open.add([{ ...e, message: `key ${KEY}` }], "app");
    expect(open.list()[0]?.message).toBe(`key ${KEY}`);
  });

  it("cuts long messages to maxMessageLength (marked …) and long ids to 256, masking a key across the cut", () => {
    const r = new RecentErrors(5, { maxMessageLength: 100, redact: redactor(true) });
    const e = response("L");
    const message = `${"m".repeat(90)} ${KEY} ${"z".repeat(1_000_000)}`;
    r.add([{ ...e, message, code: "C".repeat(65_536), requestId: "R".repeat(1000) }], "app");
    const kept = r.list()[0];
    expect(kept?.message).toHaveLength(100);
    expect(kept?.message?.endsWith("…")).toBe(true);
    expect(kept?.message).not.toContain("LTAI5tAbCd");
    expect(kept?.message).toContain(`${"m".repeat(90)} LTAI5t`);
    expect(kept?.code).toHaveLength(256);
    expect(kept?.requestId).toHaveLength(256);
    // Short values are kept as they are.
    r.add([response("short")], "app");
    expect(r.list()[0]?.message).toBe("The specified parameter ScalingGroupId is not valid.");
  });
});
