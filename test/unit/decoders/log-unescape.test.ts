import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeChunks } from "../../../src/analyze/in-memory.js";
import { DockerParser } from "../../../src/decoders/docker.js";
import { createDecoder, type LineDecoder } from "../../../src/decoders/line-decoder.js";
import { LogStrings } from "../../../src/decoders/log-unescape.js";
import { emptyRecord } from "../../../src/decoders/runtime-record.js";
import { type LineHandler, LineSplitter } from "../../../src/framing/line-splitter.js";
import { criRecords, dockerRecords, T0 } from "../../helpers/container-records.js";

/** What `LogStrings.unescape` must give for the JSON string content `raw`: JSON.parse's string as UTF-8. */
function expected(raw: string): Buffer {
  return Buffer.from(JSON.parse(`"${raw}"`) as string);
}

/** Unescapes `raw` followed by its closing quote and a tail, as in a record; the decoded bytes and the quote's index. */
function decodeIn(
  logs: LogStrings,
  raw: string,
  tail = '","stream":"stdout"}',
): { out: Buffer; quote: number } {
  const buf = Buffer.from(raw + tail);
  logs.reserve(buf.length);
  const from = logs.used;
  const quote = logs.unescape(buf, 0, buf.length);
  const out = Buffer.from(logs.buf.subarray(from, logs.written));
  logs.used = logs.written;
  return { out, quote };
}

const ESCAPES = [
  '\\"',
  "\\\\",
  "\\/",
  "\\b",
  "\\f",
  "\\n",
  "\\r",
  "\\t",
  "\\u00e9",
  "\\u003c",
  "\\ud83d\\ude00",
  "\\u0000",
];

