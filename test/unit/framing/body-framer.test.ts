import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeBuffer, analyzeChunks } from "../../../src/analyze/in-memory.js";

/** Splits `input` at the given cut points (any positions, repeated or out of range ones allowed). */
function split(input: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(input.subarray(from, p));
    from = p;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

const SAMPLE = Buffer.from(
  [
    '\ufeff{"RequestId":"A1","HostId":"ess.aliyuncs.com","Code":"Throttling","Message":"Request was denied due to request throttling."}',
    '2026-11-29 INFO Response-body: b\'{"RequestId":"B2","ScalingGroupId":"asg-1"}\'\r',
    "",
    '127.0.0.1 "POST /?Action=DescribeScalingGroups HTTP/1.1" 403 {"RequestId":"C3","Code":"SignatureDoesNotMatch"}',
    '{"level":50,"action":"CreateScalingGroup","err":{"data":{"Code":"InvalidParameter","RequestId":"D4","statusCode":400}}}',
    "INFO response: {",
    '  "RequestId": "E5",',
    '  "Message": "brace { and \\" quote 华东1",',
    '  "Code": "InternalError"',
    "}",
    '{"RequestId":"F6","Code":"Thro',
    '{"RequestId":"G7"}',
    "<?xml version='1.0' encoding='UTF-8'?>",
    '<Error xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">',
    "  <Code>QpsLimitExceeded</Code>",
    "  <RequestId> H8 </RequestId>",
    "</Error>",
    "<DescribeRegionsResponse><RequestId>I9</RequestId><Regions><Region><Code>x&amp;y</Code></Region></Regions></DescribeRegionsResponse>",
    "garbage line \u0000\u00ff",
    '[main] {thread-1} text {"a":1} then {"RequestId":"J10","Code":"OK"}',
    '{"RequestId":"K11"} {"RequestId":"L12","Code":"Forbidden.RiskControl"}',
    "<Error><RequestId>M13</RequestId><Code>ServiceUnavailable </Code></Error>",
    '{"RequestId":"N14","Code":"InvalidAccessKeyId.NotFound"',
  ].join("\n"),
);

describe("framing", () => {
  it("finds each shape and accounts for every line", () => {
    const { events, summary } = analyzeBuffer(SAMPLE);
    expect(events.map((e) => e.requestId)).toEqual([
      "A1",
      "B2",
      "C3",
      "D4",
      "E5",
      "G7",
      "H8",
      "I9",
      "J10",
      "K11",
      "L12",
      "M13",
    ]);
    expect(events.find((e) => e.requestId === "E5")).toMatchObject({
      lineStart: 6,
      lineEnd: 10,
      code: "InternalError",
    });
    expect(events.find((e) => e.requestId === "H8")).toMatchObject({
      lineStart: 13,
      lineEnd: 17,
      format: "xml",
    });
    expect(events.find((e) => e.requestId === "M13")?.code).toBe("ServiceUnavailable");
    // 23 physical lines, one blank; F6 and N14 (truncated) are malformed, the garbage line is not a response.
    expect(summary).toMatchObject({
      lines: 22,
      responses: 12,
      malformedLines: 2,
      nonResponseLines: 1,
      unrecognizedLines: 3,
    });
  });

  it("gives identical results for any split of the input into chunks", () => {
    const whole = analyzeBuffer(SAMPLE);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(analyzeChunks(split(SAMPLE, cuts))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    // Every byte its own chunk.
    expect(analyzeChunks([...SAMPLE].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it("gives identical results for any split when lines are long enough to be streamed", () => {
    const big = `{"RequestId":"BIG","Items":[${Array.from({ length: 400 }, (_, i) => `{"Code":"200","I":${i}}`).join(",")}],"Code":"Throttling"}`;
    const input = Buffer.from(
      `prefix HTTP/1.1 429 ${big}\n{"RequestId":"after"}\n${big.slice(0, 3000)}\n{"RequestId":"after2"}\n`,
    );
    const options = { streamThresholdBytes: 1024 };
    const whole = analyzeChunks([input], options);
    expect(whole.events.map((e) => [e.requestId, e.code, e.status])).toEqual([
      ["BIG", "Throttling", 429],
      ["after", "", "unknown"],
      ["after2", "", "unknown"],
    ]);
    expect(whole.summary.malformedLines).toBe(1);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        expect(analyzeChunks(split(input, cuts), options)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  const response = fc.record({
    id: fc.stringMatching(/^[A-F0-9]{4,12}$/),
    code: fc.constantFrom("", "Throttling", "InternalError", "Forbidden", "OK"),
    shape: fc.constantFrom("raw", "prefixed", "pino", "pretty", "xml", "xml-multi", "access"),
  });
  // Garbage without anything that could name a request id, so no garbage line is itself a response.
  // Openers are there, closers are not: an opener and a closer around a response line would make a
  // valid document with the response as its text, which is not a response (see README, limits).
  const garbage = fc.oneof(
    fc.string({ maxLength: 60 }).filter((s) => !/equest|\n|<\//i.test(s)),
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a.filter((b) => b !== 10)).toString("latin1")),
    fc.constantFrom('{"a":', "{", "<a>", "<Error>", '{"x":"unterminated', "<?xml version='1.0'?>", "[1,2"),
  );

  function render(r: { id: string; code: string; shape: string }): string {
    const body = r.code === "" ? { RequestId: r.id } : { RequestId: r.id, Code: r.code };
    const xml = `<Error><RequestId>${r.id}</RequestId>${r.code ? `<Code>${r.code}</Code>` : ""}</Error>`;
    switch (r.shape) {
      case "raw":
        return JSON.stringify(body);
      case "prefixed":
        return `2026-11-29T10:00:00Z INFO sdk Data: ${JSON.stringify(body)}`;
      case "pino":
        return JSON.stringify({ level: 30, msg: "call", response: { statusCode: 200, body } });
      case "pretty":
        return `2026-11-29 response:\n${JSON.stringify(body, null, 2)}`;
      case "xml":
        return `<?xml version="1.0" encoding="UTF-8"?>${xml}`;
      case "xml-multi":
        return xml.replace(/></g, ">\n  <");
      default:
        return `"POST /?Action=Describe HTTP/1.1" 400 ${JSON.stringify(body)}`;
    }
  }

  it("finds every response interleaved with random garbage lines", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(response, fc.array(garbage, { maxLength: 3 })), { minLength: 1, maxLength: 12 }),
        (items) => {
          const ids = new Set(items.map(([r]) => r.id));
          fc.pre(ids.size === items.length);
          const text = items.map(([r, g]) => [...g, render(r)].join("\n")).join("\n");
          const found = analyzeBuffer(Buffer.from(text, "latin1")).events.map((e) => e.requestId);
          expect(found.sort()).toEqual([...ids].sort());
        },
      ),
      { numRuns: 400 },
    );
  });

  it("survives a 10 MiB line, 10,000 levels of nesting and an unterminated 5 MiB string", () => {
    const tenMiB = `{"RequestId":"LONG","Code":"Throttling","Blob":"${"x".repeat(10 * 1024 * 1024)}"}`;
    const deep = `${'{"a":'.repeat(10_000)}{"RequestId":"DEEP"}${"}".repeat(10_000)}`;
    const unterminated = `{"RequestId":"CUT","Message":"${"y".repeat(5 * 1024 * 1024)}`;
    const input = Buffer.from([tenMiB, deep, unterminated, '{"RequestId":"NEXT"}', ""].join("\n"));
    const chunks = split(
      input,
      Array.from({ length: 300 }, (_, i) => i * 65536),
    );
    const { events, summary } = analyzeChunks(chunks);
    expect(events.map((e) => e.requestId)).toEqual(["LONG", "DEEP", "NEXT"]);
    expect(summary).toMatchObject({ lines: 4, responses: 3, malformedLines: 1 });
  });

  it("skips lines over maxRecordBytes as oversized, without holding them", () => {
    const input = Buffer.from(
      `{"RequestId":"A"}\n${"z".repeat(5000)}\n{"RequestId":"B","Blob":"${"q".repeat(3000)}"}\n{"RequestId":"C"}\n`,
    );
    const { events, summary } = analyzeChunks(split(input, [100, 2000, 4000, 6000, 9000]), {
      maxRecordBytes: 2500,
      streamThresholdBytes: 1000,
    });
    expect(events.map((e) => e.requestId)).toEqual(["A", "C"]);
    expect(summary).toMatchObject({ lines: 4, oversizedLines: 2, unrecognizedLines: 2 });
  });

  it("bounds a multi-line body by maxMultilineBytes and examines its lines again", () => {
    const lines = [
      "Response: {",
      ...Array.from({ length: 50 }, (_, i) => `  "k${i}": "${"v".repeat(40)}",`),
      '  "RequestId": "PRETTY"',
      "}",
    ];
    const input = Buffer.from(`${lines.join("\n")}\n{"RequestId":"AFTER"}\n`);
    expect(analyzeBuffer(input).events.map((e) => e.requestId)).toEqual(["PRETTY", "AFTER"]);
    const bounded = analyzeBuffer(input, { maxMultilineBytes: 500 });
    expect(bounded.events.map((e) => e.requestId)).toEqual(["AFTER"]);
    expect(bounded.summary.malformedLines).toBeGreaterThan(0);
  });

  it("re-examines lines a failed multi-line candidate had taken", () => {
    const input = Buffer.from(
      ['INFO body: {"a":', '{"RequestId":"INSIDE","Code":"X"}', "not json", '{"RequestId":"LAST"}'].join(
        "\n",
      ),
    );
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => [e.requestId, e.lineStart, e.lineEnd])).toEqual([
      ["INSIDE", 2, 2],
      ["LAST", 4, 4],
    ]);
    expect(summary).toMatchObject({ lines: 4, malformedLines: 1, nonResponseLines: 1 });
  });
});
