import { describe, expect, it } from "vitest";
import type { ApiResponse } from "../../src/core/records.js";
import { RecentErrors } from "../../src/server/recent-errors.js";

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
