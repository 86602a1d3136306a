/**
 * Bodies inside string values (DESIGN §3): the decoded text of a string is examined like a line of
 * its own, through at least two levels of escaping, and the enclosing objects still give the
 * wrapper status, the action and the log time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../../src/analyze/in-memory.js";
import type { ApiResponse } from "../../../src/core/records.js";
import { scanJsonText } from "../../helpers/scan-text.js";

/** The event fields that do not depend on where the body stood. */
function fields(e: ApiResponse | undefined): unknown {
  if (e === undefined) return undefined;
  const { lineStart, lineEnd, ...rest } = e;
  return rest;
}

function events(text: string): ApiResponse[] {
  return analyzeBuffer(Buffer.from(`${text}\n`)).events;
}

const safeText = fc.string({ maxLength: 24 }).map((s) => s.replace(/[\r\n\u2028\u2029]/g, " "));
const code = fc.constantFrom("", "Throttling.User", "InternalError", "Forbidden.RAM", "OK", "NoSuchKey");
const body = fc.record({
  RequestId: fc.stringMatching(/^[0-9A-F-]{1,36}$/),
  Code: code,
  Message: safeText,
  HostId: fc.option(fc.constantFrom("ecs.aliyuncs.com", "b.oss-cn-hangzhou.aliyuncs.com"), {
    nil: undefined,
  }),
});

describe("bodies inside strings", () => {
  it("escaping a body inside a string at depth 1 and 2 gives the same event fields as the raw body", () => {
    fc.assert(
      fc.property(body, safeText, (b, note) => {
        const raw = JSON.stringify(b);
        const depth1 = JSON.stringify({ level: 50, time: 1, msg: `failed: ${raw}`, note });
        const depth2 = JSON.stringify({ log: `${depth1}\n`, stream: "stdout", other: note });
        const [r0] = events(raw);
        const [r1] = events(depth1);
        const [r2] = events(depth2);
        expect(r0?.requestId).toBe(b.RequestId);
        expect(fields(r1)).toEqual(fields(r0));
        expect(fields(r2)).toEqual(fields(r0));
        expect(r2?.lineStart).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it("XML escaped in a quoted string of free text, with the line's Action= and HTTP status", () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>AccessDenied</Code>\n  <RequestId>X1</RequestId>\n</Error>\n';
    const [e] = events(`10.0.0.1 "GET /?Action=GetObject HTTP/1.1" 403 ${JSON.stringify(xml)}`);
    expect(e?.requestId).toBe("X1");
    expect(e?.status).toBe(403);
    expect(e?.statusSource).toBe("line");
    expect(e?.action).toBe("GetObject");
    expect(e?.format).toBe("xml");
  });

  it("the enclosing objects give wrapper status, action and log time", () => {
    const line = JSON.stringify({
      level: 50,
      time: "2026-12-01T08:00:00Z",
      api: "GetObject",
      res: { statusCode: 404, body: JSON.stringify({ RequestId: "S1", Code: "NoSuchKey" }) },
    });
    const { parsed } = scanJsonText(line);
    expect(parsed).toBeNull();
    const [e] = events(line);
    expect(e?.status).toBe(404);
    expect(e?.statusSource).toBe("wrapper");
    expect(e?.action).toBe("GetObject");
  });

  it("a sibling of the object around the string gives it no status", () => {
    const inner = JSON.stringify({ RequestId: "S2", Code: "Throttling" });
    const [e] = events(JSON.stringify({ a: { note: inner }, c: { statusCode: 500 } }));
    expect(e?.requestId).toBe("S2");
    expect(e?.statusSource).toBe("catalog");
    const [w] = events(JSON.stringify({ a: { note: inner }, c: { statusCode: 500 }, statusCode: 429 }));
    expect(w?.status).toBe(429);
    expect(w?.statusSource).toBe("wrapper");
  });

  it("a string that names a request id but holds no body is no response; plain lines are not decoded", () => {
    expect(events(JSON.stringify({ msg: 'see \\"RequestId\\" in the docs', level: 30 }))).toEqual([]);
    expect(events('{"msg":"x-acs-request-id header missing","level":30}')).toEqual([]);
    expect(events('{"RequestId":"P1","Message":"plain \\"quoted\\" text"}').map((e) => e.requestId)).toEqual([
      "P1",
    ]);
  });

  it("each string's text before its body is its own, string after string (decoded text shares one buffer)", () => {
    // The second string's status stands before the position where the first string's body began.
    const first = JSON.stringify({
      level: 50,
      msg: `call failed HTTP/1.1 503 ${JSON.stringify({ RequestId: "S1" })}`,
    });
    const second = JSON.stringify({
      level: 50,
      msg: `HTTP/1.1 404 then a longer text ${JSON.stringify({ RequestId: "S2" })}`,
    });
    const quoted = (id: string, status: number) =>
      `free text ${JSON.stringify(`HTTP/1.1 ${status} and some more words ${JSON.stringify({ RequestId: id })}`)}`;
    const got = events([first, second, quoted("S3", 429), quoted("S4", 403)].join("\n"));
    expect(got.map((e) => [e.requestId, e.status, e.statusSource])).toEqual([
      ["S1", 503, "line"],
      ["S2", 404, "line"],
      ["S3", 429, "line"],
      ["S4", 403, "line"],
    ]);
  });

  it("a body still open at the end of a string is truncated there: what follows it in the string is examined", () => {
    const inner = `{"a":{"RequestId":"T1"} ${JSON.stringify({ RequestId: "T2", Code: "Throttling.User" })} {"open":`;
    const got = events(JSON.stringify({ level: 50, msg: inner }));
    expect(got.map((e) => [e.requestId, e.code])).toEqual([
      ["T1", ""],
      ["T2", "Throttling.User"],
    ]);
    expect(
      analyzeBuffer(Buffer.from(`${JSON.stringify({ level: 50, msg: inner })}\n`)).summary.malformedLines,
    ).toBe(0);
  });
});
