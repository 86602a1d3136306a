import type { ApiResponse } from "../../src/core/records.js";

/** A throttling error response (Throttling.User, 400) to build test batches from; override what a test is about. */
export function throttlingResponse(over: Partial<ApiResponse> = {}): ApiResponse {
  return {
    requestId: "4C2A1B3D-5E6F-4A8B-9C0D-1E2F3A4B5C6D",
    hostId: "ess.aliyuncs.com",
    code: "Throttling.User",
    message: "Request was denied due to user flow control.",
    parameter: null,
    status: 400,
    statusSource: "body",
    category: "throttling",
    error: true,
    retryable: true,
    action: "DescribeScalingGroups",
    format: "json",
    source: "app",
    lineStart: 1,
    lineEnd: 1,
    time: Date.UTC(2026, 0, 2, 3, 4, 5),
    timeSource: "log",
    ...over,
  };
}
