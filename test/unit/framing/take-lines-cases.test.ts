/**
 * Open JSON bodies take the lines after them in one scan (BodyFramer.takeLines), held to
 * line-by-line framing: one line per chunk, the splitter has no line after the current one to hand
 * on, so every line goes by `BodyFramer.line`. Whole chunks, random splits, the turn budget and the
 * container-log decoders must give exactly its events and counts, the checkpoints (`pendingBytes`)
 * must be its own, and the work must stay linear. (A review of the change, written as tests; the
 * cases marked "Was:" failed on its first version.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnalyzeOptions, analyzeChunks, shippedCatalog } from "../../../src/analyze/in-memory.js";
import type { ApiResponse, LineCounts } from "../../../src/core/records.js";
import type { LogFormat } from "../../../src/decoders/line-decoder.js";
import { Extractor } from "../../../src/extract/extractor.js";
import { RecordPipeline } from "../../../src/pipeline.js";
import { leastCpuMs } from "../../helpers/cpu-time.js";

// ---------------------------------------------------------------------------------------------
// Helpers

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

/** `input` cut at the given positions (taken modulo its length + 1). */
function cutAt(input: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    if (p > prev) chunks.push(input.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  if (prev < input.length) chunks.push(input.subarray(prev));
  return chunks;
}

/** Whole, and cut at `cuts`: both as line by line. */
function expectSameAsLineByLine(input: Buffer, options: AnalyzeOptions = {}, cuts: readonly number[] = []) {
  const lineByLine = analyzeChunks(oneLinePerChunk(input), options);
  expect(analyzeChunks([input], options)).toEqual(lineByLine);
  if (cuts.length > 0) expect(analyzeChunks(cutAt(input, cuts), options)).toEqual(lineByLine);
  return lineByLine;
}

const ids = (events: readonly ApiResponse[]) => events.map((e) => [e.requestId, e.lineStart, e.lineEnd]);
const pretty = (body: unknown, indent: number | string = 2) => JSON.stringify(body, null, indent);
const esc = (s: string) => JSON.stringify(s).slice(1, -1);

const cpuMs = (run: () => void) => leastCpuMs(run, 2);

/**
 * Taking lines costs about twice as much for `make(16_000)` as for `make(8000)`, and no more than
 * about what line-by-line framing costs for it (quadratic would be ~4×; small times are noisy, hence
 * the floor).
 */
function expectLinearLikeLineByLine(make: (n: number) => Buffer): void {
  analyzeChunks([make(500)]); // warm up
  const small = make(8000);
  const large = make(16_000);
  const lineByLine = cpuMs(() => analyzeChunks(oneLinePerChunk(large)));
  const t1 = cpuMs(() => analyzeChunks([small]));
  const t2 = cpuMs(() => analyzeChunks([large]));
  expect({
    t1,
    t2,
    lineByLine,
    doubled: t2 < Math.max(3 * t1, 60),
    vsLineByLine: t2 < Math.max(3 * lineByLine, 60),
  }).toMatchObject({ doubled: true, vsLineByLine: true });
}

interface Run {
  events: ApiResponse[];
  counts: Omit<LineCounts, "bytes">;
  /** pendingBytes after each group of pushes. */
  pending: number[];
}

function newPipeline(run: Run, options: Record<string, unknown>): RecordPipeline {
  return new RecordPipeline({
    source: "test",
    extractor: new Extractor(shippedCatalog()),
    now: () => 0,
    ...options,
    onBatch: (_s, responses, c) => {
      run.events.push(...responses);
      run.counts.lines += c.lines;
      run.counts.responses += c.responses;
      run.counts.malformed += c.malformed;
      run.counts.nonResponse += c.nonResponse;
      run.counts.oversized += c.oversized;
      run.counts.duplicate += c.duplicate;
    },
  });
}

const newRun = (): Run => ({
  events: [],
  counts: { lines: 0, responses: 0, malformed: 0, nonResponse: 0, oversized: 0, duplicate: 0 },
  pending: [],
});

/**
 * Pushes each group's chunks (each from a copy that is overwritten once its push is done, as a
 * source reuses its read buffer), awaiting a push that goes on in later turns, and notes
 * pendingBytes after each group. `turn`: run's budget, the tightest (turn-budget.test.ts).
 */
async function pushGroups(groups: readonly Buffer[][], options: Record<string, unknown>, turn: boolean) {
  const run = newRun();
  const p = newPipeline(
    run,
    turn ? { ...options, turn: { ms: 0, checkEvery: 1, minLineBytes: 0 } } : options,
  );
  for (const group of groups) {
    for (const chunk of group) {
      const reused = Buffer.from(chunk);
      const going = p.push(reused);
      reused.fill(0x7e);
      if (going) await going;
    }
    run.pending.push(p.pendingBytes);
  }
  p.end();
  return run;
}

// ---------------------------------------------------------------------------------------------
// Generators: pretty-printed bodies harmed at random, and random lines

const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.integer(),
    fc.constantFrom(true, false, null, "x", "", "RequestId"),
    fc.constantFrom(
      '{"RequestId":"S1","Code":"InternalError"}',
      "Error: SDK.ServerError\nRequestId: S2\nCode: Throttling",
      "<Error><RequestId>X9</RequestId><Code>Forbidden</Code></Error>",
      '{\n  "RequestId": "S4",\n  "Code": "Throttling"\n}',
      "ServerException: HTTP Status: 400 Error:Throttling.User no. RequestID: S5",
    ),
    fc.string({ maxLength: 6 }),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "Items", "detail", "msg", "Code"), tie("v"), { maxKeys: 3 }),
  ),
})).v;

