/**
 * Reviewer's cases for README "One request, counted once" (issue 12 §3): placeholder ids never
 * deduplicate, a body's fields win over a string's in either order, the window is per source and
 * bounded, and `analyze --json` counts `duplicates`. Through the built CLI on real files.
 */
import { describe, expect, it } from "vitest";
import { analyzeText, pick } from "../../helpers/analyze-cli.js";

const E = JSON.stringify;
const exception = (id: string, status = 400, code = "Throttling.User") =>
  `aliyunsdkcore.acs_exception.exceptions.ServerException: HTTP Status: ${status} Error:${code} Request was denied. RequestID: ${id}`;

describe("placeholder and empty ids never deduplicate", () => {
  for (const id of ["xxx", "****", "XXXX", "********"]) {
    it(`SDK strings with RequestID ${id}, three times`, () => {
      const r = analyzeText(`${[exception(id), exception(id), exception(id)].join("\n")}\n`);
      expect(r.summary).toMatchObject({ responses: 3, duplicates: 0, throttled: 3 });
      expect(r.events).toHaveLength(3);
    });
  }

  it('bodies with RequestId "" (a response: the member is present), three times', () => {
    const line = E({ RequestId: "", Code: "InternalError", Message: "x" });
    const r = analyzeText(`${line}\n${line}\n${line}\n`);
    expect(pick(r.events, ["requestId", "code"])).toEqual([
      { requestId: "", code: "InternalError" },
      { requestId: "", code: "InternalError" },
      { requestId: "", code: "InternalError" },
    ]);
    expect(r.summary).toMatchObject({ responses: 3, duplicates: 0 });
  });

  it('bodies with RequestId "   " (trimmed to "") never deduplicate either', () => {
    const line = E({ RequestId: "   ", Code: "InternalError" });
    const r = analyzeText(`${line}\n${line}\n`);
    expect(r.summary).toMatchObject({ responses: 2, duplicates: 0 });
  });

  it("a real id repeated is counted once, and the repeat is a duplicate", () => {
    const r = analyzeText(`${[exception("R-1"), exception("R-1"), exception("R-2")].join("\n")}\n`);
    expect(r.summary).toMatchObject({ responses: 2, duplicates: 1, lines: 3, nonResponseLines: 0 });
    expect(pick(r.events, ["requestId"])).toEqual([{ requestId: "R-1" }, { requestId: "R-2" }]);
  });
});

describe("a body's fields win over a string's (same batch), in either order", () => {
  const body = E({
    RequestId: "BW-1",
    HostId: "ecs.cn-shanghai.aliyuncs.com",
    Code: "Throttling.User",
    Message: "b",
  });
  for (const [name, lines] of [
    ["string, then body", [exception("BW-1"), body]],
    ["body, then string", [body, exception("BW-1")]],
    [
      "string, ten other lines, body",
      [exception("BW-1"), ...Array.from({ length: 10 }, (_, i) => `noise ${i}`), body],
    ],
  ] as const) {
    it(name, () => {
      const r = analyzeText(`${lines.join("\n")}\n`);
      expect(pick(r.events, ["requestId", "hostId", "format", "message"])).toEqual([
        { requestId: "BW-1", hostId: "ecs.cn-shanghai.aliyuncs.com", format: "json", message: "b" },
      ]);
      expect(r.summary).toMatchObject({ responses: 1, duplicates: 1 });
    });
  }

  it("the status the string states is kept when the body has none (`body wins` is for its fields)", () => {
    const noStatusBody = E({ RequestId: "BW-2", HostId: "ecs.aliyuncs.com", Code: "Forbidden.RAM" });
    const r = analyzeText(`${exception("BW-2", 403, "Forbidden.RAM")}\n${noStatusBody}\n`);
    expect(pick(r.events, ["requestId", "hostId", "status", "statusSource"])).toEqual([
      { requestId: "BW-2", hostId: "ecs.aliyuncs.com", status: 403, statusSource: "line" },
    ]);
  });
});

describe("the window", () => {
  it("a duplicate is neither in byCode nor in the error counts", () => {
    const r = analyzeText(`${exception("R-5")}\n${exception("R-5")}\n${exception("R-5")}\n`);
    expect(r.summary).toMatchObject({
      responses: 1,
      errors: 1,
      throttled: 1,
      duplicates: 2,
      byCode: { "Throttling.User": 1 },
      byCategory: { throttling: 1 },
    });
  });
});
