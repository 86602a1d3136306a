import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeBuffer, analyzeChunks, shippedCatalog } from "../../../src/analyze/in-memory.js";
import type { ApiResponse, Frame } from "../../../src/core/records.js";
import { detectFormat, sniffFormat } from "../../../src/decoders/format-sniffer.js";
import type { LogFormat } from "../../../src/decoders/line-decoder.js";
import { RuntimeTimes } from "../../../src/decoders/runtime-time.js";
import { Extractor } from "../../../src/extract/extractor.js";
import { RecordPipeline } from "../../../src/pipeline.js";
import { criRecords, dockerRecords, everyBytes, T0 } from "../../helpers/container-records.js";
import { recordingExtractor } from "../../helpers/recording-extractor.js";

const KIB = 1024;

function body(id: string, code: string, padding = 0): string {
  return JSON.stringify({ RequestId: id, Code: code, Message: "m".repeat(padding) });
}

/**
 * Events without the fields that depend on the wrapping: line numbers, and the time and stream,
 * which only the runtime's records carry (asserted on their own below).
 */
function fields(events: readonly ApiResponse[]) {
  return events.map(
    ({ lineStart: _s, lineEnd: _e, time: _t, timeSource: _ts, stream: _st, ...rest }) => rest,
  );
}

/** Every frame and event of one input. */
function frames(input: Buffer, format: LogFormat = "auto"): { frames: Frame[]; events: ApiResponse[] } {
  const { extractor, frames: seen } = recordingExtractor();
  const events: ApiResponse[] = [];
  const p = new RecordPipeline({
    source: "t",
    extractor,
    format,
    onBatch: (_s, responses) => {
      events.push(...responses);
    },
  });
  p.push(input);
  p.end();
  return { frames: seen, events };
}

describe("runtime timestamps", () => {
  it("reads RFC 3339 with nanoseconds, Z and offsets", () => {
    const times = new RuntimeTimes();
    const t = { parse: (s: string) => times.parseString(s) };
    expect(t.parse("2026-12-01T08:00:00.123456789Z")).toBe(Date.UTC(2026, 11, 1, 8, 0, 0, 123));
    expect(t.parse("2026-12-01T08:00:00.999999999Z")).toBe(Date.UTC(2026, 11, 1, 8, 0, 0, 999));
    expect(t.parse("2026-12-01T08:00:00Z")).toBe(Date.UTC(2026, 11, 1, 8));
    expect(t.parse("2026-12-01T16:00:01.5+08:00")).toBe(Date.UTC(2026, 11, 1, 8, 0, 1, 500));
    expect(t.parse("2026-12-01T07:30:00-00:30")).toBe(Date.UTC(2026, 11, 1, 8));
    for (const bad of ["2026-12-01 08:00:00Z", "2026-12-01T08:00:00", "2026-13-01T08:00:00Z", "x", ""]) {
      expect(t.parse(bad), bad).toBeNaN();
    }
  });
});

