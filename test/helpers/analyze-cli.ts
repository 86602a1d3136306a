/**
 * Runs the built CLI's `analyze --json --events` on a real file written under os.tmpdir(), the way
 * a user would, and splits its output into the events (README "Commands": one NDJSON object per
 * response, in input order) and the summary (the last line, the `--json` object).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CLI } from "./cli-process.js";

export type Json = Record<string, unknown>;

export interface Analysis {
  readonly code: number | null;
  readonly events: Json[];
  readonly summary: Json;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface AnalyzeOptions {
  /** Extra flags (`--format cri`, `--no-redact`, `--config FILE`). */
  readonly args?: readonly string[];
  /** A config file's text (YAML/JSON), passed as `--config`. */
  readonly config?: string;
  readonly timeoutMs?: number;
  /** `false`: no `--events` (only the summary; `analyze` may then split a big file over two threads). */
  readonly events?: boolean;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** `analyze --json --events` of `content` (a string is written as UTF-8, a Buffer as is). */
export function analyzeText(content: string | Buffer, options: AnalyzeOptions = {}): Analysis {
  const dir = mkdtempSync(path.join(tmpdir(), "are-review-"));
  try {
    const file = path.join(dir, "input.log");
    writeFileSync(file, content);
    const args = [
      CLI,
      "analyze",
      "--json",
      ...(options.events === false ? [] : ["--events"]),
      ...(options.args ?? []),
    ];
    if (options.config !== undefined) {
      const cfg = path.join(dir, "config.yaml");
      writeFileSync(cfg, options.config);
      args.push("--config", cfg);
    }
    args.push(file);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, {
      cwd: dir,
      encoding: "utf8",
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, TZ: "UTC", ...options.env },
    });
    const ms = Date.now() - t0;
    const lines = r.stdout.split("\n").filter((l) => l.length > 0);
    const parsed = lines.map((l) => JSON.parse(l) as Json);
    const summary = parsed.pop() ?? {};
    return { code: r.status, events: parsed, summary, stdout: r.stdout, stderr: r.stderr, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The members of each event the tests compare (the rest: time, source … are checked where needed). */
export function pick(events: readonly Json[], keys: readonly string[]): Json[] {
  return events.map((e) => Object.fromEntries(keys.map((k) => [k, e[k]])));
}
