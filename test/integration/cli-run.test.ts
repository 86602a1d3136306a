/**
 * `run` as a user runs it (issue 3, DESIGN §8): the built CLI with a config file, tailing real
 * files in a temp dir, checked through /metrics only. Every test compares
 * `aliyun_api_responses_total` per category/code/status with a ledger of the lines it wrote, so a
 * lost or doubled line fails it. Waits are on counters with deadlines, never on fixed sleeps.
 */
import {
  appendFile,
  copyFile,
  mkdir,
  open,
  readdir,
  rename,
  truncate,
  unlink,
  writeFile,
} from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addByKey, type Snapshot, snapshot } from "../helpers/cli-metrics.js";
import { type CliProcess, cleanupCli, makeTempDir, spawnCli, waitReady } from "../helpers/cli-process.js";
import { ResponseLedger, responseBody } from "../helpers/cli-responses.js";
import { waitUntil } from "../helpers/wait.js";

/** The source settings of the brief: small intervals so the whole file runs in seconds. */
const FAST_SOURCE = {
  name: "app",
  paths: ["logs/*.log"],
  startAt: "beginning",
  pollIntervalMs: 50,
  globIntervalMs: 200,
  partialLineTimeoutMs: 300,
  maxRecordBytes: 1000,
};

interface Daemon {
  readonly cli: CliProcess;
  readonly url: string;
}

