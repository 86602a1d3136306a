#!/usr/bin/env node
/**
 * Deterministic benchmark corpus for `analyze` (issue 2, "Performance").
 *
 *   node test/bench/generate.mjs [--scale 1.0] [--out test/bench/data] [--seed 20261129]
 *
 * Writes ndjson.log, pino.log, xml.log, pretty.log, huge.json, cri.log, docker.log, plus truth.json
 * (per file, the exact `analyze --json` object expected) and corpus.json (seed, scale, extra facts).
 * corpus.json is written last, so its presence means the corpus is complete. Sizes at scale 1: 200,
 * 200, 100, 50 and 100 MiB; cri.log and docker.log hold the very bodies of ndjson.log (same draws)
 * wrapped by a container runtime, so their times compare with ndjson.log's (the decoder's cost).
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { errorBody, scalingGroup, successBody, toXml } from "./lib/bodies.mjs";
import { draws } from "./lib/prng.mjs";
import { CATALOG_STATUS, Truth } from "./lib/truth.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT = join(HERE, "data");
export const DEFAULT_SEED = 20261129;
const MiB = 1024 * 1024;
/** File name, size at scale 1 in MiB (of the bodies, for the wrapped files), writer, draw stream. */
const FILES = [
  ["ndjson.log", 200, writeNdjson, 0],
  ["pino.log", 200, writePino, 1],
  ["xml.log", 100, writeXml, 2],
  ["pretty.log", 50, writePretty, 3],
  ["huge.json", 100, writeHuge, 4],
  ["cri.log", 200, (out, ...rest) => writeWrapped(out, criRecords, ...rest), 0],
  ["docker.log", 200, (out, ...rest) => writeWrapped(out, dockerRecords, ...rest), 0],
];
const ERROR_SHARE = 0.1;

/** Buffered writer that counts the UTF-8 bytes it wrote. */
class Out {
  constructor(path) {
    this.fd = openSync(path, "w");
    this.parts = [];
    this.pending = 0;
    this.bytes = 0;
  }
  write(s) {
    this.parts.push(s);
    const n = Buffer.byteLength(s);
    this.pending += n;
    this.bytes += n;
    if (this.pending >= 4 * MiB) this.flush();
  }
  flush() {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.pending = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
    return this.bytes;
  }
}

/**
 * An Out that writes each line as container-runtime records; `bytes` counts the lines' own bytes,
 * so a writer stops after the same bodies as on a plain Out.
 */
class Wrapped {
  constructor(out, wrap) {
    this.out = out;
    this.wrap = wrap;
    this.bytes = 0;
    this.time = TIME0;
    this.records = 0;
  }
  write(s) {
    this.bytes += Buffer.byteLength(s);
    this.time += 7;
    const records = this.wrap(s.slice(0, -1), new Date(this.time).toISOString().replace("Z", "123456Z"));
    this.records += records.length;
    this.out.write(records.join(""));
  }
}

/** (f), (g): (a)'s lines as runtime records; `facts.records` is their count (the line-split floor's). */
function writeWrapped(out, wrap, target, d, truth, facts) {
  const wrapped = new Wrapped(out, wrap);
  writeNdjson(wrapped, target, d, truth, facts);
  facts.records = wrapped.records;
}

/**
 * Lines over 600 characters are written as two records (a partial one of 400 and the rest), so the
 * joining is measured too; the runtimes split only at 16 KiB, which these bodies never reach.
 */
function splitLine(line) {
  return line.length > 600 ? [line.slice(0, 400), line.slice(400)] : [line];
}

/** CRI (containerd, CRI-O): `TIME STREAM P|F content`. */
function criRecords(line, time) {
  const parts = splitLine(line);
  return parts.map((p, i) => `${time} stdout ${i === parts.length - 1 ? "F" : "P"} ${p}\n`);
}

/** Docker json-file: `{"log":"content\n","stream":…,"time":…}`, the `\n` only on a line's last record. */
function dockerRecords(line, time) {
  const parts = splitLine(line);
  return parts.map(
    (p, i) => `${JSON.stringify({ log: i === parts.length - 1 ? `${p}\n` : p, stream: "stdout", time })}\n`,
  );
}

