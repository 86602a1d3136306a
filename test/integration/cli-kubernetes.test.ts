/**
 * A node's `/var/log/pods` tree read by the built CLI as the DaemonSet reads it (README "Container
 * logs"): CRI and json-file files decided per file, partial records joined, path labels on the
 * counters, kubelet's rotation (`0.log` → `0.log.<time>`, later gzipped) and a restart in the middle
 * of a partial sequence — every response counted exactly once, checked through /metrics only.
 */
import { appendFile, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { RESPONSES, type Sample, samplesOf, snapshot } from "../helpers/cli-metrics.js";
import { type CliProcess, cleanupCli, makeTempDir, spawnCli, waitReady } from "../helpers/cli-process.js";
import { criRecords, dockerRecords, everyBytes } from "../helpers/container-records.js";
import { waitUntil } from "../helpers/wait.js";

const CART = "var/log/pods/shop_cart-7d4b9c8f6-x2x9z_6f1c2d3e-0000-4000-8000-000000000001/app";
const LEDGER = "var/log/pods/bank_ledger-0_6f1c2d3e-0000-4000-8000-000000000002/main";

let seq = 0;
function body(code: string, padding = 0): string {
  seq++;
  const id = `5E8BK8${String(seq).padStart(2, "0")}-3910-447D-87BC-AC049166F2${String(seq).padStart(2, "0")}`;
  return JSON.stringify({ RequestId: id, ...(code ? { Code: code } : {}), Padding: "p".repeat(padding) });
}

async function startDaemon(dir: string): Promise<{ cli: CliProcess; url: string }> {
  const config = {
    listen: "127.0.0.1:0",
    sources: [
      {
        name: "pods",
        paths: ["var/log/pods/*/*/*.log"],
        pathLabels: ["namespace", "container", "workload"],
        startAt: "beginning",
        pollIntervalMs: 50,
        globIntervalMs: 200,
        rotateWaitMs: 300,
      },
    ],
    checkpoint: { dir: "ckpt", intervalMs: 200 },
    // Counts are read at once: no hold before a new series shows its count (README "Metrics").
    metrics: { newSeriesHoldMs: 0 },
  };
  const file = path.join(dir, "config.yaml");
  await writeFile(file, JSON.stringify(config));
  const cli = spawnCli(["run", "--config", file], { cwd: dir });
  const url = await cli.url();
  await waitReady(url);
  return { cli, url };
}

/** `aliyun_api_responses_total` per `namespace/container/workload/code`, zero series left out. */
function byPod(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== RESPONSES || s.value === 0) continue;
    const l = s.labels;
    const key = `${l.namespace}/${l.container}/${l.workload}/${l.code}`;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

function add(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Waits until everything written so far was read and `n` responses were counted. */
async function readAll(url: string, dir: string, files: string[], n: number) {
  let size = 0;
  for (const f of files) size += (await stat(path.join(dir, f))).size;
  return waitUntil(
    `${n} responses and ${size} bytes read`,
    () => snapshot(url, "pods"),
    (s) => s.responses >= n && s.bytesRead >= size,
    20_000,
  );
}

afterEach(cleanupCli);

describe("a /var/log/pods tree through the built CLI", () => {
  it("labels by pod path, follows kubelet rotation and resumes exactly inside a partial sequence", async () => {
    const dir = await makeTempDir("are-k8s-");
    await mkdir(path.join(dir, CART), { recursive: true });
    await mkdir(path.join(dir, LEDGER), { recursive: true });
    const cart = path.join(dir, CART, "0.log");
    const ledger = path.join(dir, LEDGER, "0.log");
    const big = body("", 40 * 1024);
    await writeFile(
      cart,
      Buffer.concat([
        criRecords(body("Throttling")),
        criRecords(big, everyBytes(big, 16 * 1024)),
        criRecords(body("Throttling"), [], "stderr"),
      ]),
    );
    await writeFile(
      ledger,
      Buffer.concat([dockerRecords(body("InternalError")), Buffer.from("not a record\n")]),
    );

    // Run 1: both formats decided per file, labels from the paths.
    const run1 = await startDaemon(dir);
    let s = await readAll(run1.url, dir, [`${CART}/0.log`, `${LEDGER}/0.log`], 4);
    expect(s.records).toMatchObject({ response: 4, malformed: 1 });
    expect(byPod(await samplesOf(run1.url))).toEqual({
      "shop/app/cart/Throttling": 2,
      "shop/app/cart/": 1,
      "bank/main/ledger/InternalError": 1,
    });
    // The runtime's stream is shown with an error's details, never as a label.
    const recent = (await (await fetch(`${run1.url}/api/v1/recent-errors`)).json()) as {
      errors: { code: string; source: string; stream?: string }[];
    };
    expect(recent.errors.map((e) => [e.code, e.stream]).sort()).toEqual([
      ["InternalError", "stdout"],
      ["Throttling", "stderr"],
      ["Throttling", "stdout"],
    ]);
    expect((await samplesOf(run1.url)).some((x) => "stream" in x.labels)).toBe(false);
    expect(await (await fetch(`${run1.url}/`)).text()).toContain("pods · stderr");

    // kubelet rotates: the file is renamed (out of the glob) and a new 0.log is started; later
    // the rotated file is gzipped and the uncompressed copy removed.
    await appendFile(cart, criRecords(body("Forbidden")));
    const rotated = path.join(dir, CART, "0.log.20261201-080000");
    await rename(cart, rotated);
    await writeFile(cart, criRecords(body("")));
    s = await waitUntil(
      "the rotated file read and released",
      () => snapshot(run1.url, "pods"),
      (x) => x.responses >= 6 && x.rotations >= 1 && x.filesWatched === 2,
      20_000,
    );
    await writeFile(`${rotated}.gz`, gzipSync(await readFile(rotated)));
    await unlink(rotated);

    // A stop in the middle of a partial sequence: its records were read, the line is not finished.
    const cut = body("Throttling", 3000);
    await appendFile(cart, Buffer.from(`2026-12-01T08:00:01Z stdout P ${cut.slice(0, 1000)}\n`));
    await appendFile(cart, Buffer.from(`2026-12-01T08:00:01Z stdout P ${cut.slice(1000, 2000)}\n`));
    s = await readAll(run1.url, dir, [`${CART}/0.log`, `${LEDGER}/0.log`], 6);
    const first = byPod(await samplesOf(run1.url));
    expect(first).toEqual({
      "shop/app/cart/Throttling": 2,
      "shop/app/cart/": 2,
      "shop/app/cart/Forbidden": 1,
      "bank/main/ledger/InternalError": 1,
    });
    expect((await run1.cli.stop()).code).toBe(0);

    // The runtime finishes the line while the exporter is down; run 2 reads it from its first record.
    await appendFile(cart, Buffer.from(`2026-12-01T08:00:01Z stdout F ${cut.slice(2000)}\n`));
    await appendFile(cart, criRecords(body("InternalError")));
    const run2 = await startDaemon(dir);
    // Read from the checkpoints on: the last two lines counted means all before them was read.
    s = await waitUntil(
      "2 responses",
      () => snapshot(run2.url, "pods"),
      (x) => x.responses >= 2,
      20_000,
    );
    const second = byPod(await samplesOf(run2.url));
    expect(second).toEqual({ "shop/app/cart/Throttling": 1, "shop/app/cart/InternalError": 1 });
    expect(s.records).toMatchObject({ response: 2, malformed: 0, non_response: 0 });
    // Nothing lost, nothing twice: the two runs together counted every response written.
    expect(add(first, second)).toEqual({
      "shop/app/cart/Throttling": 3,
      "shop/app/cart/": 2,
      "shop/app/cart/Forbidden": 1,
      "shop/app/cart/InternalError": 1,
      "bank/main/ledger/InternalError": 1,
    });
    expect((await run2.cli.stop()).code).toBe(0);
  }, 60_000);
});
