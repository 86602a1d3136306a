import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnalyzeOptions, analyzeChunks } from "../../../src/analyze/in-memory.js";

/**
 * An open JSON body takes the lines after it in one piece when they are in the chunk already
 * (BodyFramer.takeLines); one line per chunk, the splitter has no line after the current one to
 * hand on, so every line goes by `line`. Both must give the same events and counts.
 */
function oneLinePerChunk(input: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (let nl = input.indexOf(10); nl >= 0; nl = input.indexOf(10, from)) {
    chunks.push(input.subarray(from, nl + 1));
    from = nl + 1;
  }
  if (from < input.length) chunks.push(input.subarray(from));
  return chunks;
}

function expectSameAsLineByLine(input: Buffer, options: AnalyzeOptions = {}) {
  const whole = analyzeChunks([input], options);
  expect(whole).toEqual(analyzeChunks(oneLinePerChunk(input), options));
  return whole;
}

const pretty = (body: unknown, indent = 2) => JSON.stringify(body, null, indent);

describe("an open JSON body takes its lines in one piece", () => {
  it("finds what line-by-line framing finds, with the same line numbers", () => {
    const input = Buffer.from(
      [
        "INFO response: {",
        '  "RequestId": "A1",',
        '  "Code": "Throttling",',
        "",
        '  "HttpStatus": 503',
        '} then {"RequestId":"A2"} and {',
        '  "RequestId": "A3"',
        "}",
        "log: {",
        '  "level": "error",',
        '  "detail": "{\\"RequestId\\":\\"IN1\\",\\"Code\\":\\"InternalError\\"}"',
        "}",
        "",
      ].join("\r\n"),
    );
    const { events, summary } = expectSameAsLineByLine(input);
    expect(events.map((e) => [e.requestId, e.lineStart, e.lineEnd])).toEqual([
      ["A1", 1, 6],
      ["A2", 6, 6],
      ["A3", 6, 8],
      ["IN1", 11, 11],
    ]);
    expect(summary).toMatchObject({ lines: 11, responses: 4, malformedLines: 0 });
  });

  it("counts the lines of a body that ends in one piece, blank ones not", () => {
    for (const eol of ["\n", "\r\n"]) {
      const input = Buffer.from(["response: {", "", "  ", '  "RequestId": "B1"', "\t", "}", ""].join(eol));
      const { events, summary } = expectSameAsLineByLine(input);
      expect(events.map((e) => [e.requestId, e.lineStart, e.lineEnd])).toEqual([["B1", 1, 6]]);
      expect(summary).toMatchObject({ lines: 3, responses: 1 });
    }
  });

  it("fails where a line fails, and examines the body's lines again", () => {
    const input = Buffer.from(
      [
        "response: {",
        '  "RequestId": "BAD",',
        '  "Message": "cut',
        '  {"RequestId":"AFTER1"}',
        '  "x": 1',
        "}",
        '{"RequestId":"AFTER2"}',
        "",
      ].join("\n"),
    );
    const { events, summary } = expectSameAsLineByLine(input);
    expect(events.map((e) => e.requestId)).toEqual(["AFTER1", "AFTER2"]);
    expect(summary.malformedLines).toBeGreaterThan(0);
  });

  it("skips a blank line of VT and FF as a line would, though the scanner does not", () => {
    // \v and \f are blanks to the framer (a blank line is not fed) but not JSON white space.
    const input = Buffer.from(
      [
        "response: {",
        '  "RequestId": "VT",',
        "\u000b\u000c",
        '  "Code": "Throttling"',
        "}",
        "\u000b",
        '{"RequestId":"NEXT"}',
        "",
      ].join("\n"),
    );
    const { events } = expectSameAsLineByLine(input);
    expect(events.map((e) => [e.requestId, e.code, e.lineEnd])).toEqual([
      ["VT", "Throttling", 5],
      ["NEXT", "", 7],
    ]);
  });

  it("examines the rest of the line a body ends on as that line", () => {
    const input = Buffer.from(
      [
        "INFO response: {",
        '  "RequestId": "A1"',
        '} detail="{\\"RequestId\\":\\"Q1\\",\\"Code\\":\\"Throttling\\"}"',
        "",
      ].join("\n"),
    );
    const { events } = expectSameAsLineByLine(input);
    expect(events.map((e) => [e.requestId, e.lineStart, e.lineEnd])).toEqual([
      ["A1", 1, 3],
      ["Q1", 3, 3],
    ]);
  });

  it("skips, when the body fails, only the candidates of its first line that fail with it", () => {
    // The nested `{` left open at 27 of the body's line fails with the body; the body begun again
    // in the held copy of its line records it there (not moved again by where the line was read).
    // 20 bytes before the line: moved again, the skip would fall on V2's `{` at 7.
    const input = Buffer.from(
      [
        "0123456789abcdefghi",
        '{"Q": [{"RequestId":"V2"}, {',
        '"a": 1',
        "oops",
        '{"RequestId":"NEXT"}',
        "",
      ].join("\n"),
    );
    const { events } = expectSameAsLineByLine(input);
    expect(events.map((e) => e.requestId)).toEqual(["V2", "NEXT"]);
  });

  it("a body that took lines in one read and fails in a later one skips what fails with it, no more", () => {
    // The second read ends with the body open: line 4 was taken where it was read, so the scanner
    // knows the `{` left open on it by its place in that read (15), not in the held copy. Scanned
    // again when it fails in the third read, it skips that `{` — at 15 of the copy is V3's `{`.
    const reads = [
      ["{", '"aaaaaaaaaa": {"RequestId":"V3"},', ""],
      ['"pad": 1,', '"x": {', ""],
      ["oops", '{"RequestId":"NEXT"}', ""],
    ].map((lines) => Buffer.from(lines.join("\n")));
    const lineByLine = analyzeChunks(oneLinePerChunk(Buffer.concat(reads)));
    expect(lineByLine.events.map((e) => e.requestId)).toEqual(["V3", "NEXT"]);
    expect(analyzeChunks(reads)).toEqual(lineByLine);
  });

  it("stops at maxMultilineBytes where a line would", () => {
    const body = { RequestId: "BIG", Items: Array.from({ length: 60 }, (_, i) => ({ Name: `item-${i}` })) };
    const input = Buffer.from(`response: ${pretty(body)}\n{"RequestId":"SMALL"}\n`);
    for (const maxMultilineBytes of [200, 1000, 1500, 2000, 2100, 4000, 100_000]) {
      const { events } = expectSameAsLineByLine(input, { maxMultilineBytes });
      expect(events.at(-1)?.requestId).toBe("SMALL");
    }
  });

  const line = fc.oneof(
    fc.constantFrom(
      "",
      "   ",
      "\u000b",
      "\f ",
      "\r",
      "{",
      "}",
      "},",
      "[",
      "],",
      '"a": 1,',
      '"b": "x",',
      '"RequestId": "R1",',
      '"RequestId": "R2"',
      '"Code": "Throttling",',
      '"statusCode": 429,',
      '"s": "cut',
      '"e": "{\\"RequestId\\":\\"S1\\",\\"Code\\":\\"InternalError\\"}",',
      '"t": "Error: SDK.ServerError\\nRequestId: S2\\nCode: Throttling",',
      '} {"RequestId":"R3"}',
      "} trailing text",
      'response: {"RequestId": "R4",',
      "INFO body: {",
      "<Error><RequestId>X1</RequestId></Error>",
      "tr",
      "ue,",
      "1",
      "2,",
    ),
    fc.string({ maxLength: 12 }).filter((s) => !s.includes("\n")),
  );

  it("gives the same results as line-by-line framing for any lines", () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.constantFrom("\n", "\r\n"),
        fc.constantFrom(undefined, 64, 300),
        (lines, eol, maxMultilineBytes) => {
          const input = Buffer.from(lines.map((l) => `  ${l}`).join(eol) + eol);
          expectSameAsLineByLine(input, maxMultilineBytes === undefined ? {} : { maxMultilineBytes });
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("gives the same results for pretty-printed bodies cut and broken at random", () => {
    const body = fc.record({
      RequestId: fc.stringMatching(/^[A-F0-9]{4,8}$/),
      Code: fc.constantFrom("Throttling", "InternalError", "OK"),
      Items: fc.array(fc.record({ Name: fc.string({ maxLength: 8 }), N: fc.integer() }), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(body, fc.nat(400), fc.constantFrom("none", "cut", "vt", "garbage")), {
          minLength: 1,
          maxLength: 8,
        }),
        (bodies) => {
          const text = bodies
            .map(([b, at, harm]) => {
              const lines = `INFO response: ${pretty(b)}`.split("\n");
              const i = at % lines.length;
              if (harm === "cut") lines.length = i + 1;
              if (harm === "vt") lines.splice(i, 0, "\u000b");
              if (harm === "garbage") lines.splice(i, 0, "  ]] not json");
              return lines.join("\n");
            })
            .join("\n");
          expectSameAsLineByLine(Buffer.from(`${text}\n`));
        },
      ),
      { numRuns: 500 },
    );
  });
});
