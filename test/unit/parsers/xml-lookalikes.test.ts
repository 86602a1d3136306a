/**
 * Reviewer's cases for README "What counts as a response": a line is `malformed` only for a broken
 * or truncated body; XML whose root holds text directly (`at Foo.<init>(Foo.java:10)`) is not taken
 * for a body. Everyday log text with angle brackets — Python tracebacks (`in <module>`), Java
 * generics, an HTML error page — is therefore `non_response`, and so is the line after it.
 */
import { describe, expect, it } from "vitest";
import { analyzeText } from "../../helpers/analyze-cli.js";

const CASES = [
  {
    name: "a Python traceback's `in <module>` line and the source line after it",
    lines: ['  File "scale.py", line 10, in <module>', "    client.do_action_with_exception(request)"],
  },
  {
    name: "a Java generic type at the end of a message",
    lines: [
      "Failed to convert value of type 'java.lang.String' to required type 'java.util.List<java.lang.Long>'",
    ],
  },
  { name: "a generic type in the middle of a line", lines: ["result: Map<String, Object> is empty"] },
  {
    name: "a Java stack frame of a constructor (README's own example)",
    lines: ["\tat com.example.Foo.<init>(Foo.java:10)"],
  },
  { name: "an HTML error page on one line", lines: ["<html><body><h1>502 Bad Gateway</h1></body></html>"] },
] as const;

describe("angle brackets in everyday log text are not broken bodies", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const lines = [...c.lines, "a plain line after it", '{"RequestId":"XL-1","Code":"Throttling"}'];
      const r = analyzeText(`${lines.join("\n")}\n`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.summary).toMatchObject({
        lines: lines.length,
        responses: 1,
        malformedLines: 0,
        nonResponseLines: lines.length - 1,
      });
    });
  }
});
