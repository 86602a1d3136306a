import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEAD_CHARS, timeFromField, timeFromText } from "../../../src/extract/event-time.js";

const at = (iso: string) => Date.parse(iso);

// vitest.config.ts sets TZ=UTC: a time without zone is local time, here UTC.
describe("timeFromText: the timestamp at the start of a line", () => {
  it.each([
    ["RFC 3339 with Z", "2024-05-01T10:00:00Z INFO x", "2024-05-01T10:00:00.000Z"],
    ["RFC 3339 with offset and ms", "2024-05-01T10:00:00.123+08:00 INFO", "2024-05-01T02:00:00.123Z"],
    ["offset without colon", "2024-05-01T10:00:00-0530 x", "2024-05-01T15:30:00.000Z"],
    ["offset of hours only", "2024-05-01 10:00:00+08 x", "2024-05-01T02:00:00.000Z"],
    ["space, no zone (local)", "2024-05-01 10:00:03.789 INFO scaler", "2024-05-01T10:00:03.789Z"],
    ["space and a space before the zone", "2024-05-01 10:00:00 +0800 x", "2024-05-01T02:00:00.000Z"],
    ["UTC word", "2024-05-01 10:00:00 UTC x", "2024-05-01T10:00:00.000Z"],
    ["nanoseconds (CRI)", "2022-03-08T07:41:19.123456789Z stdout F {", "2022-03-08T07:41:19.123Z"],
    ["microseconds", "2022-03-08T07:41:19.000999Z", "2022-03-08T07:41:19.000Z"],
    ["one fraction digit", "2022-03-08T07:41:19.5Z", "2022-03-08T07:41:19.500Z"],
    ["YYYY/MM/DD (Go log)", "2024/05/01 10:00:00 scale out failed", "2024-05-01T10:00:00.000Z"],
    ["Python logging comma", "[2024-05-01 10:00:02,456] ERROR x", "2024-05-01T10:00:02.456Z"],
    [
      "after a thread id (aliyunsdkcore)",
      "140245230184256 2024-05-01 10:00:01,123 aliyunsdkcore",
      "2024-05-01T10:00:01.123Z",
    ],
    ["Java SDK {ts} colon before ms", "2024-05-01T10:00:03:123Z POST", "2024-05-01T10:00:03.123Z"],
    ["logfmt ts=", "ts=2024-05-01T10:00:00Z level=error", "2024-05-01T10:00:00.000Z"],
    ["date(1) in brackets", "[Tue Mar 08 07:41:19 UTC 2022] ERROR", "2022-03-08T07:41:19.000Z"],
    ["ctime, one-digit day", "Tue Mar  8 07:41:19 2022 x", "2022-03-08T07:41:19.000Z"],
    ["date(1) with offset", "Tue Mar 08 07:41:19 +0800 2022", "2022-03-07T23:41:19.000Z"],
    ["common log format", '10.0.0.5 - - [01/May/2024:10:00:00 +0800] "POST /', "2024-05-01T02:00:00.000Z"],
  ])("%s", (_what, text, iso) => {
    expect(timeFromText(text)).toBe(at(iso));
  });

  it.each([
    ["no time", "INFO response"],
    ["a date without time", "Version=2014-05-26 x"],
    ["syslog without a year", "May  1 10:00:01 web-1 scaler[1234]:"],
    ["a month 13", "2024-13-01 10:00:00"],
    ["31 April", "2024-04-31 10:00:00"],
    ["hour 25", "2024-05-01 25:00:00"],
    ["before 2000", "1999-12-31 23:59:59Z"],
    ["an empty text", ""],
  ])("%s → null", (_what, text) => {
    expect(timeFromText(text)).toBeNull();
  });

  it("looks only at the first HEAD_CHARS characters", () => {
    const late = `${"x".repeat(HEAD_CHARS)} 2024-05-01T10:00:00Z`;
    expect(timeFromText(late)).toBeNull();
    expect(timeFromText(`${"x".repeat(HEAD_CHARS - 21)} 2024-05-01T10:00:00Z`)).toBe(
      at("2024-05-01T10:00:00Z"),
    );
  });

  it("takes a zone-less time in the process's local zone", () => {
    const before = process.env.TZ;
    process.env.TZ = "Asia/Shanghai";
    try {
      expect(timeFromText("2024-05-01 10:00:00,123 INFO")).toBe(at("2024-05-01T02:00:00.123Z"));
    } finally {
      process.env.TZ = before;
    }
  });
});

describe("timeFromField: a structured log's time member", () => {
  it.each([
    ["epoch seconds", 1714557600, "2024-05-01T10:00:00.000Z"],
    ["epoch seconds with fraction", 1714557600.25, "2024-05-01T10:00:00.250Z"],
    ["epoch ms (pino)", 1714557600123, "2024-05-01T10:00:00.123Z"],
    ["epoch µs", 1714557600123456, "2024-05-01T10:00:00.123Z"],
    ["epoch ns", 1714557600123456800, "2024-05-01T10:00:00.123Z"],
    ["ns as a digit string", "1714557600123456789", "2024-05-01T10:00:00.123Z"],
    ["ms as a digit string", "1714557600123", "2024-05-01T10:00:00.123Z"],
    ["seconds as a digit string with fraction", "1714557600.5", "2024-05-01T10:00:00.500Z"],
    ["ISO string (bunyan, @timestamp)", "2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123Z"],
  ])("%s", (_what, value, iso) => {
    expect(timeFromField(value)).toBe(at(iso));
  });

  it.each([
    ["zero", 0],
    ["a small number", 42],
    ["negative", -1714557600],
    ["far future", 9e15 * 1000],
    ["a word", "yesterday"],
    ["NaN", Number.NaN],
  ])("%s → null", (_what, value) => {
    expect(timeFromField(value)).toBeNull();
  });
});

describe("timeFromText: where the search for an ISO-like timestamp starts", () => {
  // Texts made of the pieces of timestamps, so that near misses (a digit short, a wrong separator)
  // stand right before real ones: the first one whose shape fits is the one read (valid or not).
  const piece = fc.constantFrom(
    "2024",
    "-",
    "/",
    "05",
    "01",
    "1",
    " ",
    "T",
    "10",
    ":",
    "00",
    "x",
    "Z",
    "+08",
  );
  const shape = /(?<!\d)\d{4}([-/])\d{2}\1\d{2}[T ]\d{2}:\d{2}:\d{2}/;
  it("reads the first timestamp shape within the head, as it would at the start of the text", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join("");
        const m = shape.exec(text);
        const expected = m === null || m.index >= HEAD_CHARS ? null : timeFromText(text.slice(m.index));
        expect(timeFromText(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
