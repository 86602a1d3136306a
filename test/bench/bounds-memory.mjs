/**
 * The memory figures of the bounds (README, "Bounds on series and sizes"): `run` tails a file of
 * 300,000 responses with distinct (action, code) pairs, a file of 100 errors with 1 MB messages,
 * and one of 300 errors with distinct 64 KiB codes; after each is counted it is scraped (both
 * formats), the status page and the recent errors are fetched, and the process's peak RSS (VmHWM)
 * and the response sizes are printed.
 *
 *   node test/bench/bounds-memory.mjs [--heap=MiB] [path/to/cli.js ...]   (default: dist/cli.js)
 *
 * `--heap=192` runs the CLI with --max-old-space-size=192, as the shipped sidecar manifest does.
 * Several CLIs (e.g. an older build) are measured one after the other on the same files.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const COMBINATIONS = 300_000;
// Under 1 MiB per line, so that the line is parsed whole (longer lines are streamed, values capped).
const HUGE = { errors: 100, messageBytes: 1_000_000 };
const LONG_CODES = { errors: 300, codeBytes: 65_536 };
const OPENMETRICS = "application/openmetrics-text;version=1.0.0";

function write(file, count, line) {
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify(line(i)));
  writeFileSync(file, `${lines.join("\n")}\n`);
}

const CASES = [
  [
    `${COMBINATIONS} distinct (action, code)`,
    COMBINATIONS,
    (i) => ({
      level: "error",
      action: `Action${i % 600}`,
      response: {
        RequestId: `MEM-${i}`,
        HostId: `h${i % 50}.aliyuncs.com`,
        Code: `Code.${Math.floor(i / 600)}`,
      },
    }),
  ],
  [
    `${HUGE.errors} errors with 1 MB messages`,
    HUGE.errors,
    (i) => ({
      RequestId: `HUGE-${i}`,
      HostId: "ess.aliyuncs.com",
      Code: "SignatureDoesNotMatch",
      Message: `Specified signature is not matched. ${"m".repeat(HUGE.messageBytes)}`,
    }),
  ],
  [
    `${LONG_CODES.errors} errors with distinct 64 KiB codes`,
    LONG_CODES.errors,
    (i) => ({
      RequestId: `CODE-${i}`,
      HostId: "ess.aliyuncs.com",
      Code: `${String(i).padStart(4, "0")}${"C".repeat(LONG_CODES.codeBytes)}`,
      Message: "x",
    }),
  ],
];

const mib = (kib) => (kib / 1024).toFixed(0);
const kib = (chars) => `${(chars / 1024).toFixed(0)} KiB`;

function memory(pid) {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

async function measure(cli, file, expected, nodeArgs) {
  const dir = mkdtempSync(join(tmpdir(), "are-mem-"));
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    JSON.stringify({ listen: "127.0.0.1:0", sources: [{ name: "m", paths: [file], startAt: "beginning" }] }),
  );
  const child = spawn(
    process.execPath,
    [...nodeArgs, cli, "run", "--config", config, "--log-level", "info"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  let exited = false;
  child.stderr.setEncoding("utf8").on("data", (d) => {
    stderr = (stderr + d).slice(-100_000);
  });
  child.once("exit", () => {
    exited = true;
  });
  const alive = () => {
    if (exited) throw new Error(`the exporter exited: ${stderr.slice(-500)}`);
  };
  try {
    let url;
    for (;;) {
      alive();
      url = /"listen":"(http:\/\/[^"]+)"/.exec(stderr)?.[1];
      if (url) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = Date.now();
    for (;;) {
      alive();
      const text = await (await fetch(`${url}/metrics`)).text();
      const m = /aliyun_response_exporter_records_total\{source="m",result="response"\} (\d+)/.exec(text);
      if (Number(m?.[1]) >= expected) break;
      if (Date.now() - started > 600_000) throw new Error("not counted within 10 min");
      await new Promise((r) => setTimeout(r, 500));
    }
    const sizes = {};
    for (const [name, path, accept] of [
      ["metrics", "/metrics", undefined],
      ["openmetrics", "/metrics", OPENMETRICS],
      ["page", "/", undefined],
      ["recent", "/api/v1/recent-errors", undefined],
    ]) {
      const body = await (await fetch(`${url}${path}`, accept ? { headers: { accept } } : {})).text();
      sizes[name] = body.length;
      if (name === "metrics") sizes.series = (body.match(/^aliyun_api_responses_total\{/gm) ?? []).length;
    }
    alive();
    return { ...memory(child.pid), ...sizes };
  } finally {
    if (!exited) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const heap = args.find((a) => a.startsWith("--heap="))?.slice("--heap=".length);
const nodeArgs = heap === undefined ? [] : [`--max-old-space-size=${heap}`];
const given = args.filter((a) => !a.startsWith("--"));
const clis = given.length > 0 ? given : ["dist/cli.js"];
const work = mkdtempSync(join(tmpdir(), "are-mem-data-"));
try {
  const files = CASES.map(([, count, line], i) => {
    const file = join(work, `case-${i}.log`);
    write(file, count, line);
    return file;
  });
  for (const cli of clis) {
    for (const [i, [what, count]] of CASES.entries()) {
      const label = `${cli}${heap ? ` (heap ${heap} MiB)` : ""} · ${what}`;
      try {
        const r = await measure(resolve(cli), files[i], count, nodeArgs);
        console.log(
          `${label}: peak RSS ${mib(r.hwm)} MiB (after ${mib(r.rss)} MiB), ${r.series} series of ` +
            `aliyun_api_responses_total, /metrics ${kib(r.metrics)}, OpenMetrics ${kib(r.openmetrics)}, ` +
            `status page ${kib(r.page)}, recent errors ${kib(r.recent)}`,
        );
      } catch (err) {
        console.log(`${label}: FAILED ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