const body = fc.record(
  {
    RequestId: fc.option(fc.stringMatching(/^[A-F0-9]{2,6}$/), { nil: undefined }),
    level: fc.option(fc.constantFrom("error", "info"), { nil: undefined }),
    Code: fc.option(fc.constantFrom("Throttling", "InternalError", "OK"), { nil: undefined }),
    HostId: fc.option(fc.constant("ecs.aliyuncs.com"), { nil: undefined }),
    data: value,
    err: fc.option(
      fc.constantFrom(
        '{"RequestId":"IN1","Code":"InternalError"}',
        "Error: SDK.ServerError\nRequestId: IN2\nCode: Throttling",
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: ["data"] },
);

const HARMS = [
  "none",
  "none",
  "cut",
  "vt",
  "ff",
  "garbage",
  "xml",
  "json1",
  "blank",
  "spaces",
  "tabcr",
  "second",
  "secondOpen",
  "secondXml",
  "trail",
  "nested",
] as const;

const prettyInput = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom(
          "",
          "INFO response: ",
          "HTTP/1.1 400 ",
          "Action=RunInstances ",
          "2026-01-01T00:00:00Z ",
        ),
        body,
        fc.nat(400),
        fc.constantFrom(...HARMS),
        fc.constantFrom<number | string>(2, 4, "\t"),
        fc.constantFrom(
          "",
          "",
          '{"RequestId":"L1"}',
          "plain text",
          "\u000b",
          "   ",
          "<Error><RequestId>X3</RequestId></Error>",
        ),
      ),
      { minLength: 1, maxLength: 6 },
    ),
    fc.constantFrom("\n", "\r\n"),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([bodies, eol, finalEol, bom]) => {
    const text = bodies
      .map(([prefix, b, at, harm, indent, after]) => {
        const lines = `${prefix}${pretty(b, indent)}`.split("\n");
        const i = at % lines.length;
        const lastLine = lines.length - 1;
        if (harm === "cut") lines.length = i + 1;
        if (harm === "vt") lines.splice(i, 0, "\u000b");
        if (harm === "ff") lines.splice(i, 0, " \f ");
        if (harm === "garbage") lines.splice(i, 0, "  ]] not json");
        if (harm === "xml") lines.splice(i, 0, "<Error><RequestId>XX</RequestId></Error>");
        if (harm === "json1") lines.splice(i, 0, '{"RequestId":"J1"}');
        if (harm === "blank") lines.splice(i, 0, "");
        if (harm === "spaces") lines.splice(i, 0, "    ");
        if (harm === "tabcr") lines.splice(i, 0, "\t\r");
        if (harm === "second") lines[lastLine] += ' {"RequestId":"SEC"}';
        if (harm === "secondOpen")
          lines.splice(lastLine, 1, `${lines[lastLine]} {`, '"RequestId": "SO"', "}");
        if (harm === "secondXml")
          lines.splice(lastLine, 1, `${lines[lastLine]} <Error>`, "<RequestId>SX</RequestId>", "</Error>");
        if (harm === "trail") lines[lastLine] += ' x="{\\"RequestId\\":\\"TR\\"}"';
        if (harm === "nested") lines.splice(i, 0, '"n": {"RequestId":"NE",');
        if (after !== "") lines.push(after);
        return lines.join(eol);
      })
      .join(eol);
    return Buffer.from(`${bom ? "\ufeff" : ""}${text}${finalEol ? eol : ""}`);
  });