describe("format detection (auto)", () => {
  const detect = (s: string) => detectFormat(Buffer.from(s), 0, Buffer.byteLength(s));
  it("tells CRI, json-file and raw lines apart from one line", () => {
    expect(detect(`${T0} stdout F {"RequestId":"A"}`)).toBe("cri");
    expect(detect(`${T0} stderr P part`)).toBe("cri");
    expect(detect("2026-12-01T08:00:00.1+08:00 stdout F:x text")).toBe("cri");
    expect(detect(`{"log":"x\\n","stream":"stdout","time":"${T0}"}`)).toBe("docker");
    expect(detect(`{"RequestId":"A","log":"x"}`)).toBe("raw");
    expect(detect(`{"log":"x","stream":"stdout"}`)).toBe("raw");
    expect(detect(`${T0} INFO {"RequestId":"A"}`)).toBe("raw");
    expect(detect(`2026-12-01 08:00:00 stdout F x`)).toBe("raw");
  });

  it("waits for the first non-blank line, across chunks, a pause and the end", () => {
    const cri = criRecords(body("A1", ""));
    const sniff = (s: string | Buffer, state: "more" | "paused" | "ended" = "more") =>
      sniffFormat(Buffer.from(s), true, state);
    expect(sniff(cri.subarray(0, 20))).toBeNull();
    expect(sniff(cri.subarray(0, 20), "paused")).toBe("raw"); // a cut prefix is no record
    expect(sniff(cri.subarray(0, cri.length - 1), "paused")).toBe("cri");
    expect(sniff(Buffer.concat([Buffer.from("\ufeff\r\n \n"), cri]))).toBe("cri");
    expect(sniff("\n\n")).toBeNull();
    expect(sniff("\n\n", "paused")).toBeNull(); // blank lines say nothing yet
    expect(sniff("\n\n", "ended")).toBe("raw");
    expect(sniff("x".repeat(128 * 1024))).toBe("raw"); // longer than any runtime record
    expect(sniff("x".repeat(100 * 1024))).toBeNull();
    // Any chunking of a CRI input gives the same events as one chunk.
    const input = Buffer.concat([Buffer.from("\n"), cri, criRecords(body("A2", "Throttling"), [7])]);
    const whole = analyzeBuffer(input);
    expect(whole.events.map((e) => e.requestId)).toEqual(["A1", "A2"]);
    for (let cut = 0; cut <= input.length; cut += 7) {
      expect(analyzeChunks([input.subarray(0, cut), input.subarray(cut)])).toEqual(whole);
    }
  });

  it("decides per input from the first non-blank line and keeps to it", () => {
    const input = Buffer.concat([Buffer.from("\n  \n"), criRecords(body("A1", "Throttling"))]);
    expect(analyzeBuffer(input).events.map((e) => [e.requestId, e.lineStart])).toEqual([["A1", 3]]);
    // A raw file whose later lines look like CRI records stays raw.
    const raw = Buffer.concat([Buffer.from(`${body("R1", "")}\n`), criRecords(body("R2", ""))]);
    expect(analyzeBuffer(raw).events.map((e) => [e.requestId, e.format, e.action])).toEqual([
      ["R1", "json", "unknown"],
      ["R2", "json", "unknown"],
    ]);
    expect(analyzeBuffer(raw).summary.lines).toBe(2);
  });
});

describe("CRI decoder", () => {
  it("joins a 40 KiB and a 200 KiB body split into 16 KiB partial records", () => {
    const b40 = body("B40", "Throttling", 40 * KIB);
    const b200 = body("B200", "", 200 * KIB);
    const input = Buffer.concat([
      criRecords(b40, everyBytes(b40, 16 * KIB)),
      criRecords(b200, everyBytes(b200, 16 * KIB)),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => [e.requestId, e.code, e.lineStart])).toEqual([
      ["B40", "Throttling", 1],
      ["B200", "", 4],
    ]);
    expect(summary).toMatchObject({ lines: 2, responses: 2, malformedLines: 0, bytes: input.length });
    expect(fields(events)).toEqual(fields(analyzeBuffer(Buffer.from(`${b40}\n${b200}\n`)).events));
  });

  it("joins partial records per stream when stdout and stderr interleave, in the order lines began", () => {
    const a = body("OUT1", "InternalError", 100);
    const input = Buffer.concat([
      Buffer.from(`${T0} stdout P ${a.slice(0, 30)}\n`),
      criRecords(body("ERR1", "Throttling"), [], "stderr"),
      Buffer.from(`${T0} stdout P ${a.slice(30, 60)}\n`),
      criRecords(body("ERR2", ""), [10], "stderr"),
      Buffer.from(`${T0} stdout F ${a.slice(60)}\n`),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => [e.requestId, e.lineStart, e.stream])).toEqual([
      ["OUT1", 1, "stdout"],
      ["ERR1", 2, "stderr"],
      ["ERR2", 4, "stderr"],
    ]);
    expect(summary).toMatchObject({ lines: 3, malformedLines: 0 });
  });

  it("counts a malformed record between valid ones and goes on", () => {
    const input = Buffer.concat([
      criRecords(body("V1", "")),
      Buffer.from("not a cri record\n"),
      Buffer.from(`${T0} stdout X tag\n`),
      criRecords(body("V2", "Forbidden"), [5]),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => e.requestId)).toEqual(["V1", "V2"]);
    expect(summary).toMatchObject({ lines: 4, responses: 2, malformedLines: 2, bytes: input.length });
  });

  it("gives each frame the runtime time of its first line", () => {
    const b = body("T1", "Throttling", 20 * KIB);
    const input = Buffer.concat([
      criRecords(body("T0", ""), [], "stdout", "2026-12-01T08:00:00.5Z"),
      criRecords(b, everyBytes(b, 16 * KIB), "stdout", "2026-12-01T16:00:01.25+08:00"),
    ]);
    expect(frames(input).events.map((e) => [e.requestId, e.time, e.timeSource])).toEqual([
      ["T0", Date.UTC(2026, 11, 1, 8, 0, 0, 500), "log"],
      ["T1", Date.UTC(2026, 11, 1, 8, 0, 1, 250), "log"],
    ]);
    // Raw input has no runtime time, and no stream.
    const raw = frames(Buffer.from(`${body("R", "")}\n`)).events[0];
    expect(raw?.timeSource).toBe("read");
    expect(raw?.stream).toBeUndefined();
    expect(JSON.stringify(raw)).not.toContain("stream");
  });

  it("streams a joined line longer than the stream threshold and skips one past maxRecordBytes", () => {
    const big = body("BIG", "Throttling", 300 * KIB);
    const huge = body("HUGE", "", 600 * KIB);
    for (const records of [criRecords, dockerRecords]) {
      const input = Buffer.concat([
        records(big, everyBytes(big, 16 * KIB)),
        records(huge, everyBytes(huge, 16 * KIB)),
        records(body("AFTER", "")),
      ]);
      const { events, summary } = analyzeChunks([input], {
        streamThresholdBytes: 64 * KIB,
        maxRecordBytes: 512 * KIB,
      });
      expect(events.map((e) => e.requestId)).toEqual(["BIG", "AFTER"]);
      expect(summary).toMatchObject({ lines: 3, oversizedLines: 1, malformedLines: 0, bytes: input.length });
    }
  });

  it("counts a record longer than any runtime writes as oversized", () => {
    const input = Buffer.concat([
      Buffer.from(`${T0} stdout F ${"x".repeat(2 * 1024 * KIB)}\n`),
      criRecords(body("NEXT", "")),
    ]);
    const { events, summary } = analyzeBuffer(input, { format: "cri" });
    expect(events.map((e) => e.requestId)).toEqual(["NEXT"]);
    expect(summary).toMatchObject({ lines: 2, oversizedLines: 1 });
  });

  it("frames a pretty-printed body over several full records", () => {
    const lines = ["INFO response: {", '  "RequestId": "P1",', '  "Code": "InternalError"', "}"];
    const input = Buffer.concat(lines.map((l) => criRecords(l)));
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => [e.requestId, e.lineStart, e.lineEnd])).toEqual([["P1", 1, 4]]);
    expect(summary.lines).toBe(4);
  });

  it("hands on an unfinished partial sequence at the end of the input", () => {
    const b = body("CUT", "", 100);
    const input = Buffer.concat([
      criRecords(body("OK", "")),
      Buffer.from(`${T0} stdout P ${b.slice(0, 50)}\n`),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => e.requestId)).toEqual(["OK"]);
    expect(summary).toMatchObject({ lines: 2, malformedLines: 1 });
  });
});

