import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../src/analyze/in-memory.js";
import { PARALLEL_MIN_BYTES } from "../../src/analyze/parallel.js";

const CLI = join(import.meta.dirname, "../../dist/cli.js");
const dir = mkdtempSync(join(tmpdir(), "are-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Repeats `unit` until the text passes the size at which analyze splits a file between two threads. */
function bigInput(unit: (i: number) => string): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < PARALLEL_MIN_BYTES + 1024 * 1024; i++) {
    const u = unit(i);
    parts.push(u);
    size += Buffer.byteLength(u);
  }
  return Buffer.from(parts.join(""));
}

function cliSummary(file: string): unknown {
  return JSON.parse(execFileSync(process.execPath, [CLI, "analyze", "--json", file], { encoding: "utf8" }));
}

describe("analyze on two threads", () => {
  it.runIf(existsSync(CLI))(
    "gives the totals of one sequential pass, whatever the content at the split",
    () => {
      const cases: Record<string, Buffer> = {
        ndjson: bigInput(
          (i) =>
            `{"RequestId":"R${i}"${i % 7 === 0 ? ',"Code":"Throttling"' : ""}${i % 11 === 0 ? ',"statusCode":503,"Code":"ServiceUnavailable"' : ""},"Items":[{"Code":"200"}]}\n` +
            (i % 13 === 0 ? "garbage\n" : "") +
            (i % 17 === 0 ? '{"RequestId":"cut","Code":"X' + "\n" : ""),
        ),
        // Request ids that repeat just inside and just outside the dedup window (10,000 ids, three
        // per unit): the second half's first responses are decided against the first half's window.
        duplicates: bigInput(
          (i) =>
            `{"RequestId":"D${i % 3000}","Code":"OK"}\n` +
            `HTTP Status: 400 Error:Throttling Request was denied. RequestID: T${i % 3334}\n` +
            `{"RequestId":"B${i % 3333}","Code":"InternalError"}\n`,
        ),
        // Pretty bodies only: every line start near the middle is inside one, or between two.
        pretty: bigInput(
          (i) =>
            `${JSON.stringify({ RequestId: `P${i}`, Code: i % 3 ? "OK" : "InternalError", Extra: { a: [1, 2] } }, null, 2)}\n`,
        ),
        // A 4 MiB pretty body straddles the middle, with no line near it that looks like a start: the
        // first half ends inside the body, so the worker's half is dropped and read again in order.
        spanning: Buffer.concat([
          bigInput((i) => `{"RequestId":"A${i}"}\n`).subarray(0, 15 * 1024 * 1024 - 16),
          Buffer.from("\nINFO response: {\n"),
          bigInput((i) => `  "k${i}": "v",\n`).subarray(0, 4 * 1024 * 1024 - 8),
          Buffer.from('\n  "RequestId": "SPAN"\n}\n'),
          bigInput((i) => `{"RequestId":"B${i}"}\n`).subarray(0, 15 * 1024 * 1024),
        ]),
      };
      for (const [name, input] of Object.entries(cases)) {
        const file = join(dir, `${name}.log`);
        writeFileSync(file, input);
        const sequential = analyzeBuffer(input).summary;
        expect(sequential.responses).toBeGreaterThan(1000);
        expect(cliSummary(file), name).toEqual(sequential);
      }
    },
    // Four 33 MiB files, each read twice: slow on a loaded machine.
    180_000,
  );
});
