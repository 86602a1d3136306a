/**
 * The files a valid config names, checked the same way for `check-config`, `run` and a reload
 * (README "Configuration"): error-code catalogues, TLS certificate and key, the basic-auth password
 * file and the checkpoint directory. Each problem is one line with its config path.
 */
import { accessSync, constants, mkdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { UsageError } from "../core/errors.js";
import { readCatalogFile } from "../extract/catalog-file.js";
import type { Config } from "./schema.js";

/** `check-config` removes the directories it created to prove they can be; `run` keeps them. */
export type DirMode = "probe" | "create";

/** Every problem with the files `config` names (empty when all are usable). */
function referencedFileProblems(config: Config, dirMode: DirMode): string[] {
  const problems: string[] = [];
  config.errorCodes.files.forEach((file, i) => {
    try {
      readCatalogFile(file);
    } catch (e) {
      const err = e as UsageError;
      for (const p of err.problems ?? [err.message]) problems.push(`errorCodes.files.${i}: ${p}`);
    }
  });
  const tls = config.server.tls;
  if (tls !== null) {
    const cert = readProblem(problems, "server.tls.certFile", tls.certFile);
    const key = readProblem(problems, "server.tls.keyFile", tls.keyFile);
    if (cert !== undefined && key !== undefined) {
      try {
        createSecureContext({ cert, key });
      } catch (e) {
        problems.push(`server.tls: unusable certificate or key: ${(e as Error).message}`);
      }
    }
  }
  const auth = config.server.basicAuth;
  if (auth !== null) {
    const password = readProblem(problems, "server.basicAuth.passwordFile", auth.passwordFile);
    if (password !== undefined && password.toString("utf8").replace(/\r?\n$/, "") === "")
      problems.push(`server.basicAuth.passwordFile: ${auth.passwordFile} is empty`);
  }
  if (config.checkpoint.dir !== null) {
    const problem = directoryProblem(config.checkpoint.dir, dirMode);
    if (problem !== null) problems.push(`checkpoint.dir: ${problem}`);
  }
  return problems;
}

/** Throws one UsageError listing every problem of the referenced files. */
export function checkReferencedFiles(config: Config, dirMode: DirMode, where = ""): void {
  const problems = referencedFileProblems(config, dirMode);
  if (problems.length === 0) return;
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  throw new UsageError(`invalid configuration${where} (${count})`, problems);
}

function readProblem(problems: string[], key: string, file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    problems.push(`${key}: cannot read ${file}: ${reason(e)}`);
    return undefined;
  }
}

/**
 * A writable directory at `dir`, made one level at a time: a recursive mkdir under /proc loops for
 * ever (each level says ENOENT), so the first level that cannot be made is the answer, at once.
 */
function directoryProblem(dir: string, mode: DirMode): string | null {
  const parts = dir.split("/").filter((p) => p !== "");
  const made: string[] = [];
  let problem: string | null = null;
  let current = "";
  for (const part of parts) {
    current = `${current}/${part}`;
    try {
      if (!statSync(current).isDirectory()) {
        problem = `cannot use ${dir}: ${current} is not a directory`;
        break;
      }
      continue;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        problem = `cannot use ${dir}: ${reason(e)}`;
        break;
      }
    }
    try {
      mkdirSync(current);
      made.push(current);
    } catch (e) {
      problem = `cannot create ${dir}: ${reason(e)} (at ${current})`;
      break;
    }
  }
  if (problem === null) {
    try {
      accessSync(dir, constants.W_OK);
    } catch (e) {
      problem = `cannot write to ${dir}: ${reason(e)}`;
    }
  }
  if (mode === "probe" || problem !== null) for (const d of made.reverse()) rmdirSync(d);
  return problem;
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EROFS":
      return "read-only file system";
    default:
      return err.message;
  }
}