/** Writes `config.yaml` (JSON is YAML) in `dir`; relative paths resolve against that folder. */
async function writeConfig(dir: string, sources: object[]): Promise<string> {
  const file = path.join(dir, "config.yaml");
  const config = {
    listen: "127.0.0.1:0",
    logLevel: "info",
    sources,
    checkpoint: { dir: "ckpt", intervalMs: 200 },
    // These tests read counts at once: no first sample at zero (issue 8 has its own tests).
    metrics: { newSeriesHoldMs: 0 },
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

async function startDaemon(dir: string, sources: object[] = [FAST_SOURCE]): Promise<Daemon> {
  const file = await writeConfig(dir, sources);
  const cli = spawnCli(["run", "--config", file], { cwd: dir });
  const url = await cli.url();
  // Sources are started once /readyz says so: from then on, files are followed.
  await waitReady(url);
  return { cli, url };
}

/** Waits until the source has counted `n` responses and read `bytes` bytes (all that was written). */
function counted(url: string, n: number, bytes?: number, source = "app"): Promise<Snapshot> {
  return waitUntil(
    `${n} responses${bytes === undefined ? "" : ` and ${bytes} bytes read`} on /metrics`,
    () => snapshot(url, source),
    (s) => s.responses >= n && (bytes === undefined || s.bytesRead >= bytes),
  );
}

async function logsDir(dir: string, name = "logs"): Promise<string> {
  const logs = path.join(dir, name);
  await mkdir(logs, { recursive: true });
  return logs;
}

afterEach(cleanupCli);

describe("run --config: tailing files", () => {
  it("counts every response exactly once per category, code and status", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const file = path.join(logs, "a.log");
    await writeFile(file, ledger.lines(7));
    const { url } = await startDaemon(dir);

    await appendFile(file, ledger.lines(5));
    const noise = 'plain text, not a response\n{"RequestId":"BROKEN","Code":\n';
    await appendFile(file, noise);
    await appendFile(file, ledger.lines(8));
    const s = await counted(url, ledger.total, ledger.bytes + noise.length);

    expect(s.byKey).toEqual(ledger.expected());
    expect(s.records).toMatchObject({ response: 20, non_response: 1, malformed: 1, oversized: 0 });
    expect(s.bytesRead).toBe(ledger.bytes + noise.length);
    expect(s.filesWatched).toBe(1);
  });

  it("follows a rename rotation: the old file is read to its end, the new one from 0", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const live = path.join(logs, "a.log");
    const rotated = path.join(logs, "a.log.1"); // outside the glob, like logrotate's first copy
    // The writer keeps its descriptor across the rename, as an application does until it reopens.
    const writer = await open(live, "a");
    try {
      await writer.write(ledger.lines(5));
      const { cli, url } = await startDaemon(dir);
      await counted(url, ledger.total);

      await rename(live, rotated);
      await writer.write(ledger.lines(3, "OLD"));
      await writeFile(live, ledger.lines(4, "NEW"));
      await writer.write(ledger.lines(2, "OLD")); // late lines into the renamed file
      let s = await counted(url, ledger.total);
      expect(s.byKey).toEqual(ledger.expected());
      expect(s.rotations).toBeGreaterThanOrEqual(1);

      await appendFile(live, ledger.lines(3, "NEW"));
      s = await counted(url, ledger.total);
      expect(s.byKey).toEqual(ledger.expected());

      // Once the old file is released, nothing of it may be counted again.
      s = await waitUntil(
        "the rotated file to be released (files_watched 1)",
        () => snapshot(url, "app"),
        (x) => x.filesWatched === 1,
        15_000,
      );
      expect(cli.logsWith("file rotated").length).toBeGreaterThanOrEqual(1);
      expect(cli.logsWith("file closed", { reason: "rotated" }).length).toBe(1);
      expect(s.byKey).toEqual(ledger.expected());
      expect(s.records).toMatchObject({ response: ledger.total, malformed: 0, non_response: 0 });
    } finally {
      await writer.close();
    }
  });

  it("follows copytruncate: the truncation is counted and the file is read again from 0", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const file = path.join(logs, "a.log");
    await writeFile(file, ledger.lines(10));
    const { cli, url } = await startDaemon(dir);
    await counted(url, ledger.total);

    // logrotate's copytruncate: copy (outside the glob), then truncate in place.
    await copyFile(file, path.join(logs, "a.log.1"));
    await truncate(file, 0);
    // Fewer bytes than before, so the truncation shows in the size whenever the tailer looks.
    await appendFile(file, ledger.lines(3, "AFTER"));
    let s = await counted(url, ledger.total);
    expect(s.truncations).toBe(1);
    expect(s.byKey).toEqual(ledger.expected());

    await appendFile(file, ledger.lines(4, "AFTER"));
    s = await counted(url, ledger.total);
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.truncations).toBe(1);
    expect(s.records).toMatchObject({ malformed: 0, non_response: 0 });
    expect(cli.logs().filter((l) => String(l.msg).startsWith("file truncated"))).toHaveLength(1);
  });

  it("picks up a new file that matches the glob, from its first line (startAt: end)", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const old = path.join(logs, "old.log");
    // Lines from before the start: `end` skips them.
    await writeFile(old, new ResponseLedger().lines(6, "BEFORE"));
    const { cli, url } = await startDaemon(dir, [{ ...FAST_SOURCE, startAt: "end" }]);

    await appendFile(old, ledger.lines(2));
    await counted(url, ledger.total);
    const fresh = path.join(logs, "fresh.log");
    await writeFile(fresh, ledger.lines(4, "FRESH"));
    let s = await counted(url, ledger.total);
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.filesWatched).toBe(2);
    expect(cli.logsWith("file opened", { file: fresh }).length).toBe(1);

    // A file that does not match the glob is left alone.
    await writeFile(path.join(logs, "other.txt"), new ResponseLedger().lines(3, "IGNORED"));
    await appendFile(fresh, ledger.lines(1, "FRESH"));
    s = await counted(url, ledger.total);
    expect(s.byKey).toEqual(ledger.expected());
  });

  it("releases a deleted file (files_watched drops) and keeps following the others", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const keep = path.join(logs, "keep.log");
    const gone = path.join(logs, "gone.log");
    await writeFile(keep, ledger.lines(3, "KEEP"));
    await writeFile(gone, ledger.lines(4, "GONE"));
    const { cli, url } = await startDaemon(dir);
    let s = await counted(url, ledger.total);
    expect(s.filesWatched).toBe(2);

    await unlink(gone);
    s = await waitUntil(
      "the deleted file to be released (files_watched 1)",
      () => snapshot(url, "app"),
      (x) => x.filesWatched === 1,
      15_000,
    );
    expect(cli.logsWith("file closed", { file: gone, reason: "deleted" }).length).toBe(1);

    await appendFile(keep, ledger.lines(2, "KEEP"));
    s = await counted(url, ledger.total);
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.rotations).toBe(0);
  });

  it("holds a partial line until its newline, or until the idle timeout", async () => {
    const dir = await makeTempDir();
    const slowLogs = await logsDir(dir, "slow");
    const fastLogs = await logsDir(dir, "fast");
    // `slow` never times out within the test, so its partial line waits for the rest of it.
    const slow = { ...FAST_SOURCE, name: "slow", paths: ["slow/*.log"], partialLineTimeoutMs: 60_000 };
    const fast = { ...FAST_SOURCE, name: "fast", paths: ["fast/*.log"] };
    const { url } = await startDaemon(dir, [slow, fast]);
    const ledger = new ResponseLedger();

    const slowFile = path.join(slowLogs, "a.log");
    const body = responseBody("throttling", "PARTIAL-1");
    const head = body.slice(0, 40);
    await writeFile(slowFile, head);
    let s = await waitUntil(
      "the partial line to be read",
      () => snapshot(url, "slow"),
      (x) => x.bytesRead >= head.length,
    );
    expect(s.records).toMatchObject({ response: 0, malformed: 0, non_response: 0 });
    await appendFile(slowFile, `${body.slice(40)}\n`);
    ledger.count("throttling");
    s = await counted(url, 1, undefined, "slow");
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.records).toMatchObject({ response: 1, malformed: 0, non_response: 0 });

    // A complete body without its newline: only the 300 ms idle timeout can finish the line.
    const fastFile = path.join(fastLogs, "a.log");
    const written = Date.now();
    await writeFile(fastFile, responseBody("internalError", "TIMEOUT-1"));
    ledger.count("internalError");
    s = await counted(url, 1, undefined, "fast");
    expect(Date.now() - written).toBeGreaterThanOrEqual(290);
    expect(s.byKey).toEqual(ledger.expected());
    // The newline that comes later ends an empty line; the next line is counted on its own.
    await appendFile(fastFile, `\n${ledger.line("AFTER")}`);
    s = await counted(url, 2, undefined, "fast");
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.records).toMatchObject({ response: 2, malformed: 0, non_response: 0 });
  });

  it("skips an oversize line as oversized and counts the next line", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const { url } = await startDaemon(dir);
    const ledger = new ResponseLedger();
    const big = `${JSON.stringify({ RequestId: "BIG-1", Code: "Throttling", Message: "x".repeat(5000) })}\n`;
    expect(big.length).toBeGreaterThan(5000);

    const file = path.join(logs, "a.log");
    const first = ledger.line("BEFORE") + big + ledger.line("NEXT");
    await writeFile(file, first);
    // Every byte read means every line accounted for: counting happens in the batch that read it.
    const s = await counted(url, ledger.total, first.length);
    expect(s.records).toMatchObject({ response: 2, oversized: 1, malformed: 0, non_response: 0 });
    expect(s.byKey).toEqual(ledger.expected());

    const second = big + ledger.line("LATER");
    await appendFile(file, second);
    const later = await counted(url, ledger.total, first.length + second.length);
    expect(later.records).toMatchObject({ response: 3, oversized: 2, malformed: 0, non_response: 0 });
    expect(later.byKey).toEqual(ledger.expected());
  });

  it("joins a pretty-printed body that arrives in two writes", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const { url } = await startDaemon(dir);
    const ledger = new ResponseLedger();
    const file = path.join(logs, "a.log");
    const first = '2024-05-01T12:00:00.123Z INFO aliyun.sdk response: {\n  "RequestId": "PRETTY-1",\n';
    const second =
      '  "HostId": "ess.aliyuncs.com",\n  "Code": "InvalidParameter",\n' +
      '  "Message": "The specified value of parameter ScalingGroupId is not valid."\n}\n';
    await writeFile(file, first);
    let s = await waitUntil(
      "the first half of the body to be read",
      () => snapshot(url, "app"),
      (x) => x.bytesRead >= first.length,
    );
    expect(s.records).toMatchObject({ response: 0, malformed: 0, non_response: 0 });

    await appendFile(file, second);
    ledger.count("invalidParameter");
    const after = ledger.line("AFTER");
    await appendFile(file, after);
    s = await counted(url, ledger.total, first.length + second.length + after.length);
    expect(s.byKey).toEqual(ledger.expected());
    expect(s.records).toMatchObject({ response: 2, malformed: 0, non_response: 0 });
  });
});

