/**
 * Why a glob matches no file, in words an on-call engineer can act on (README "When the exporter
 * sees nothing"): the directory is missing or is not one, the path is a directory, or nothing in
 * the directory has a matching name. Called when a source has no files, never per poll of a file.
 */
import { statSync } from "node:fs";
import { compileGlob } from "./glob.js";

export function noMatchHint(pattern: string): string {
  const glob = compileGlob(pattern);
  if (glob.segments.every((s) => s.kind === "literal")) {
    const kind = statKind(glob.pattern);
    if (kind === "directory")
      return `${glob.pattern} is a directory: give a glob such as ${glob.pattern}/*.log`;
    if (kind === "other") return `${glob.pattern} is not a regular file`;
  }
  const base = statKind(glob.base);
  if (base === "missing") return `directory ${glob.base} does not exist (or is not mounted)`;
  if (base !== "directory") return `${glob.base} is not a directory`;
  return `no file in ${glob.base} matches ${glob.pattern}`;
}

function statKind(path: string): "missing" | "file" | "directory" | "other" {
  try {
    const st = statSync(path);
    return st.isDirectory() ? "directory" : st.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}
