import { describe, expect, it } from "vitest";
import { analyzeBuffer, analyzeChunks } from "../../../src/analyze/in-memory.js";

/**
 * Lines over `streamThresholdBytes` are streamed through the framer in pieces (src/framing/long-line.ts):
 * each case is one finding of a review of the parsing core (issue 2). Inputs are small;
 * `streamThresholdBytes` is lowered to reach the long-line path (lines over 1 MiB in production)
 * without megabytes of input, except where the real default is used.
 */

const ids = (r: { events: { requestId: string }[] }) => r.events.map((e) => e.requestId);
const b = (s: string) => Buffer.from(s);

describe("long lines (streamed) are framed like short ones", () => {
  const same = (line: string, chunks: string[], threshold: number) => {
    const short = analyzeBuffer(b(line));
    const long = analyzeChunks(chunks.map(b), { streamThresholdBytes: threshold });
    expect(long.events).toEqual(short.events);
    expect(long.summary).toEqual(short.summary);
  };

  it("a second body after the first on a long line is found", () => {
    const r = analyzeBuffer(b('{"RequestId":"A"} {"RequestId":"B"}\n'), { streamThresholdBytes: 10 });
    expect(ids(r)).toEqual(["A", "B"]);
  });

  it("a response after a non-response body on a long line is found", () => {
    const r = analyzeBuffer(b('{"a":1} {"RequestId":"B"}\n'), { streamThresholdBytes: 5 });
    expect(ids(r)).toEqual(["B"]);
    expect(r.summary.nonResponseLines).toBe(0);
  });

  it("a second body after a 1.5 MiB body on one line is found (default threshold)", () => {
    const big = "x".repeat(1536 * 1024);
    const r = analyzeBuffer(
      b(`{"RequestId":"A","Message":"${big}"} {"RequestId":"B","Code":"Throttling"}\n`),
    );
    expect(ids(r)).toEqual(["A", "B"]);
  });

  it("an XML body whose `<` ends a read chunk is found", () => {
    const line = "pad pad pad <Error><RequestId>A</RequestId></Error> tail\n";
    same(line, [line.slice(0, 13), line.slice(13)], 8);
  });

  it("`{thread-1}` split after `{` by a read chunk is not a failed candidate", () => {
    const line = "pad pad pad pad {thread-1} plain\n";
    same(line, [line.slice(0, 17), line.slice(17)], 8);
  });

  // A documented limit of lines over the stream threshold (README, "Known limits"): their earlier
  // pieces are gone, so after a body fails in a later piece the search goes on in that piece only.
  it("a candidate that fails in a later piece: the line is malformed, the next line still counts", () => {
    const input = '{"x": {"RequestId":"B"} oops}\n{"RequestId":"C"}\n';
    const r = analyzeChunks([b(input.slice(0, 24)), b(input.slice(24))], { streamThresholdBytes: 8 });
    expect(ids(r)).toEqual(["C"]);
    expect(r.summary).toMatchObject({ lines: 2, malformedLines: 1, responses: 1 });
  });

  it("the status and action right before the body count when the prefix is long", () => {
    const line = `${"x".repeat(5000)} "POST /?Action=Foo HTTP/1.1" 429 {"RequestId":"R"}\n`;
    same(line, [line], 1000);
  });

  it("a pretty-printed body with a line longer than the threshold is found", () => {
    const input = `{\n  "RequestId": "A",\n  "Message": "${"y".repeat(50)}"\n}\n`;
    const r = analyzeBuffer(b(input), { streamThresholdBytes: 20 });
    expect(ids(r)).toEqual(["A"]);
    expect(r.summary.lines).toBe(4);
    expect(r.summary.unrecognizedLines).toBe(0);
  });

  it("a pretty-printed body with a 1.2 MiB message line is found (default threshold)", () => {
    const input = `{\n  "RequestId": "A",\n  "Code": "InternalError",\n  "Message": "${"y".repeat(1200 * 1024)}"\n}\n`;
    const r = analyzeBuffer(b(input));
    expect(ids(r)).toEqual(["A"]);
    expect(r.summary.unrecognizedLines).toBe(0);
  });

  // Also a documented limit: a long line cannot open a body that goes on to the next lines. The
  // opening line is malformed; the lines after it are examined on their own.
  it("a pretty-printed body opened at the end of a long line: that line is malformed", () => {
    const input = `prefix ${"z".repeat(40)} {\n "RequestId": "A"\n}\n{"RequestId":"B"}\n`;
    const r = analyzeBuffer(b(input), { streamThresholdBytes: 20 });
    expect(ids(r)).toEqual(["B"]);
    expect(r.summary).toMatchObject({ lines: 4, malformedLines: 1, nonResponseLines: 2 });
  });
});
