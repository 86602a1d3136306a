import { describe, expect, it } from "vitest";
import { analyzeBuffer, analyzeChunks } from "../../../src/analyze/in-memory.js";
import type { ApiResponse } from "../../../src/core/records.js";
import { JoinBuffer } from "../../../src/decoders/join-buffer.js";
import { RuntimeTimes } from "../../../src/decoders/runtime-time.js";
import { criRecords, dockerRecords, T0 } from "../../helpers/container-records.js";

const KIB = 1024;
const CODES = ["", "Throttling", "InternalError", "Forbidden.RiskControl"];

/** Events without what depends on the wrapping (line numbers, the runtime's time and stream). */
function fields(events: readonly ApiResponse[]) {
  return events.map(
    ({ lineStart: _s, lineEnd: _e, time: _t, timeSource: _ts, stream: _st, ...rest }) => rest,
  );
}

/** `n` distinct bodies of about `bytes` each: a byte of one seen in another's place would show. */
function bodies(n: number, bytes: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      RequestId: `JOIN-${i}`,
      Code: CODES[i % CODES.length],
      Message: `${i}:`.padEnd(bytes, String.fromCharCode(0x61 + (i % 26))),
    }),
  );
}

/** Cut in 64 KiB chunks, as a file is read. */
function chunks(input: Buffer, size = 64 * KIB): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < input.length; p += size) out.push(input.subarray(p, p + size));
  return out;
}

describe("join buffer", () => {
  it("keeps a line's records one after the other, and moves the open line when it is full", () => {
    const j = new JoinBuffer();
    const a = Buffer.from("xxAAAAyy");
    const first = j.append(-1, a, 2, 6);
    const firstBuf = j.buf;
    expect(firstBuf.subarray(first, j.end()).toString()).toBe("AAAA");
    const line = j.append(-1, Buffer.from("BB"), 0, 2);
    expect(line).toBe(first + 4);
    // Past the room: the open line ("BB" + the record) moves into a new buffer; the old one keeps its bytes.
    const big = Buffer.alloc(300 * KIB, 0x43);
    const moved = j.append(line, big, 0, big.length);
    expect(moved).toBe(0);
    expect(j.buf).not.toBe(firstBuf);
    expect(j.end()).toBe(2 + big.length);
    expect(j.buf.subarray(0, 3).toString()).toBe("BBC");
    expect(firstBuf.subarray(first, first + 6).toString()).toBe("AAAABB");
    j.reset();
    expect(j.append(-1, a, 0, 2)).toBe(0);
  });

  it("CRI lines split into two and three records, far more than the buffer holds in one chunk", () => {
    // ~1.3 MiB of joined lines given as one chunk: the buffer is renewed several times while lines
    // are open, and every line keeps its own bytes.
    const lines = bodies(900, 1500);
    const input = Buffer.concat(lines.map((l, i) => criRecords(l, i % 3 === 0 ? [400] : [300, 900])));
    const raw = analyzeBuffer(Buffer.from(`${lines.join("\n")}\n`));
    expect(raw.events).toHaveLength(900);
    for (const parts of [[input], chunks(input), chunks(input, 1000)]) {
      const got = analyzeChunks(parts);
      expect(fields(got.events)).toEqual(fields(raw.events));
      expect({ ...got.summary, bytes: 0 }).toEqual({ ...raw.summary, bytes: 0 });
      expect(got.summary.bytes).toBe(input.length);
    }
  });

  it("split CRI lines between whole ones and other streams, CRLF at the end of a joined line", () => {
    const [a, b, c, d, e] = bodies(5, 700);
    const input = Buffer.concat([
      criRecords(a as string, [400]),
      criRecords(b as string),
      // A stderr line inside stdout's partial sequence: the joined line waits in the queue.
      Buffer.from(`${T0} stdout P ${(c as string).slice(0, 400)}\n`),
      criRecords(d as string, [100], "stderr"),
      Buffer.from(`${T0} stdout F ${(c as string).slice(400)}\r\n`),
      criRecords(`${e}\r`, [400]),
    ]);
    const { events, summary } = analyzeBuffer(input);
    expect(events.map((e) => [e.requestId, e.lineStart, e.stream])).toEqual([
      ["JOIN-0", 1, "stdout"],
      ["JOIN-1", 3, "stdout"],
      ["JOIN-2", 4, "stdout"],
      ["JOIN-3", 5, "stderr"],
      ["JOIN-4", 8, "stdout"],
    ]);
    expect(events.map((ev) => ev.code)).toEqual([
      "",
      "Throttling",
      "InternalError",
      "Forbidden.RiskControl",
      "",
    ]);
    expect(summary).toMatchObject({ lines: 5, malformedLines: 0, bytes: input.length });
  });

  it("a split line whose records meet at a chunk boundary, or are cut by one, is joined the same", () => {
    const [a, b] = bodies(2, 900);
    const input = Buffer.concat([criRecords(a as string, [400]), criRecords(b as string, [300, 600])]);
    const raw = analyzeBuffer(Buffer.from(`${a}\n${b}\n`));
    const firstEnd = input.indexOf(0x0a) + 1;
    // After the first record's newline, inside the second record's prefix, inside its content, and
    // in the second line's middle record.
    for (const cut of [firstEnd, firstEnd + 10, firstEnd + 200, input.length - 500]) {
      const got = analyzeChunks([input.subarray(0, cut), input.subarray(cut)]);
      expect(fields(got.events), String(cut)).toEqual(fields(raw.events));
      expect(got.summary.bytes).toBe(input.length);
    }
  });

  it("json-file records split right before and after an escaped quote", () => {
    const line = JSON.stringify({ RequestId: "ESC-1", Code: "Throttling", Message: 'say "hi" \\ bye' });
    const quotes = [...line].flatMap((c, i) => (c === '"' ? [i, i + 1] : []));
    const raw = analyzeBuffer(Buffer.from(`${line}\n`));
    for (const cut of quotes) {
      const got = analyzeBuffer(dockerRecords(line, [cut]));
      expect(fields(got.events), String(cut)).toEqual(fields(raw.events));
      expect(got.summary.malformedLines).toBe(0);
    }
  });

  it("json-file records split the same way give the same events", () => {
    const lines = bodies(300, 1500);
    const input = Buffer.concat(lines.map((l, i) => dockerRecords(l, i % 2 === 0 ? [400] : [300, 900])));
    const raw = analyzeBuffer(Buffer.from(`${lines.join("\n")}\n`));
    for (const parts of [[input], chunks(input), chunks(input, 777)]) {
      expect(fields(analyzeChunks(parts).events)).toEqual(fields(raw.events));
    }
  });
});