describe("docker json-file decoder", () => {
  it("joins split records, keeps streams apart, drops CRLF and decodes escapes", () => {
    const b = body("D1", "Throttling", 40 * KIB);
    const input = Buffer.concat([
      dockerRecords(b, everyBytes(b, 16 * KIB)),
      dockerRecords(body("D2", "InternalError"), [], "stderr", T0, "\r\n"),
      dockerRecords('{"RequestId":"D3","Message":"tab\\t quote \\" 华东1"}'),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => [e.requestId, e.code, e.message?.length ?? 0, e.stream])).toEqual([
      ["D1", "Throttling", 40 * KIB, "stdout"],
      ["D2", "InternalError", 0, "stderr"],
      ["D3", "", 'tab\t quote " 华东1'.length, "stdout"],
    ]);
    expect(summary).toMatchObject({ lines: 3, malformedLines: 0, bytes: input.length });
  });

  it("decodes \\u escapes (surrogate pairs too) and records of other shapes (attrs, member order)", () => {
    const msg = 'é 😀 / \\ "q"';
    const inner = JSON.stringify({ RequestId: "U1", Message: msg });
    // Non-ASCII as \\u escapes (the emoji as a surrogate pair), as some encoders write them.
    const outer = JSON.stringify({ log: `${inner}\n`, stream: "stdout", time: T0 }).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(outer).toContain("\\ud83d\\ude00");
    const input = Buffer.concat([
      Buffer.from(`${outer}\n`),
      Buffer.from(
        `${JSON.stringify({ log: `${body("U2", "")}\n`, stream: "stdout", attrs: { tag: "x" }, time: T0 })}\n`,
      ),
      Buffer.from(`${JSON.stringify({ time: T0, stream: "stderr", log: `${body("U3", "")}\n` })}\n`),
    ]);
    const { events, summary } = analyzeBuffer(input, { format: "docker" });
    expect(events.map((e) => [e.requestId, e.message])).toEqual([
      ["U1", msg],
      ["U2", ""],
      ["U3", ""],
    ]);
    expect(summary.malformedLines).toBe(0);
  });

  it("finds bodies inside strings on every record, as in the same lines unwrapped", () => {
    // The decoded lines share a buffer: a search the framer shares between the lines of a chunk
    // must see each line's own bytes (a `<` on the third line, after two without one).
    const lines = [
      body("A1", "Throttling"),
      JSON.stringify({ level: 50, err: JSON.stringify({ RequestId: "B2", Code: "InvalidParameter" }) }),
      JSON.stringify({ level: 50, body: "<Error><RequestId>C3</RequestId><Code>Forbidden</Code></Error>" }),
      "SDK.ServerError RequestId: D4",
      JSON.stringify({ level: 50, err: JSON.stringify({ RequestId: "E5", Code: "InternalError" }) }),
    ];
    const raw = analyzeBuffer(Buffer.from(`${lines.join("\n")}\n`)).events;
    expect(raw.map((e) => e.requestId)).toEqual(["A1", "B2", "C3", "D4", "E5"]);
    const docker = Buffer.concat(lines.map((l, i) => dockerRecords(l, i === 4 ? [20] : [])));
    expect(fields(analyzeBuffer(docker).events)).toEqual(fields(raw));
    const cri = Buffer.concat(lines.map((l) => criRecords(l)));
    expect(fields(analyzeBuffer(cri).events)).toEqual(fields(raw));
  });

  it("counts invalid records (broken JSON, no log, bad time) as malformed", () => {
    const input = Buffer.concat([
      dockerRecords(body("V1", "")),
      Buffer.from('{"log":"cut\n'),
      Buffer.from(`{"stream":"stdout","time":"${T0}"}\n`),
      Buffer.from('{"log":"x\\n","stream":"stdout","time":"yesterday"}\n'),
      dockerRecords(body("V2", "")),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => e.requestId)).toEqual(["V1", "V2"]);
    expect(summary).toMatchObject({ lines: 5, malformedLines: 3 });
  });
});

