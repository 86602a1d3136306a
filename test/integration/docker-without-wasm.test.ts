import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli-process.js";
import { dockerRecords } from "../helpers/container-records.js";

const dir = mkdtempSync(join(tmpdir(), "are-nowasm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function events(file: string, nodeFlags: string[]): string {
  return execFileSync(process.execPath, [...nodeFlags, CLI, "analyze", "--events", file], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
}

describe("json-file records without WebAssembly (node --jitless)", () => {
  it("gives the very events of the SIMD decoder: the records go through JSON.parse instead", () => {
    const bodies = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        RequestId: `req-${i}`,
        Code: i % 5 === 0 ? "Throttling" : "InvalidParameter",
        Message: 'say "é" <x>'.repeat(i),
      }),
    );
    const file = join(dir, "docker.log");
    writeFileSync(
      file,
      Buffer.concat(bodies.map((b, i) => dockerRecords(b, i % 3 === 0 ? [b.length >> 1] : []))),
    );
    const withWasm = events(file, []);
    expect(withWasm.trim().split("\n")).toHaveLength(200);
    expect(events(file, ["--jitless"])).toBe(withWasm);
  });
});
