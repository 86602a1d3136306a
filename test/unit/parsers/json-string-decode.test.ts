/**
 * decodeJsonString (json-strings.ts): a JSON string's content decoded straight to UTF-8 bytes must
 * be the bytes `Buffer.from(JSON.parse(…))` gives, for every escape form JSON allows (one-byte
 * escapes, `\uXXXX` in either case, surrogate pairs, lone surrogates) and raw UTF-8 text, and say
 * whether the text holds a newline (then it is examined line by line).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodedText, decodeJsonString, scanMarkedString } from "../../../src/parsers/json-strings.js";

/** `s` as a JSON string literal, each character escaped as `\uXXXX` when `escapeAll[i]` says so. */
function literal(s: string, escapeAll: readonly boolean[], upper: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (escapeAll[i % escapeAll.length]) {
      const hex = c.toString(16).padStart(4, "0");
      out += `\\u${upper ? hex.toUpperCase() : hex}`;
    } else out += JSON.stringify(s[i]).slice(1, -1);
  }
  return `${out}"`;
}

function decoded(raw: string): Buffer {
  const buf = Buffer.from(`xx${raw}yy`, "utf8");
  const close = scanMarkedString(buf, 3, 3, buf.length);
  expect(close).toBe(buf.length - 3);
  // Stale bytes in the output buffer must not matter.
  const out = Buffer.alloc(close - 3 + 8, 0x41);
  return out.subarray(0, decodeJsonString(buf, 3, close, out));
}

describe("decodeJsonString", () => {
  it("gives the bytes of Buffer.from(JSON.parse(literal)) for any text and escaping", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        (s, escapeAll, upper) => {
          const raw = literal(s, escapeAll, upper);
          const bytes = decoded(raw);
          expect(bytes).toEqual(Buffer.from(JSON.parse(raw) as string, "utf8"));
          expect(decodedText.newline).toBe(bytes.includes(0x0a));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("decodes each escape form", () => {
    const raw = String.raw`"a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\u4E2D\ud83d\ude00\ud800x\udc00"`;
    expect(decoded(raw)).toEqual(Buffer.from(JSON.parse(raw) as string, "utf8"));
    expect(decoded(raw).toString("utf8")).toBe('a"b\\c/d\be\ff\ng\rh\tié中😀\ufffdx\ufffd');
  });

  it("copies raw UTF-8 text as it is", () => {
    expect(decoded('"请求 RequestId 😀"').toString("utf8")).toBe("请求 RequestId 😀");
  });
});