const someLine = fc.oneof(
  fc.constantFrom(
    "",
    "   ",
    "\u000b",
    "\f ",
    "\r",
    " \t ",
    "\u000b\u000c",
    "{",
    "}",
    "},",
    "[",
    "],",
    '"a": 1,',
    '"RequestId": "R1",',
    '"RequestId": "R2"',
    '"Code": "Throttling",',
    '"s": "cut',
    '"e": "{\\"RequestId\\":\\"S1\\",\\"Code\\":\\"InternalError\\"}",',
    '"e2": "{\\n  \\"RequestId\\": \\"S3\\"\\n}",',
    '"t": "Error: SDK.ServerError\\nRequestId: S2\\nCode: Throttling",',
    '"p": "ServerException: HTTP Status: 400 Error:Throttling.User no. RequestID: S5",',
    '} {"RequestId":"R3"}',
    "} {",
    "}, {",
    "} <Error>",
    '} {"RequestId":"R5",',
    "INFO body: {",
    "HTTP/1.1 400 {",
    "<Error>",
    "<RequestId>X2</RequestId>",
    "</Error>",
    "tr",
    "ue,",
    "2,",
    '"x": {',
    '"z": {"RequestId":"N1"},',
    '"k": "v"\u000b',
    "\u000b}",
    '"q": 1 \r',
    '{"RequestId":"L1"}',
    `"m": "${"x".repeat(70)}",`,
    " ".repeat(80),
  ),
  fc.string({ maxLength: 12 }).filter((s) => !s.includes("\n")),
);

const linesInput = fc
  .tuple(
    fc.array(someLine, { minLength: 1, maxLength: 40 }),
    fc.constantFrom("\n", "\r\n"),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([lines, eol, indent, finalEol]) =>
    Buffer.from(lines.map((l) => (indent ? `  ${l}` : l)).join(eol) + (finalEol ? eol : "")),
  );

const limits = fc.record({
  maxMultilineBytes: fc.constantFrom(undefined, undefined, 40, 64, 150, 400, 1000),
  streamThresholdBytes: fc.constantFrom(undefined, undefined, 16, 64),
  maxRecordBytes: fc.constantFrom(undefined, undefined, 30, 100),
});

function options(l: {
  maxMultilineBytes?: number | undefined;
  streamThresholdBytes?: number | undefined;
  maxRecordBytes?: number | undefined;
}): AnalyzeOptions {
  const o: AnalyzeOptions = {};
  if (l.maxMultilineBytes !== undefined) o.maxMultilineBytes = l.maxMultilineBytes;
  if (l.streamThresholdBytes !== undefined) o.streamThresholdBytes = l.streamThresholdBytes;
  if (l.maxRecordBytes !== undefined) o.maxRecordBytes = l.maxRecordBytes;
  return o;
}

// ---------------------------------------------------------------------------------------------

