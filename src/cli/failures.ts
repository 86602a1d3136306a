/**
 * How a failure reaches the user (README "Commands", exit codes): a usage or config problem is its
 * message and problems, exit 2; a known runtime failure (port in use, permission denied, a missing
 * file) is one line saying what and where, exit 1; anything else keeps its stack, exit 1.
 */
import { formatUsageError, UsageError } from "../core/errors.js";
import { PROGRAM } from "./args.js";

export interface Failure {
  readonly text: string;
  readonly exitCode: 1 | 2;
}

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available on this host",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EMFILE: "too many open files",
  ENOTFOUND: "unknown host",
  EAI_AGAIN: "host name lookup failed",
};

export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { text: formatUsageError(error, PROGRAM), exitCode: 2 };
  const err = error as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const reason = typeof err?.code === "string" ? REASONS[err.code] : undefined;
  if (reason === undefined) return { text: `${PROGRAM}: ${err?.stack ?? String(error)}\n`, exitCode: 1 };
  let what: string;
  if (
    err.syscall === "listen" ||
    err.syscall === "bind" ||
    err.code === "ENOTFOUND" ||
    err.code === "EAI_AGAIN"
  ) {
    const host = err.hostname ?? err.address ?? "";
    what = `cannot listen on ${host}${err.port === undefined ? "" : `:${err.port}`}`;
  } else if (err.path !== undefined) {
    what = `cannot ${err.syscall ?? "use"} ${err.path}`;
  } else {
    what = err.syscall === undefined ? "failed" : `${err.syscall} failed`;
  }
  return { text: `${PROGRAM}: ${what}: ${reason}\n`, exitCode: 1 };
}
