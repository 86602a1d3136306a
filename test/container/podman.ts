/**
 * A real container engine for the image test: Debian's podman with runc, set up the way README
 * "Docker" → "Building without a registry" describes (chroot isolation for builds, a containers.conf
 * without default ulimits for runs). Every container, volume and image made here is tracked, so
 * `removeAll()` in an afterAll removes them even when a test failed; the base image is kept.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { findExecutable } from "../helpers/prometheus-binaries.js";

export const REPO = path.resolve(import.meta.dirname, "../..");
const TMP = path.join(REPO, ".tmp");

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Whether the container tests run: always when CI=true (a missing podman then fails them), else only
 * when podman is on PATH, with a printed notice when it is not.
 */
export function podmanGate(what: string): { skip: boolean } {
  const found = findExecutable("podman") !== undefined;
  if (!found && process.env.CI !== "true") {
    console.warn(
      `NOTICE: skipping ${what}: \`podman\` is not on PATH (Debian: apt-get install podman runc debootstrap). ` +
        "These tests are required when CI=true.",
    );
  }
  return { skip: !found && process.env.CI !== "true" };
}

/** Root may not raise the default ulimits on these machines; runc, not crun (hybrid cgroups). */
function containersConf(): string {
  mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, "containers.conf");
  writeFileSync(file, "[containers]\ndefault_ulimits = []\npids_limit = 0\n");
  return file;
}

let conf: string | undefined;

/** Runs a command to its end (killed after `timeoutMs`), optionally writing `input` to its stdin. */
export function exec(
  command: string,
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<Result> {
  conf ??= containersConf();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO,
      env: { ...process.env, CONTAINERS_CONF: conf },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `podman …` that must succeed; its stdout. */
export async function podman(
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number } = {},
) {
  const result = await exec("podman", args, options);
  if (result.code !== 0) {
    throw new Error(`podman ${args.join(" ")} exited ${result.code}:\n${result.stderr.slice(-2000)}`);
  }
  return result.stdout;
}

const made = { containers: new Set<string>(), volumes: new Set<string>(), images: new Set<string>() };
const unique = `${process.pid}-${Date.now().toString(36)}`;

/** A name for a container, volume or image, tracked for `removeAll()`. */
export function track(kind: keyof typeof made, base: string): string {
  const name = kind === "images" ? `localhost/${base}:${unique}` : `${base}-${unique}`;
  made[kind].add(name);
  return name;
}

/** Builds the Dockerfile unchanged (HEALTHCHECK kept: docker format; no layer cache left behind). */
export async function buildImage(tag: string): Promise<void> {
  await podman(
    [
      "build",
      "--isolation=chroot",
      "--network=host",
      "--format",
      "docker",
      "--layers=false",
      "-q",
      "-t",
      tag,
      ".",
    ],
    { timeoutMs: 600_000 },
  );
}

/** `podman run -d` with host networking; the container's name. */
export async function runDetached(name: string, image: string, args: readonly string[]): Promise<string> {
  await podman(["--runtime", "runc", "run", "-d", "--name", name, "--network=host", ...args, image]);
  return name;
}

/** `podman run --rm -i` to its end. */
export function runOnce(image: string, args: readonly string[], input: string | Buffer): Promise<Result> {
  return exec("podman", ["--runtime", "runc", "run", "--rm", "-i", "--network=host", image, ...args], {
    input,
    timeoutMs: 60_000,
  });
}

export async function removeAll(): Promise<void> {
  for (const name of made.containers) await exec("podman", ["rm", "-f", "-t", "0", name]);
  for (const name of made.volumes) await exec("podman", ["volume", "rm", "-f", name]);
  for (const name of made.images) await exec("podman", ["rmi", "-f", name]);
}
