/**
 * The start-up rows (issue 10): a command that reads nothing, run in turn with bare `node -e 0`
 * (A B A B …), the ratio taken pair by pair so that the machine's drift between runs cancels out.
 * Reports medians: wall seconds of each and the median of the pair ratios.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, timedRun } from "./measure.mjs";

function wallMs(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, ok: r.status === 0 };
}

/** `{ oursMs, bareMs, ratio, failed }`, medians over `pairs` pairs after one unmeasured pair. */
function pairedStartup(cmd, args, pairs) {
  const node = process.execPath;
  wallMs(cmd, args);
  wallMs(node, ["-e", "0"]);
  const ours = [];
  const bare = [];
  let failed = 0;
  for (let i = 0; i < pairs; i++) {
    const a = wallMs(cmd, args);
    const b = wallMs(node, ["-e", "0"]);
    if (!a.ok) failed++;
    ours.push(a.ms);
    bare.push(b.ms);
  }
  return {
    oursMs: median(ours),
    bareMs: median(bare),
    ratio: median(ours.map((ms, i) => ms / bare[i])),
    failed,
  };
}

/**
 * `analyze --json` of an empty file and `--version` of `cli` against bare node, `pairs` pairs each;
 * and, when `mtail(emptyPath)` gives its [command, args], mtail on the empty log for reference.
 */
export function startupRows({ cli, pairs, mtail }) {
  if (pairs === 0) return [];
  const empty = join(tmpdir(), `bench-empty-${process.pid}.log`);
  writeFileSync(empty, "");
  try {
    const rows = [
      { what: "`analyze --json` of an empty file", args: [cli, "analyze", "--json", empty] },
      { what: "`--version`", args: [cli, "--version"] },
    ].map((r) => ({ what: r.what, ...pairedStartup(process.execPath, r.args, pairs) }));
    if (mtail !== null) {
      const [bin, args] = mtail(empty);
      const ms = [];
      for (let i = 0; i < Math.min(pairs, 5); i++) ms.push(timedRun(bin, args, { gnuTime: false }).ms);
      rows.push({
        what: "mtail `--one_shot` of an empty file",
        oursMs: median(ms),
        bareMs: null,
        ratio: null,
      });
    }
    return rows;
  } finally {
    rmSync(empty, { force: true });
  }
}
