/**
 * External binaries (Debian's `promtool` and `prometheus`) for tests: find them on PATH, decide
 * whether a test must run (always when CI=true) or may be skipped with a printed notice, and run a
 * command to completion with a time limit.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import * as path from "node:path";

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface BinaryGate {
  readonly name: string;
  /** Absolute path, or undefined when the binary is missing. */
  readonly path: string | undefined;
  /** True when the binary is missing and CI is not set: the suite is skipped (a notice is printed). */
  readonly skip: boolean;
}

/**
 * Looks a binary up once per test file. Missing with CI=true: not skipped, so `requireBinary` fails the
 * tests. Missing otherwise: skipped, with a console.warn saying what was skipped and why.
 */
export function externalBinary(name: string, what: string): BinaryGate {
  const found = findExecutable(name);
  const ci = process.env.CI === "true";
  if (!found && !ci) {
    console.warn(
      `NOTICE: skipping ${what}: \`${name}\` is not on PATH (Debian: apt-get install prometheus). ` +
        "These tests are required when CI=true.",
    );
  }
  return { name, path: found, skip: !found && !ci };
}

export function requireBinary(gate: BinaryGate): string {
  if (!gate.path) {
    throw new Error(
      `\`${gate.name}\` is required when CI=true but is not on PATH (apt-get install prometheus)`,
    );
  }
  return gate.path;
}

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`) and collects its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