/** (a) Raw bodies, one per line: ~90% success (200–800 B), ~10% errors over the six seed codes. */
function writeNdjson(out, target, d, truth, facts) {
  while (out.bytes < target) {
    if (d.chance(ERROR_SHARE)) {
      const { body, code } = errorBody(d);
      out.write(`${JSON.stringify(body)}\n`);
      truth.response(code, null);
    } else {
      const { body, trap } = successBody(d, d.int(200, 800));
      out.write(`${JSON.stringify(body)}\n`);
      truth.response("", null);
      if (trap) facts.trapBodies++;
    }
  }
}

const TIME0 = Date.parse("2026-11-29T10:00:00Z");

/**
 * (b) pino lines wrapping the body in `response`, with the HTTP status in the wrapper. About 4% are other
 * pino lines without a response (counted as non_response), some with header-style request ids or a nested
 * `code`, which are not request-id / response members.
 */
function writePino(out, target, d, truth, facts) {
  let time = TIME0;
  while (out.bytes < target) {
    time += d.int(1, 40);
    const base = { level: 30, time, pid: 1, hostname: "h" };
    if (d.chance(0.04)) {
      const kind = d.int(0, 2);
      const line =
        kind === 0
          ? { ...base, msg: "scaling tick", group: `asg-${d.alnum(20)}`, pending: d.int(0, 5) }
          : kind === 1
            ? {
                ...base,
                msg: "request sent",
                req: {
                  method: "POST",
                  url: "/?Action=DescribeScalingGroups&RegionId=cn-hangzhou",
                  headers: { "x-acs-request-id": d.requestId() },
                },
              }
            : {
                ...base,
                level: 40,
                msg: "retrying",
                attempt: d.int(1, 3),
                err: { type: "Error", message: "socket hang up", code: "ECONNRESET" },
              };
      out.write(`${JSON.stringify(line)}\n`);
      truth.nonResponse();
      facts.nonResponseLines++;
      continue;
    }
    if (d.chance(ERROR_SHARE)) {
      const { action, body, code } = errorBody(d);
      // Real gateways disagree with the catalogue (DESIGN §4): the wrapper's explicit status must win.
      const statusCode = code === "SignatureDoesNotMatch" && d.chance(1 / 3) ? 400 : CATALOG_STATUS[code];
      const line = { ...base, level: 50, msg: "aliyun call", action, statusCode, durationMs: d.int(5, 900) };
      line.response = body;
      out.write(`${JSON.stringify(line)}\n`);
      truth.response(code, statusCode);
    } else {
      const { action, body, trap } = successBody(d, d.int(200, 800));
      const line = { ...base, msg: "aliyun call", action, statusCode: 200, durationMs: d.int(5, 400) };
      line.response = body;
      out.write(`${JSON.stringify(line)}\n`);
      truth.response("", 200);
      if (trap) facts.trapBodies++;
    }
  }
}

/** (c) One XML document per line: `<{Action}Response>` successes (nested <Code> traps), `<Error>` errors. */
function writeXml(out, target, d, truth, facts) {
  while (out.bytes < target) {
    const r = d.next();
    const decl =
      r < 0.85
        ? '<?xml version="1.0" encoding="UTF-8"?>'
        : r < 0.95
          ? "<?xml version='1.0' encoding='UTF-8'?>"
          : "";
    if (d.chance(ERROR_SHARE)) {
      const { body, code } = errorBody(d);
      out.write(`${decl}${toXml("Error", body)}\n`);
      truth.response(code, null);
    } else {
      const { action, body, trap } = successBody(d, d.int(200, 800));
      out.write(`${decl}${toXml(`${action}Response`, body)}\n`);
      truth.response("", null);
      if (trap) facts.trapBodies++;
    }
  }
}