describe("json-file record tails", () => {
  const log = JSON.stringify(`${JSON.stringify({ RequestId: "TAIL", Code: "Throttling" })}\n`);
  const decode = (record: string) => analyzeBuffer(Buffer.from(`${record}\n`), { format: "docker" });

  it("a member after the time is read by the general path, with the record's time", () => {
    const { events, summary } = decode(`{"log":${log},"stream":"stderr","time":"${T0}","attrs":{"a":"b"}}`);
    expect(events.map((e) => [e.requestId, e.stream, e.time])).toEqual([
      ["TAIL", "stderr", Date.UTC(2026, 11, 1, 8, 0, 0, 123)],
    ]);
    expect(summary.malformedLines).toBe(0);
  });

  it("a time that is more than a timestamp, or no closing brace, is malformed", () => {
    for (const record of [
      `{"log":${log},"stream":"stdout","time":"${T0}\\"x"}`,
      `{"log":${log},"stream":"stdout","time":"${T0}x"}`,
      `{"log":${log},"stream":"stdout","time":"${T0}"`,
      `{"log":${log},"stream":"stdout","time":""}`,
      `{"log":${log},"stream":"stdout","time":"}`,
    ]) {
      const { events, summary } = decode(record);
      expect(events, record).toEqual([]);
      expect(summary.malformedLines, record).toBe(1);
    }
  });
});

describe("runtime time fractions", () => {
  it("milliseconds are the first three digits, whatever follows", () => {
    const times = new RuntimeTimes();
    const ms = (fraction: string) =>
      times.parseString(`2026-12-01T08:00:00${fraction}Z`) - Date.UTC(2026, 11, 1, 8);
    expect(ms(".05")).toBe(50);
    expect(ms(".5")).toBe(500);
    expect(ms(".007999999")).toBe(7);
    expect(ms(".9999999999999999999")).toBe(999);
    expect(ms(".")).toBe(0);
    expect(ms("")).toBe(0);
    expect(times.parseString("2026-12-01T08:00:00.12x4Z")).toBeNaN();
  });
});