describe.each(["cri", "docker"] as const)("checkpoints through a partial sequence (%s)", (runtime) => {
  // Three lines, the second split into four partial records, the third on stderr in the middle.
  const long = body("L2", "Throttling", 3000);
  const part = (text: string, last: boolean) =>
    runtime === "cri"
      ? Buffer.from(`${T0} stdout ${last ? "F" : "P"} ${text}\n`)
      : Buffer.from(`${JSON.stringify({ log: last ? `${text}\n` : text, stream: "stdout", time: T0 })}\n`);
  const whole = runtime === "cri" ? criRecords : dockerRecords;
  const records = [
    whole(body("L1", "")),
    part(long.slice(0, 1000), false),
    part(long.slice(1000, 2000), false),
    whole(body("E3", "InternalError"), [], "stderr"),
    part(long.slice(2000), true),
    whole(body("L4", "")),
  ];
  const input = Buffer.concat(records);

  /** A stop after `cut` bytes and a restart at the checkpoint it stores. */
  function stopAndResume(format: LogFormat, cut: number, chunks: number[]): string[] {
    const ids: string[] = [];
    const make = (atFileStart: boolean) =>
      new RecordPipeline({
        source: "t",
        extractor: new Extractor(shippedCatalog()),
        format,
        atFileStart,
        onBatch: (_s, responses) => {
          for (const r of responses) ids.push(r.requestId);
        },
      });
    const first = make(true);
    let at = 0;
    for (const c of [...chunks.filter((c) => c < cut), cut].sort((a, b) => a - b)) {
      first.push(input.subarray(at, c));
      at = c;
    }
    // A clean stop with checkpoints keeps what is pending for the next run.
    const checkpoint = cut - first.pendingBytes;
    const second = make(checkpoint === 0);
    second.push(input.subarray(checkpoint));
    second.end();
    return ids;
  }

  it("neither loses nor counts twice, wherever the stop falls", () => {
    for (let cut = 0; cut <= input.length; cut++) {
      expect(stopAndResume(runtime, cut, []).sort(), `cut at ${cut}`).toEqual(["E3", "L1", "L2", "L4"]);
    }
    fc.assert(
      fc.property(fc.nat(input.length), fc.array(fc.nat(input.length), { maxLength: 8 }), (cut, chunks) => {
        expect(stopAndResume("auto", cut, chunks).sort()).toEqual(["E3", "L1", "L2", "L4"]);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps the offset of the first record of the unfinished sequence", () => {
    const p = new RecordPipeline({
      source: "t",
      extractor: new Extractor(shippedCatalog()),
      onBatch: () => {},
    });
    const l1 = (records[0] as Buffer).length;
    // Up to and including the stderr record: the stdout line is unfinished since its first record.
    const upTo = records.slice(0, 4).reduce((n, r) => n + r.length, 0);
    p.push(input.subarray(0, upTo));
    expect(upTo - p.pendingBytes).toBe(l1);
    p.push(input.subarray(upTo));
    expect(p.pendingBytes).toBe(0);
  });
});

describe("property: splitting lines into partial records changes nothing", () => {
  const line = fc.oneof(
    fc
      .record({
        id: fc.stringMatching(/^[A-F0-9]{4,10}$/),
        code: fc.constantFrom("", "Throttling", "InternalError"),
      })
      .map(
        ({ id, code }) =>
          `INFO ${JSON.stringify({ RequestId: id, Code: code, Message: "x".repeat(id.length * 7) })}`,
      ),
    fc.constantFrom(
      "plain text",
      "",
      "INFO response: {",
      '  "RequestId": "PRETTY",',
      "}",
      "<Error><RequestId>X1</RequestId><Code>Throttling</Code></Error>",
      // Bodies inside string values: found through searches the framer shares between lines.
      JSON.stringify({ level: 50, err: "<Error><RequestId>S1</RequestId><Code>Throttling</Code></Error>" }),
      JSON.stringify({ level: 50, err: JSON.stringify({ RequestId: "S2", Code: "InternalError" }) }),
      '{"RequestId":"CUT","Code":"Thro',
      "华东1 region",
    ),
  );
  const split = fc.record({ line, cuts: fc.array(fc.nat(400), { maxLength: 4 }), stderr: fc.boolean() });

  it("gives the same events and counts as the unsplit lines (CRI and docker, any chunking)", () => {
    fc.assert(
      fc.property(
        fc.array(split, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (lines, chunkCuts) => {
          const raw = analyzeBuffer(Buffer.from(`${lines.map((l) => l.line).join("\n")}\n`));
          const stream = (l: { stderr: boolean }) => (l.stderr ? "stderr" : "stdout");
          const cri = Buffer.concat(lines.map((l) => criRecords(l.line, l.cuts)));
          const docker = Buffer.concat(lines.map((l) => dockerRecords(l.line, l.cuts, stream(l))));
          for (const input of [cri, docker]) {
            const points = [...new Set(chunkCuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
            const chunks = [0, ...points].map((p, i) => input.subarray(p, [...points, input.length][i]));
            const got = analyzeChunks(chunks);
            expect(fields(got.events)).toEqual(fields(raw.events));
            expect({ ...got.summary, bytes: 0 }).toEqual({ ...raw.summary, bytes: 0 });
            expect(got.summary.bytes).toBe(input.length);
          }
          // Lines on either stream: each line's records are together, so the order is the same.
          const mixed = Buffer.concat(lines.map((l) => criRecords(l.line, l.cuts, stream(l))));
          expect(fields(analyzeBuffer(mixed).events)).toEqual(fields(raw.events));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("property: strange input is counted, never fatal", () => {
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
    fc.constantFrom(
      Buffer.from(`${T0} stdout P {"RequestId":"`),
      Buffer.from(`${T0} stderr F "}\n`),
      Buffer.from('{"log":"{\\"RequestId\\":\\"D\\"}\\n","stream":"stdout","time":"'),
      Buffer.from(`${T0}"}\n`),
      Buffer.from('{"log":"\\ud83d\\u12'),
      Buffer.from("\r\n"),
      Buffer.from("\n"),
    ),
  );
  it("decodes any bytes in any chunks without throwing, every byte accounted for", () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.constantFrom<LogFormat>("auto", "cri", "docker"),
        fc.array(fc.nat(), { maxLength: 5 }),
        (pieces, format, cuts) => {
          const input = Buffer.concat(pieces);
          const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
          let bytes = 0;
          const p = new RecordPipeline({
            source: "t",
            extractor: new Extractor(shippedCatalog()),
            format,
            streamThresholdBytes: 256,
            onBatch: (_s, _r, counts) => {
              bytes += counts.bytes;
            },
          });
          let pushed = 0;
          for (const [i, from] of [0, ...points].entries()) {
            const chunk = input.subarray(from, [...points, input.length][i]);
            p.push(chunk);
            pushed += chunk.length;
            // A checkpoint never points before the start or past what was read.
            expect(p.pendingBytes).toBeGreaterThanOrEqual(0);
            expect(p.pendingBytes).toBeLessThanOrEqual(pushed);
          }
          p.end();
          expect(p.pendingBytes).toBe(0);
          expect(bytes).toBe(input.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