describe("taking lines gives what line-by-line framing gives", () => {
  it("pretty bodies harmed at random, with the limits near their size, in any chunks", () => {
    fc.assert(
      fc.property(prettyInput, limits, fc.array(fc.nat(5000), { maxLength: 6 }), (input, l, cuts) => {
        expectSameAsLineByLine(input, options(l), cuts);
      }),
      { numRuns: 400 },
    );
  });

  it("random lines, with the limits near their size, in any chunks", () => {
    fc.assert(
      fc.property(linesInput, limits, fc.array(fc.nat(5000), { maxLength: 6 }), (input, l, cuts) => {
        expectSameAsLineByLine(input, options(l), cuts);
      }),
      { numRuns: 400 },
    );
  });

  it("a body that ends on the last line of a chunk, or on the first of the next: every cut of one input", () => {
    const input = Buffer.from(
      [
        "INFO response: {",
        '  "RequestId": "A1",',
        "",
        '  "Detail": "{\\"RequestId\\":\\"D1\\",\\"Code\\":\\"Throttling\\"}",',
        "\t\r",
        '  "Code": "InternalError"',
        '} {"RequestId":"A2"} {',
        '  "RequestId": "A3",',
        '  "Message": "cut',
        '{"RequestId":"A4"}',
        "\u000b",
        "{",
        '  "RequestId": "A5"',
        "}",
        "",
      ].join("\r\n"),
    );
    const lineByLine = analyzeChunks(oneLinePerChunk(input));
    expect(ids(lineByLine.events)).toEqual([
      // D1 is in a string member of the response A1: its content, not a response (docs/design.md §3).
      ["A1", 1, 7],
      ["A2", 7, 7],
      ["A4", 10, 10],
      ["A5", 12, 14],
    ]);
    for (let cut = 0; cut <= input.length; cut++) {
      expect(analyzeChunks([input.subarray(0, cut), input.subarray(cut)])).toEqual(lineByLine);
    }
  });

  it("blank lines of every kind at a body's start, middle and end, LF and CRLF", () => {
    for (const blank of ["", " ", "\t", "\r", " \t\r ", "\u000b", "\u000c", " \u000b\t", "\r\u000c"]) {
      for (const eol of ["\n", "\r\n"]) {
        const lines = [
          "response: {",
          blank,
          '  "RequestId": "B1",',
          blank,
          blank,
          '  "Code": "Throttling"',
          blank,
          "}",
          blank,
        ];
        const input = Buffer.from(lines.join(eol) + eol);
        const { events, summary } = expectSameAsLineByLine(input);
        expect(ids(events)).toEqual([["B1", 1, 8]]);
        expect(summary).toMatchObject({ lines: 4, responses: 1 });
      }
    }
  });

  it("escaped bodies in strings: on the first, a middle and the closing line, two on a line, and multi-line text", () => {
    const input = Buffer.from(
      [
        'log: {"level": "error", "a": "{\\"RequestId\\":\\"F1\\"}",',
        '  "b": "{\\"RequestId\\":\\"M1\\",\\"Code\\":\\"Throttling\\"}", "c": "{\\"RequestId\\":\\"M2\\"}",',
        "",
        `  "d": "${esc(pretty({ RequestId: "ML", Code: "InternalError" }))}",`,
        '  "e": "Error: SDK.ServerError\\nRequestId: SDK1\\nCode: Throttling",',
        '  "f": "ServerException: HTTP Status: 400 Error:Throttling.User no. RequestID: SDK2",',
        `  "g": "${esc(`{"msg":"${esc('{"RequestId":"DEEP","Code":"Forbidden"}')}"}`)}",`,
        '  "h": "<Error><RequestId>XS</RequestId><Code>Forbidden</Code></Error>",',
        '  "z": "{\\"RequestId\\":\\"LAST\\"}"}',
        "",
      ].join("\n"),
    );
    const { events } = expectSameAsLineByLine(input);
    expect(ids(events)).toEqual([
      ["F1", 1, 1],
      ["M1", 2, 2],
      ["M2", 2, 2],
      ["ML", 4, 4],
      ["SDK1", 5, 5],
      ["SDK2", 6, 6],
      ["DEEP", 7, 7],
      ["XS", 8, 8],
      ["LAST", 9, 9],
    ]);
  });

  it("a second body on the closing line: JSON on one line, JSON open, XML open, after text", () => {
    const input = Buffer.from(
      [
        "{",
        '  "RequestId": "C1"',
        '}{"RequestId":"C2"} then HTTP/1.1 429 {',
        '  "RequestId": "C3",',
        '  "Code": "Throttling"',
        "} <Error>",
        "<RequestId>C4</RequestId>",
        "</Error> tail {",
        '  "RequestId": "C5"',
        "}",
        "",
      ].join("\n"),
    );
    const { events } = expectSameAsLineByLine(input);
    expect(ids(events)).toEqual([
      ["C1", 1, 3],
      ["C2", 3, 3],
      ["C3", 3, 6],
      ["C4", 6, 8],
      ["C5", 8, 10],
    ]);
    expect(events[2]?.status).toBe(429);
  });

  it("maxMultilineBytes at every size near the body's, with CRLF and blank lines", () => {
    const b = { RequestId: "BIG", Items: Array.from({ length: 8 }, (_, i) => ({ Name: `item-${i}` })) };
    const lines = `response: ${pretty(b)}`.split("\n");
    lines.splice(3, 0, "", "   ");
    const input = Buffer.from(`${lines.join("\r\n")}\r\n{"RequestId":"SMALL"}\r\n`);
    const bodyBytes = lines.reduce((n, l) => n + l.length, 0);
    for (let max = bodyBytes - 30; max <= bodyBytes + 30; max++) {
      const { events } = expectSameAsLineByLine(input, { maxMultilineBytes: max }, [input.length >> 1]);
      expect(events.at(-1)?.requestId).toBe("SMALL");
    }
  });

  it("lines longer than streamThresholdBytes and maxRecordBytes inside an open body", () => {
    const long = "x".repeat(300);
    const input = Buffer.from(
      [
        "response: {",
        '  "RequestId": "L1",',
        `  "Long": "${long}",`,
        '  "Code": "Throttling"',
        "}",
        '{"RequestId":"L2"}',
        "",
      ].join("\n"),
    );
    for (const [streamThresholdBytes, maxRecordBytes, maxMultilineBytes] of [
      [64, 1000, 10_000],
      [64, 200, 10_000],
      [1000, 1000, 300],
      [1000, 1000, 340],
      [300, 311, 10_000],
      [310, 400, 350],
    ] as const) {
      expectSameAsLineByLine(input, { streamThresholdBytes, maxRecordBytes, maxMultilineBytes }, [40, 100]);
    }
  });

  it("a body that fails after spanning several chunks, with nested candidates and XML lines in it", () => {
    const input = Buffer.from(
      [
        "INFO {",
        '  "outer": {"RequestId":"N1"},',
        '  "list": [{"RequestId":"N2"}, {',
        '    "deep": {',
        '      "RequestId": "N3"',
        "    },",
        "<Error><RequestId>X1</RequestId></Error>",
        '    "x": 1',
        "  }],",
        '  "RequestId": "OUTER"',
        "}",
        '{"RequestId":"AFTER"}',
        "",
      ].join("\n"),
    );
    const lineByLine = expectSameAsLineByLine(input);
    expect(lineByLine.events.map((e) => e.requestId)).toEqual(["N1", "N2", "N3", "X1", "AFTER"]);
    for (let a = 0; a < input.length; a += 7) {
      for (const b of [a + 13, a + 41, a + 90]) {
        expect(analyzeChunks(cutAt(input, [a, b]))).toEqual(lineByLine);
      }
    }
  });

  it("the input ends with the body open, with and without a final newline, after a BOM", () => {
    for (const bom of ["", "\ufeff"]) {
      for (const end of ["", "\n", "\r\n", "\n\n", "\n\u000b\n"]) {
        const input = Buffer.from(
          `${bom}response: {\n  "RequestId": "OPEN",\n  "a": {"RequestId":"IN"},\n  "b": 1${end}`,
        );
        const { events, summary } = expectSameAsLineByLine(input, {}, [5, 20]);
        expect(events.map((e) => e.requestId)).toEqual(["IN"]);
        expect(summary.malformedLines).toBeGreaterThan(0);
      }
    }
  });

  it("a flush (partialLineTimeoutMs) with a body open that took lines settles it as line by line", () => {
    const input = Buffer.from('response: {\n  "RequestId": "F1",\n  "a": {"RequestId":"F2"},\n');
    const run = (chunks: Buffer[]) => {
      const r = newRun();
      const p = newPipeline(r, {});
      for (const c of chunks) p.push(c);
      p.flush();
      p.push(Buffer.from('  "b": 1\n}\n{"RequestId":"F3"}\n'));
      p.end();
      return r;
    };
    expect(run([input])).toEqual(run(oneLinePerChunk(input)));
  });
});

