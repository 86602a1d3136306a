import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileExclude, compileGlob, expandGlob, matchGlob } from "../../../src/sources/glob.js";
import { tempDir } from "../../helpers/tail-harness.js";

describe("matchGlob", () => {
  const cases: [pattern: string, path: string, matches: boolean][] = [
    ["/var/log/*.log", "/var/log/app.log", true],
    ["/var/log/*.log", "/var/log/app.log.1", false],
    ["/var/log/*.log", "/var/log/sub/app.log", false],
    ["/var/log/*.log", "/var/log/.hidden.log", false],
    ["/var/log/.*.log", "/var/log/.hidden.log", true],
    ["/var/log/app-?.log", "/var/log/app-1.log", true],
    ["/var/log/app-?.log", "/var/log/app-12.log", false],
    ["/var/log/app-[0-9].log", "/var/log/app-7.log", true],
    ["/var/log/app-[0-9].log", "/var/log/app-x.log", false],
    ["/var/log/app-[!0-9].log", "/var/log/app-x.log", true],
    ["/var/log/app-[^0-9].log", "/var/log/app-3.log", false],
    ["/var/log/app-[ab].log", "/var/log/app-b.log", true],
    ["/var/log/**/*.log", "/var/log/app.log", true],
    ["/var/log/**/*.log", "/var/log/a/b/c/app.log", true],
    ["/var/log/**/*.log", "/var/log/a/.git/app.log", false],
    ["/var/log/**", "/var/log/a/b/app.txt", true],
    ["/var/log/a*/x.log", "/var/log/abc/x.log", true],
    ["/var/log/\\*.log", "/var/log/*.log", true],
    ["/var/log/\\*.log", "/var/log/a.log", false],
    ["/var/log/[.log", "/var/log/[.log", true],
    ["/var/log/a.(b).log", "/var/log/a.(b).log", true],
  ];
  for (const [pattern, path, matches] of cases) {
    it(`${pattern} ${matches ? "matches" : "does not match"} ${path}`, () => {
      expect(matchGlob(compileGlob(pattern), path)).toBe(matches);
    });
  }

  it("resolves relative patterns against the given directory and finds the static base", () => {
    const g = compileGlob("logs/**/app-*.log", "/srv/app");
    expect(g.pattern).toBe("/srv/app/logs/**/app-*.log");
    expect(g.base).toBe("/srv/app/logs");
    expect(compileGlob("/var/log/app.log").base).toBe("/var/log");
  });
});

describe("compileExclude", () => {
  it("matches name-only patterns against the file name and others against the path", () => {
    const excluded = compileExclude(["*.gz", "/var/log/private/**"]);
    expect(excluded("/var/log/app.log.1.gz")).toBe(true);
    expect(excluded("/var/log/private/x/a.log")).toBe(true);
    expect(excluded("/var/log/app.log")).toBe(false);
    expect(compileExclude([])("/anything")).toBe(false);
  });
});

describe("expandGlob", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir("tail-glob-"));
    await mkdir(join(dir, "a", "b"), { recursive: true });
    await mkdir(join(dir, ".hidden"));
    for (const f of ["x.log", "y.txt", "a/z.log", "a/b/w.log", ".hidden/h.log"])
      await writeFile(join(dir, f), "");
  });
  afterEach(() => cleanup());

  const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1)).sort();

  it("lists the files of one directory", async () => {
    expect(rel((await expandGlob(compileGlob(join(dir, "*.log")))).paths)).toEqual(["x.log"]);
  });

  it("walks ** without entering dot-directories or following symlinked directories", async () => {
    await symlink(join(dir, "a"), join(dir, "loop"));
    const { paths, errors } = await expandGlob(compileGlob(join(dir, "**", "*.log")));
    expect(rel(paths)).toEqual(["a/b/w.log", "a/z.log", "x.log"]);
    expect(errors).toEqual([]);
  });

  it("follows a symlinked directory named by a non-** segment", async () => {
    await symlink(join(dir, "a"), join(dir, "link"));
    expect(rel((await expandGlob(compileGlob(join(dir, "l*", "*.log")))).paths)).toEqual(["link/z.log"]);
  });

  it("treats a missing directory as no files, not an error", async () => {
    const { paths, errors } = await expandGlob(compileGlob(join(dir, "nope", "*.log")));
    expect(paths).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("returns a literal path as is (the caller stats it)", async () => {
    expect(rel((await expandGlob(compileGlob(join(dir, "a", "z.log")))).paths)).toEqual(["a/z.log"]);
  });
});
