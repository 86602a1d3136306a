/**
 * Runs a command as a child process and measures its wall time and peak RSS. Peak RSS comes from GNU
 * time (`/usr/bin/time -f %M -o FILE`, KiB): Node's spawnSync does not report the child's resource usage,
 * and process.resourceUsage() only covers the current process. Without GNU time, RSS is not measured.
 */
import { spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const GNU_TIME = "/usr/bin/time";

/** True when /usr/bin/time is GNU time and understands `-f %M -o FILE`. */
export function haveGnuTime() {
  try {
    accessSync(GNU_TIME, constants.X_OK);
  } catch {
    return false;
  }
  const probe = join(tmpdir(), `bench-time-probe-${process.pid}`);
  const r = spawnSync(GNU_TIME, ["-f", "%M", "-o", probe, "true"], { stdio: "ignore" });
  const ok = r.status === 0 && /^\d+\s*$/.test(safeRead(probe));
  rmSync(probe, { force: true });
  return ok;
}

function safeRead(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * One run: `{ ms, rssMiB, status, stdout, stderr }`. `ms` is measured around the whole child, so it
 * includes process start-up (about 70 ms for node), which only matters for small corpora. With
 * `stdinFile` the child's stdin is that file itself (no pipe, no `cat` process in the figures).
 */
export function timedRun(cmd, args, { gnuTime, stdinFile = null, timeoutMs = 30 * 60 * 1000 }) {
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}`);
  const [file, argv] = gnuTime ? [GNU_TIME, ["-f", "%M", "-o", rssFile, cmd, ...args]] : [cmd, args];
  const stdin = stdinFile === null ? "ignore" : openSync(stdinFile, "r");
  const started = process.hrtime.bigint();
  const r = spawnSync(file, argv, {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
    stdio: [stdin, "pipe", "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (stdin !== "ignore") closeSync(stdin);
  let rssMiB = null;
  if (gnuTime) {
    // On failure GNU time writes "Command exited with non-zero status N" before the value: take the last line.
    const last = safeRead(rssFile).trim().split("\n").at(-1) ?? "";
    if (/^\d+$/.test(last)) rssMiB = Number(last) / 1024;
    rmSync(rssFile, { force: true });
  }
  const status = r.error
    ? `${r.error.code ?? r.error.message}`
    : r.status === null
      ? `signal ${r.signal}`
      : r.status;
  return { ms, rssMiB, status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Reads a file once so every timed run starts with it in the page cache. */
export function warmPageCache(path) {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(1024 * 1024);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0) {
      // reading is the point
    }
  } finally {
    closeSync(fd);
  }
}

/** True when `name` resolves to an executable on PATH. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