describe("container-log decoders", () => {
  const T0 = "2026-01-01T00:00:00.000000000Z";
  function wrap(input: Buffer, format: "cri" | "docker", split: boolean): Buffer {
    const lines = input.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    return Buffer.from(
      lines
        .map((l, i) => {
          // A line in two records (partial, then full) now and then.
          const parts = split && i % 3 === 1 && l.length > 4 ? [l.slice(0, 3), l.slice(3)] : [l];
          return parts
            .map((p, j) => {
              const last = j === parts.length - 1;
              if (format === "cri") return `${T0} stdout ${last ? "F" : "P"} ${p}\n`;
              return `${JSON.stringify({ log: last ? `${p}\n` : p, stream: "stdout", time: T0 })}\n`;
            })
            .join("");
        })
        .join(""),
    );
  }

  it("cri and docker records of pretty bodies: whole, cut anywhere, one record per chunk", () => {
    fc.assert(
      fc.property(
        prettyInput,
        fc.constantFrom<"cri" | "docker">("cri", "docker"),
        fc.boolean(),
        fc.array(fc.nat(20_000), { maxLength: 4 }),
        (input, format, split, cuts) => {
          const records = wrap(input, format, split);
          const opts = { format: format as LogFormat };
          const lineByLine = analyzeChunks(oneLinePerChunk(records), opts);
          expect(analyzeChunks([records], opts)).toEqual(lineByLine);
          expect(analyzeChunks(cutAt(records, cuts), opts)).toEqual(lineByLine);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("checkpoints", () => {
  it("pendingBytes after every chunk is the one of line-by-line framing at the same byte", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(prettyInput, linesInput),
        fc.array(fc.nat(5000), { minLength: 1, maxLength: 8 }),
        limits,
        async (input, cuts, l) => {
          const chunks = cutAt(input, cuts);
          const o = { ...options(l), format: "raw" };
          const taken = await pushGroups(
            chunks.map((c) => [c]),
            o,
            false,
          );
          const lineByLine = await pushGroups(chunks.map(oneLinePerChunk), o, false);
          expect(taken).toEqual(lineByLine);
        },
      ),
      { numRuns: 250 },
    );
  });

  it("a run cut anywhere and resumed at cut - pendingBytes equals one run", () => {
    const whole = (input: Buffer, chunk: number, atFileStart = true) => {
      const r = newRun();
      const p = newPipeline(r, { dedup: null, atFileStart });
      for (let i = 0; i < input.length; i += chunk) p.push(input.subarray(i, i + chunk));
      p.end();
      return r;
    };
    fc.assert(
      fc.property(prettyInput, fc.nat(), fc.integer({ min: 1, max: 300 }), (input, c, chunk) => {
        const cut = c % (input.length + 1);
        const bom = input[0] === 0xef;
        fc.pre(!(bom && (cut === 1 || cut === 2)));
        const expected = whole(input, chunk);
        const first = newRun();
        const a = newPipeline(first, { dedup: null });
        for (let i = 0; i < cut; i += chunk) a.push(input.subarray(i, Math.min(cut, i + chunk)));
        const offset = cut - a.pendingBytes;
        expect(offset === 0 || input[offset - 1] === 10 || (bom && offset === 3)).toBe(true);
        const second = whole(input.subarray(offset), chunk, offset === 0);
        let shift = 0;
        for (let i = 0; i < offset; i++) if (input[i] === 10) shift++;
        const events = [
          ...first.events,
          ...second.events.map((e) => ({ ...e, lineStart: e.lineStart + shift, lineEnd: e.lineEnd + shift })),
        ];
        expect(events).toEqual(expected.events);
        for (const k of Object.keys(first.counts) as (keyof Run["counts"])[])
          expect(first.counts[k] + second.counts[k]).toBe(expected.counts[k]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("under run's turn budget", () => {
  it("chunks pushed under the tightest budget give what line-by-line framing gives in one go (default thresholds)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(prettyInput, linesInput),
        fc.array(fc.nat(5000), { maxLength: 6 }),
        fc.constantFrom(undefined, 64, 150, 400),
        async (input, cuts, maxMultilineBytes) => {
          const o = maxMultilineBytes === undefined ? {} : { maxMultilineBytes };
          const chunks = cutAt(input, cuts);
          const inTurns = await pushGroups(
            chunks.map((c) => [c]),
            o,
            true,
          );
          const lineByLine = await pushGroups(chunks.map(oneLinePerChunk), o, false);
          expect(inTurns.events).toEqual(lineByLine.events);
          expect(inTurns.counts).toEqual(lineByLine.counts);
          expect(inTurns.pending).toEqual(lineByLine.pending);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("a reused read buffer", () => {
  // Was: the SDK recognizer keeps the text of the last string it looked at by buffer identity
  // and end (recognizer.ts lineText); taken lines are scanned in the caller's buffer with no
  // newLine() between two pushes, so a string at the same place of the same Buffer object pushed
  // again is judged by the old bytes, and its SDK error string is missed.
  it("a Buffer object pushed again with new lines (allowed: `buf` is only valid during the call)", () => {
    const second =
      '  "p": 1,\n  "t": "ServerException: HTTP Status: 400 Error:Throttling.User no. RequestID: S5",\n';
    const close = second.lastIndexOf('"');
    const head = '{\n  "s": "';
    const first = `${head}RequestId ${"a".repeat(close - head.length - 10)}",\n`;
    expect(first.indexOf('",')).toBe(close);
    const size = Math.max(first.length, second.length);
    const pages = [first, second].map((s) => `${s.slice(0, -1).padEnd(size - 1, " ")}\n`);
    const tail = '  "z": 2\n}\n';

    const run = (reuse: boolean) => {
      const r = newRun();
      const p = newPipeline(r, { format: "raw", atFileStart: false });
      const buf = Buffer.alloc(size);
      for (const page of pages) {
        if (reuse) {
          buf.write(page);
          p.push(buf);
        } else for (const l of oneLinePerChunk(Buffer.from(page))) p.push(l);
      }
      p.push(Buffer.from(tail));
      p.end();
      return r;
    };
    expect(ids(run(false).events)).toEqual([["S5", 4, 4]]);
    expect(ids(run(true).events)).toEqual([["S5", 4, 4]]);
  });
});

describe("work stays linear in the input (CPU time, best of two; the machine is shared)", () => {
  // Was: StringBodies.lineTo (string-bodies.ts) looks for the next line break from the start of
  // the string's line at every string it examines (indexOf runs to the line's end each time): a
  // taken line of k strings that name a request id costs k × its length.
  it("a long line of strings naming a request id inside an open body", () => {
    const make = (n: number) =>
      Buffer.from(`{\n"a": [${'"\\"RequestId\\" x",'.repeat(n)}"${"p".repeat(n * 128)}"]\n}\n`);
    expectLinearLikeLineByLine(make);
  });

  // Was: LineSplitter.take (line-splitter.ts) looks for the last line break before
  // min(n, pos + room) with lastIndexOf at every take: each body opened in a chunk that ends in a
  // long partial line scans that partial line backwards again, bodies × its length.
  it("many small bodies, then a long last line without its newline", () => {
    const make = (n: number) => Buffer.from("{\n}\n".repeat(n) + "x".repeat(n * 256));
    expectLinearLikeLineByLine(make);
  });

  // Was: (before the change too, for every open body; the change removes it for a body that
  // takes lines, not for one that goes line by line after a blank line of VT or FF: takeAgain's
  // `lineByLine`) BodyFramer.process feeds a blank line to the open body as `feed(buf, start, start)`
  // in the read chunk, and JsonScanner.scan's white-space loop (json-scanner.ts) does not stop at
  // `end`: each blank line scans all the blank lines after it in the chunk.
  it("blank lines in one chunk inside an open body that goes line by line (after a VT line)", () => {
    const make = (n: number, vt = "\u000b") =>
      Buffer.from(`response: {\n  "RequestId": "W1"\n${vt}\n${"\n".repeat(n)}}\n`);
    analyzeChunks([make(500)]); // warm up
    expect(ids(analyzeChunks([make(10)]).events)).toEqual([["W1", 1, 14]]);
    const t1 = cpuMs(() => analyzeChunks([make(8000)]));
    const t2 = cpuMs(() => analyzeChunks([make(16_000)]));
    // The same lines with a blank line of spaces for the VT one: taken in one scan.
    const taken = cpuMs(() => analyzeChunks([make(16_000, "  ")]));
    expect({
      t1,
      t2,
      taken,
      doubled: t2 < Math.max(3 * t1, 60),
      vsTaken: t2 < Math.max(3 * taken, 60),
    }).toMatchObject({
      doubled: true,
      vsTaken: true,
    });
  });

  it("a body opened then failed on its next line, its VT lines, nested candidates: linear", () => {
    const shapes = [
      (n: number) => "{\n x\n".repeat(n),
      (n: number) => `response: {\n${'  "a": 1,\n\u000b\n'.repeat(n)}  "z": 1\n}\n`,
      (n: number) => `${'{"a": {\n'.repeat(n)}oops\n`,
      (n: number) => `${'{"k": "{\\"RequestId\\":1}", "v": {\n'.repeat(n)}oops\n`,
    ];
    for (const make of shapes) {
      analyzeChunks([Buffer.from(make(200))]);
      const t1 = cpuMs(() => analyzeChunks([Buffer.from(make(10_000))]));
      const t2 = cpuMs(() => analyzeChunks([Buffer.from(make(20_000))]));
      expect(t2).toBeLessThan(Math.max(3 * t1, 60));
    }
  });
});

describe("memory stays bounded by the configuration", () => {
  // Was: takeLines (body-framer.ts) appends the taken lines to the arena with their blank lines
  // and terminators (held-lines.ts append), but the multi-line limit and holdLimitBytes count only
  // the lines' bytes (`held.bytes`): blank lines in an open body grow the arena without bound,
  // where line-by-line framing holds none of them (BodyFramer.process feeds a blank line, holds nothing).
  it("an open body followed by MiBs of blank lines holds no more than maxMultilineBytes", () => {
    const maxMultilineBytes = 64 * 1024;
    const blank = Buffer.from("\n".repeat(64 * 1024));
    const r = newRun();
    const p = newPipeline(r, { maxMultilineBytes, format: "raw" });
    p.push(Buffer.from('response: {\n  "RequestId": "M1"\n'));
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 64; i++) p.push(blank);
    const grown = process.memoryUsage().arrayBuffers - before;
    p.push(Buffer.from("}\n"));
    p.end();
    expect(ids(r.events)).toEqual([["M1", 1, 64 * 64 * 1024 + 3]]);
    // 4 MiB of blank lines pushed, the same 64 KiB Buffer each time: the arena holds them all.
    expect(grown).toBeLessThan(16 * maxMultilineBytes);
  });
});