describe("run --config: stop and restart", () => {
  it("exits 0 within 5 s on SIGTERM and resumes from its checkpoints: nothing lost, nothing doubled", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    // `end` (the production default) so that only the checkpoints can make run 2 read lines it missed;
    // a long idle timeout so that the partial line is surely still pending when SIGTERM arrives.
    const source = { ...FAST_SOURCE, startAt: "end", partialLineTimeoutMs: 60_000 };
    const a = path.join(logs, "a.log");
    const b = path.join(logs, "b.log");
    await writeFile(a, new ResponseLedger().lines(3, "BEFORE")); // before the first start: skipped
    await writeFile(b, "");

    // Run 1.
    const run1 = await startDaemon(dir, [source]);
    await appendFile(a, ledger.lines(10, "A"));
    await appendFile(b, ledger.lines(5, "B"));
    const partial = responseBody("throttling", "SPLIT-1");
    const cut = 25;
    await appendFile(a, partial.slice(0, cut));
    const bytes1 = ledger.bytes + cut;
    const s1 = await counted(run1.url, ledger.total, bytes1);
    expect(s1.byKey).toEqual(ledger.expected());
    expect(s1.bytesRead).toBe(bytes1);

    const stop1 = await run1.cli.stop("SIGTERM");
    expect(stop1.code, run1.cli.stderr).toBe(0);
    expect(stop1.ms).toBeLessThan(5000);
    expect((await readdir(path.join(dir, "ckpt"))).length).toBeGreaterThan(0);

    // While stopped: the partial line is completed, both files grow, a new file appears.
    const bytesBeforeStop = ledger.bytes;
    await appendFile(a, `${partial.slice(cut)}\n`);
    ledger.count("throttling");
    ledger.bytes += partial.length + 1;
    await appendFile(a, ledger.lines(4, "A2"));
    await appendFile(b, ledger.lines(3, "B2"));
    const c = path.join(logs, "c.log");
    await writeFile(c, ledger.lines(2, "C"));

    // Run 2: the same config and checkpoint dir.
    const run2 = await startDaemon(dir, [source]);
    const expected2 = ledger.total - s1.responses;
    // Everything after the last complete line of run 1 is read again, and nothing before it.
    const bytes2 = ledger.bytes - bytesBeforeStop;
    const s2 = await counted(run2.url, expected2, bytes2);
    expect(addByKey(s1.byKey, s2.byKey)).toEqual(ledger.expected());
    expect(s2.responses).toBe(expected2);
    expect(s2.bytesRead).toBe(bytes2);
    expect(s2.records).toMatchObject({ malformed: 0, non_response: 0 });

    // SIGINT (Ctrl-C) stops as cleanly as SIGTERM.
    const stop2 = await run2.cli.stop("SIGINT");
    expect(stop2.code, run2.cli.stderr).toBe(0);
    expect(stop2.ms).toBeLessThan(5000);
  });
  it("resumes a pretty-printed body that was open at the stop and completed while stopped", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const file = path.join(logs, "a.log");
    await writeFile(file, "");
    const run1 = await startDaemon(dir, [{ ...FAST_SOURCE, startAt: "end" }]);
    const first = `${ledger.lines(3)}2024-05-01T12:00:00Z DEBUG response: {\n  "RequestId": "OPEN-1",\n`;
    await appendFile(file, first);
    const s1 = await counted(run1.url, ledger.total, first.length);
    expect((await run1.cli.stop("SIGTERM")).code, run1.cli.stderr).toBe(0);

    await appendFile(file, '  "HostId": "ess.aliyuncs.com",\n  "Code": "Throttling"\n}\n');
    ledger.count("throttling");
    await appendFile(file, ledger.lines(2, "LATER"));
    const run2 = await startDaemon(dir, [{ ...FAST_SOURCE, startAt: "end" }]);
    const s2 = await counted(run2.url, ledger.total - s1.responses);
    expect(addByKey(s1.byKey, s2.byKey)).toEqual(ledger.expected());
    expect(s2.records).toMatchObject({ response: 3, malformed: 0, non_response: 0 });
  });

  it("reads a file truncated while stopped from its start", async () => {
    const dir = await makeTempDir();
    const logs = await logsDir(dir);
    const ledger = new ResponseLedger();
    const file = path.join(logs, "a.log");
    await writeFile(file, ledger.lines(10));
    const run1 = await startDaemon(dir);
    const s1 = await counted(run1.url, ledger.total, ledger.bytes);
    expect((await run1.cli.stop("SIGTERM")).code, run1.cli.stderr).toBe(0);

    const after = new ResponseLedger();
    await writeFile(file, after.lines(3, "AFTER")); // shorter than the checkpoint's offset
    const run2 = await startDaemon(dir);
    const s2 = await counted(run2.url, after.total, after.bytes);
    expect(s2.byKey).toEqual(after.expected());
    expect(addByKey(s1.byKey, s2.byKey)).toEqual(addByKey(ledger.expected(), after.expected()));
    expect(s2.records).toMatchObject({ response: 3, malformed: 0, non_response: 0 });
  });
});