describe("the json-file log string, unescaped 16 bytes at a time", () => {
  it("decodes every escape at every position of a 16-byte vector, and finds the closing quote", () => {
    const logs = new LogStrings();
    for (const esc of ESCAPES) {
      for (let at = 0; at < 40; at++) {
        const raw = `${"a".repeat(at)}${esc}${"b".repeat(40 - at)}`;
        const { out, quote } = decodeIn(logs, raw);
        expect(quote).toBe(raw.length);
        expect(out.equals(expected(raw))).toBe(true);
      }
    }
  });

  it("decodes runs of escapes, UTF-8 and a lone surrogate as JSON.parse does", () => {
    const logs = new LogStrings();
    for (const raw of [
      '\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"',
      "\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\",
      "华东2（上海）\\u534e\\u4e1c",
      "lone \\ud800 high, lone \\udc00 low, pair \\ud83d\\ude00 end",
      "",
    ]) {
      const { out, quote } = decodeIn(logs, raw);
      expect(quote).toBe(Buffer.byteLength(raw));
      expect(out.equals(expected(raw))).toBe(true);
    }
  });

  it("refuses an invalid escape, an escape cut by the end, and a string not closed before the end", () => {
    const logs = new LogStrings();
    for (const raw of ["bad \\x escape", "bad \\u12 escape", "bad \\u12g4 escape"]) {
      expect(decodeIn(logs, raw).quote).toBe(-1);
    }
    for (const [raw, end] of [
      ["no quote at all", 15],
      ["cut after the backslash \\", 25],
      ['a quote past the end", then more', 5],
      ["a \\u escape cut \\u00e9", 20],
    ] as const) {
      const buf = Buffer.from(`${raw}"}`);
      logs.reserve(buf.length);
      expect(logs.unescape(buf, 0, end)).toBe(-1);
    }
  });

  it("property: any string JSON.stringify writes decodes to its UTF-8 bytes, wherever it starts", () => {
    const logs = new LogStrings();
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.nat(20), (s, lead) => {
        const raw = JSON.stringify(s).slice(1, -1);
        const buf = Buffer.from(`${"x".repeat(lead)}${raw}","time":"${T0}"}`);
        logs.reserve(buf.length);
        const from = logs.used;
        const quote = logs.unescape(buf, lead, buf.length);
        expect(quote).toBe(lead + Buffer.byteLength(raw));
        expect(logs.buf.subarray(from, logs.written).equals(Buffer.from(s))).toBe(true);
        logs.used = logs.written;
      }),
      { numRuns: 400 },
    );
  });

  it("takes a record longer than its buffers, and a chunk longer than the part it copies at once", () => {
    const logs = new LogStrings();
    const big = `${'\\"x'.repeat(200_000)}`; // 600 KB escaped, 400 KB decoded: more than both areas
    const first = decodeIn(logs, big);
    expect(first.quote).toBe(big.length);
    expect(first.out.equals(expected(big))).toBe(true);
    // Many records in one 2 MB chunk: each is read from a copy of the part of the chunk it is in.
    const line = `{"log":"${'say \\"hi\\" '.repeat(30)}\\n","stream":"stdout","time":"${T0}"}\n`;
    const chunk = Buffer.from(line.repeat(Math.ceil((2 * 1024 * 1024) / line.length)));
    const parser = new DockerParser();
    const rec = emptyRecord();
    let pos = 0;
    let n = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      expect(parser.parse(chunk, pos, nl, rec)).toBe(true);
      expect(rec.buf.toString("latin1", rec.start, rec.end)).toBe('say "hi" '.repeat(30));
      pos = nl + 1;
      n++;
    }
    expect(n).toBeGreaterThan(1000);
  });

  it("reads a chunk buffer written again after release (a file read into one reused buffer)", () => {
    const parser = new DockerParser();
    const rec = emptyRecord();
    const chunk = Buffer.alloc(256);
    for (const text of ["first line", "other text", "third, last"]) {
      const n = chunk.write(`{"log":"${text}\\n","stream":"stderr","time":"${T0}"}\n`);
      expect(parser.parse(chunk, 0, n - 1, rec)).toBe(true);
      expect(rec.buf.toString("latin1", rec.start, rec.end)).toBe(text);
      expect(rec.stream).toBe(1);
      parser.release();
    }
  });

  it("gives the events of split and whole records in any chunking, lines held while the buffers renew", () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        RequestId: `id-${i}`,
        Code: i % 3 === 0 ? "Throttling" : "OK",
        Message: 'q"<&>\t'.repeat(i * 7),
      }),
    );
    const input = Buffer.concat(lines.map((l, i) => dockerRecords(l, i % 4 === 0 ? [l.length >> 1] : [])));
    const whole = analyzeChunks([input], { format: "docker" });
    for (const size of [1, 7, 4096, 300_000]) {
      const chunks: Buffer[] = [];
      for (let p = 0; p < input.length; p += size) chunks.push(input.subarray(p, p + size));
      const cut = analyzeChunks(chunks, { format: "docker" });
      expect(cut.summary).toEqual(whole.summary);
      expect(cut.events.map((e) => e.requestId)).toEqual(whole.events.map((e) => e.requestId));
    }
    expect(whole.summary.responses).toBe(300);
    expect(whole.summary.malformedLines).toBe(0);
  });
});

describe("lines handed on have a readable byte after their end, as lines in a chunk do", () => {
  it("a CRI line joined from partial records ends before a newline of its view (CRLF records too)", () => {
    const seen: { text: string; after: number | undefined }[] = [];
    const target: LineHandler = {
      line(buf, start, end) {
        seen.push({ text: buf.toString("latin1", start, end), after: buf[end] });
      },
      longStart() {},
      longData() {},
      longEnd() {},
    };
    const counts = {
      lines: 0,
      bytes: 0,
      responses: 0,
      malformed: 0,
      nonResponse: 0,
      oversized: 0,
      duplicate: 0,
    };
    const decoder = createDecoder("cri", target, counts, {
      maxRecordBytes: 1 << 20,
      streamThresholdBytes: 1 << 16,
    });
    const splitter = new LineSplitter(decoder as LineDecoder, {
      maxRecordBytes: 1 << 20,
      streamThresholdBytes: 1 << 16,
    });
    splitter.push(
      Buffer.concat([
        criRecords("joined from three", [6, 11]),
        criRecords("crlf line\r", [4]),
        criRecords("whole"),
      ]),
    );
    splitter.flush();
    expect(seen).toEqual([
      { text: "joined from three", after: 0x0a },
      { text: "crlf line", after: 0x0a },
      { text: "whole", after: 0x0a },
    ]);
  });
});
