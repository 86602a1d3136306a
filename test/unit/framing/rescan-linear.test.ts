/**
 * Bounded work (DESIGN §3): re-scans after failed candidates are linear. Doubling the input at most
 * about doubles the time (asserted with a generous bound: the machine is shared), and one line of
 * 1 MiB is framed in bounded time. CPU time of this process is measured, best of three.
 */
import { describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../../src/analyze/in-memory.js";

function cpuMs(input: Buffer): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = process.cpuUsage();
    analyzeBuffer(input);
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

const shapes: Record<string, (n: number) => string> = {
  '{"a": × n on one line': (n) => `${'{"a":'.repeat(n)}\n`,
  "<a> × n on one line": (n) => `${"<a>".repeat(n)}\n`,
  "<Error><RequestId>x</RequestId> × n on one line": (n) =>
    `${"<Error><RequestId>x</RequestId>".repeat(n / 4)}\n`,
  "a cut XML body every 20 lines": (n) => {
    let s = "";
    for (let i = 0; i < n / 4; i++)
      s += i % 20 === 0 ? "<Error><RequestId>T</RequestId><Code>Thr\n" : "plain text line\n";
    return s;
  },
  '{"a":" then {"a": × n inside a string': (n) => `{"a":"${'{"a":'.repeat(n)}\n`,
  // An open JSON body takes the lines after it in one scan (BodyFramer.takeLines): one that fails
  // on its next line must not copy or scan the rest of the input each time.
  "a body opened, then failed on the next line, × n": (n) => "{\nx\n".repeat(n / 2),
  "an open body, every other line of it a blank line of VT": (n) =>
    `response: {\n${'  "a": 1,\n\u000b\n'.repeat(n / 2)}  "z": 1\n}\n`,
  // Each quoted string used to search the rest of the line for the next body candidate again.
  "quoted strings naming a request id in free text × n": (n) =>
    `free text ${'x "RequestId \\"{\\"a\\":1" '.repeat(n / 4)}\n`,
  // Each SDK string used to copy the rest of the line as text (and its values kept that copy).
  "SDK error strings × n on one line": (n) =>
    `${Array.from({ length: n / 8 }, (_, i) => `ServerException: HTTP Status: 400 Error:Throttling.User no. RequestID: R${i} `).join("")}\n`,
};

describe("re-scans after failed candidates are linear", () => {
  it.each(Object.entries(shapes))("%s: doubling the input at most ~doubles the time", (_name, make) => {
    analyzeBuffer(Buffer.from(make(1000))); // warm up
    const small = cpuMs(Buffer.from(make(20_000)));
    const large = cpuMs(Buffer.from(make(40_000)));
    // Linear: ~2×; quadratic would be ~4×. Small times are noisy, hence the floor.
    expect(large).toBeLessThan(Math.max(3 * small, 60));
  });

  it("a 1 MiB line of any of these shapes is framed in bounded time (no event-loop stall)", () => {
    const mib = 1024 * 1024;
    for (const line of [
      `${'{"a":'.repeat(mib / 5 - 1)}\n`,
      `${"<a>".repeat(mib / 3 - 1)}\n`,
      `${"<Error><RequestId>x</RequestId>".repeat(mib / 31 - 1)}\n`,
    ]) {
      const input = Buffer.from(line);
      expect(input.length).toBeLessThanOrEqual(mib);
      const { summary } = analyzeBuffer(input);
      expect(summary.malformedLines).toBe(1);
      // 100 ms on an idle machine (README); generous here, where six engineers share two cores.
      expect(cpuMs(input)).toBeLessThan(400);
    }
  });
});