/** (d) `JSON.stringify(body, null, 2)` bodies back to back, half of them after a log prefix on their first line. */
function writePretty(out, target, d, truth, facts) {
  let time = TIME0;
  while (out.bytes < target) {
    time += d.int(1, 2000);
    let text;
    let code = "";
    if (d.chance(ERROR_SHARE)) {
      const e = errorBody(d);
      text = JSON.stringify(e.body, null, 2);
      code = e.code;
    } else {
      const s = successBody(d, d.int(200, 800));
      text = JSON.stringify(s.body, null, 2);
      if (s.trap) facts.trapBodies++;
    }
    const prefix = d.chance(0.5) ? `${new Date(time).toISOString()} INFO response: ` : "";
    out.write(`${prefix}${text}\n`);
    let lines = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
    truth.response(code, null, lines);
  }
}

/**
 * (e) One single-line DescribeScalingGroups body with the RequestId at the END, so a streaming parser must
 * hold its state across the whole document. 1% of the items carry a nested `Code`.
 */
function writeHuge(out, target, d, truth, facts) {
  const item = () => {
    const g = scalingGroup(d);
    if (d.chance(0.01)) g.LastActivity = { Code: d.pick(["200", "Success"]), Message: "ok" };
    return JSON.stringify(g);
  };
  // TotalCount comes first in the body, so size the item count from a first batch of items.
  const first = [];
  let firstBytes = 0;
  for (let i = 0; i < 1000; i++) {
    const s = item();
    first.push(s);
    firstBytes += Buffer.byteLength(s) + 1;
  }
  const count = Math.max(1, Math.round(target / (firstBytes / first.length)));
  out.write(`{"TotalCount":${count},"PageNumber":1,"PageSize":${count},"ScalingGroups":{"ScalingGroup":[`);
  for (let i = 0; i < count; i++) out.write(`${i > 0 ? "," : ""}${i < first.length ? first[i] : item()}`);
  out.write(`]},"RequestId":"${d.requestId()}"}\n`);
  truth.response("", null);
  facts.items = count;
}

export function generate({ scale = 1, out = DEFAULT_OUT, seed = DEFAULT_SEED, log = () => {} } = {}) {
  mkdirSync(out, { recursive: true });
  const truth = {};
  const files = {};
  FILES.forEach(([name, mib, write, stream]) => {
    const started = Date.now();
    const target = Math.max(1, Math.round(mib * MiB * scale));
    const o = new Out(join(out, name));
    const t = new Truth();
    const facts = { trapBodies: 0, nonResponseLines: 0 };
    // Each file has its own stream, so one file's content does not depend on another's size.
    write(o, target, draws(seed + stream * 7919), t, facts);
    const bytes = o.close();
    truth[name] = t.summary(bytes);
    files[name] = { bytes, responses: t.responses, ...facts };
    log(`${name}: ${(bytes / MiB).toFixed(1)} MiB, ${t.responses} responses, ${Date.now() - started} ms`);
  });
  writeFileSync(join(out, "truth.json"), `${JSON.stringify(truth, null, 2)}\n`);
  writeFileSync(join(out, "corpus.json"), `${JSON.stringify({ seed, scale, files }, null, 2)}\n`);
  return { truth, files };
}

function parseArgs(argv) {
  const opts = { scale: 1, out: DEFAULT_OUT, seed: DEFAULT_SEED };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === "--scale" && v !== undefined) opts.scale = Number(v);
    else if (a === "--out" && v !== undefined) opts.out = resolve(v);
    else if (a === "--seed" && v !== undefined) opts.seed = Number(v);
    else {
      console.error("usage: node test/bench/generate.mjs [--scale 1.0] [--out DIR] [--seed N]");
      process.exit(2);
    }
    i++;
  }
  if (!(opts.scale > 0) || !Number.isInteger(opts.seed)) {
    console.error("--scale must be > 0 and --seed an integer");
    process.exit(2);
  }
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  console.error(`generating corpus: scale ${opts.scale}, seed ${opts.seed}, into ${opts.out}`);
  generate({ ...opts, log: (m) => console.error(`  ${m}`) });
}
