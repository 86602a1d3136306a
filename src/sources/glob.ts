/**
 * A small glob matcher and directory walker: `*`, `?`, `**`, `[abc]`, `[a-z]`, `[!abc]`/`[^abc]`,
 * and `\` to escape. Node 20.20 has no `fs.promises.glob`, and `path.matchesGlob` prints an
 * ExperimentalWarning, so this is hand-written rather than a new dependency.
 *
 * Conventions (as in shells): wildcards do not match a leading `.` of a name unless the pattern's
 * segment starts with `.`; `**` matches zero or more directories, does not enter dot-directories
 * and does not follow symlinked directories (no loops); a trailing `**` means every file below.
 * Braces (`{a,b}`) are not supported: list several paths instead.
 */
import { readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";

type Segment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "globstar" }
  | { readonly kind: "wild"; readonly re: RegExp };

export interface Glob {
  /** The absolute pattern. */
  readonly pattern: string;
  /** The directory before the first wildcard: where new files can appear. */
  readonly base: string;
  readonly segments: readonly Segment[];
}

const MAX_DEPTH = 40;

export function compileGlob(pattern: string, cwd: string = process.cwd()): Glob {
  const absolute = resolve(cwd, pattern);
  const parts = absolute.split("/").filter((p) => p !== "");
  const segments: Segment[] = parts.map(compileSegment);
  if (segments.at(-1)?.kind === "globstar") segments.push(compileSegment("*"));
  const literals: string[] = [];
  for (const s of segments) {
    if (s.kind !== "literal") break;
    literals.push(s.value);
  }
  // The base is a directory: when the whole pattern is literal, it is the file's directory.
  if (literals.length === segments.length) literals.pop();
  return { pattern: absolute, base: `/${literals.join("/")}`, segments };
}

/** Does the absolute `path` match the glob? */
export function matchGlob(glob: Glob, path: string): boolean {
  const parts = resolve(path)
    .split("/")
    .filter((p) => p !== "");
  return matchFrom(glob.segments, 0, parts, 0);
}

/**
 * A predicate for `exclude` patterns: a pattern without `/` is matched against the file name
 * (`*.gz`), any other against the absolute path.
 */
export function compileExclude(
  patterns: readonly string[],
  cwd: string = process.cwd(),
): (path: string) => boolean {
  const byName: RegExp[] = [];
  const byPath: Glob[] = [];
  for (const p of patterns) {
    if (p.includes("/")) byPath.push(compileGlob(p, cwd));
    else {
      const s = compileSegment(p);
      byName.push(
        s.kind === "wild" ? s.re : new RegExp(`^${escapeRegExp(s.kind === "literal" ? s.value : "")}$`),
      );
    }
  }
  if (byName.length === 0 && byPath.length === 0) return () => false;
  return (path) => {
    const name = basename(path);
    return byName.some((re) => re.test(name)) || byPath.some((g) => matchGlob(g, path));
  };
}

export interface Expansion {
  /** Matching paths (files, or anything else the walk could not tell apart: the caller stats them). */
  readonly paths: string[];
  /** Directories that could not be read for a reason other than not existing. */
  readonly errors: Error[];
}

/** Walks the file system for the paths that match `glob`. Missing directories are not errors. */
export async function expandGlob(glob: Glob): Promise<Expansion> {
  const found = new Set<string>();
  const errors: Error[] = [];
  await walk("/", glob.segments, 0, 0, found, errors);
  return { paths: [...found], errors };
}

async function walk(
  dir: string,
  segs: readonly Segment[],
  i: number,
  depth: number,
  out: Set<string>,
  errors: Error[],
): Promise<void> {
  const seg = segs[i];
  if (seg === undefined) {
    out.add(dir);
    return;
  }
  if (seg.kind === "literal") {
    // No readdir for literal segments: a missing one shows up as ENOENT further down (or at stat).
    await walk(join(dir, seg.value), segs, i + 1, depth, out, errors);
    return;
  }
  const entries = await list(dir, errors);
  if (seg.kind === "wild") {
    const last = i === segs.length - 1;
    for (const e of entries) {
      if (!seg.re.test(e.name)) continue;
      if (last || e.isDirectory() || e.isSymbolicLink())
        await walk(join(dir, e.name), segs, i + 1, depth, out, errors);
    }
    return;
  }
  // globstar: zero directories, or one more real (non-symlink, non-dot) directory and stay here.
  await walk(dir, segs, i + 1, depth, out, errors);
  if (depth >= MAX_DEPTH) return;
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith("."))
      await walk(join(dir, e.name), segs, i, depth + 1, out, errors);
  }
}

type Dirent = { name: string; isDirectory(): boolean; isSymbolicLink(): boolean };

async function list(dir: string, errors: Error[]): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") errors.push(err as Error);
    return [];
  }
}

function matchFrom(segs: readonly Segment[], i: number, parts: readonly string[], j: number): boolean {
  for (; i < segs.length; i++, j++) {
    const seg = segs[i] as Segment;
    if (seg.kind === "globstar") {
      for (let k = j; k <= parts.length; k++) {
        if (matchFrom(segs, i + 1, parts, k)) return true;
        if (k < parts.length && (parts[k] as string).startsWith(".")) return false;
      }
      return false;
    }
    const part = parts[j];
    if (part === undefined) return false;
    if (seg.kind === "literal" ? seg.value !== part : !seg.re.test(part)) return false;
  }
  return j === parts.length;
}

function compileSegment(text: string): Segment {
  if (text === "**") return { kind: "globstar" };
  let re = "";
  let literal = "";
  let wild = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\" && i + 1 < text.length) {
      i++;
      literal += text[i];
      re += escapeRegExp(text[i] as string);
    } else if (c === "*") {
      wild = true;
      re += "[^/]*";
    } else if (c === "?") {
      wild = true;
      re += "[^/]";
    } else if (c === "[") {
      const cls = readClass(text, i);
      if (cls === null) {
        literal += c;
        re += "\\[";
      } else {
        wild = true;
        re += cls.re;
        i = cls.end;
      }
    } else {
      literal += c;
      re += escapeRegExp(c);
    }
  }
  if (!wild) return { kind: "literal", value: literal };
  // A leading dot must be matched literally (shell convention: `*.log` skips `.hidden.log`).
  const guard = text.startsWith(".") ? "" : "(?!\\.)";
  return { kind: "wild", re: new RegExp(`^${guard}${re}$`, "s") };
}

/** `[...]` starting at `start`, or null when it is not closed (then `[` is literal). */
function readClass(text: string, start: number): { re: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (text[i] === "!" || text[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "]" && !first) return { re: `[${negate ? "^/" : ""}${body}]`, end: i };
    first = false;
    if (c === "\\" && i + 1 < text.length) {
      i++;
      body += escapeClassChar(text[i] as string);
    } else if (c === "-" && body !== "" && text[i + 1] !== "]") body += "-";
    else body += escapeClassChar(c);
  }
  return null;
}

function escapeClassChar(c: string): string {
  return /[\\\]^-]/.test(c) ? `\\${c}` : c;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
