import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "../../dist/cli.js");

/** `run -` on stdin; returns what /metrics said about records once stdin ended. */
async function runOnStdin(input: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, "run", "--listen", "127.0.0.1:0", "-"], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  try {
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /"listen":"([^"]+)"/.exec(stderr);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    child.stdin.end(input);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = await (await fetch(`${url}/metrics`)).text();
      if (/records_total\{source="cli",result="malformed"\} [1-9]/.test(text) || Date.now() > deadline)
        return text;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill("SIGTERM");
  }
}

describe("run - at the end of stdin", () => {
  it("counts a multi-line body cut by the end of the input as malformed", async () => {
    const text = await runOnStdin('{"RequestId":"A"}\nINFO response: {\n  "RequestId": "B",\n');
    expect(text).toMatch(/records_total\{source="cli",result="response"\} 1\b/);
    expect(text).toMatch(/records_total\{source="cli",result="malformed"\} 2\b/);
  });
});
