/**
 * The bundle (README "Build"): what `analyze` loads at start-up is what its static imports reach
 * from dist/cli.js and from the chunk of src/analyze/command.ts. None of that may be the config
 * (zod, yaml), pino, prom-client or worker_threads: each is a lazy `import()` of a command or a
 * branch that needs it, and a static import slipped in would cost every `analyze` its start-up.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/cli-process.js";

const DIST = join(REPO, "dist");
const read = (file: string): string => readFileSync(join(DIST, file), "utf8");

/** dist files reached from `entry` by static imports (dynamic `import()` calls are not followed). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of read(file).matchAll(/^(?:import|} from|export \* from)[^"\n]*"\.\/([^"]+)"/gm))
      todo.push(m[1] as string);
  }
  return seen;
}

/** The bare module names (packages, node: builtins) that `files` import statically. */
function externals(files: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const f of files)
    for (const m of read(f).matchAll(/^(?:import|} from)[^"\n]*"([^".][^"]*)"/gm)) out.add(m[1] as string);
  return out;
}

/** Sources and packages bundled into `files`, from esbuild's `// path` markers. */
function bundled(files: Set<string>): string[] {
  return [...files].flatMap((f) =>
    [...read(f).matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1] as string),
  );
}

describe("the bundle", () => {
  const chunks = readdirSync(DIST).filter((f) => f.endsWith(".js"));
  const analyzeChunk = chunks.find((f) => read(f).includes("\n// src/analyze/command.ts\n"));

  it("is dist/cli.js, dist/worker.js and chunks, with analyze in a chunk of its own", () => {
    expect(chunks).toContain("cli.js");
    expect(chunks).toContain("worker.js");
    expect(analyzeChunk).toBeDefined();
    expect(read("cli.js").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(bundled(staticGraph("cli.js"))).not.toContain("src/analyze/command.ts");
  });

  it("loads no config, logger, metrics library or worker at the start of analyze", () => {
    const files = staticGraph("cli.js");
    for (const f of staticGraph(analyzeChunk as string)) files.add(f);
    const sources = bundled(files);
    expect(sources).toContain("src/pipeline.ts");
    expect(
      sources.filter((s) => /^src\/(config|metrics|server)\/|^node_modules\/(zod|yaml)\//.test(s)),
    ).toEqual([]);
    const imported = [...externals(files)];
    expect(imported).toContain("node:fs");
    for (const lazy of [
      "pino",
      "prom-client",
      "yaml",
      "zod",
      "node:worker_threads",
      "node:crypto",
      "node:stream",
    ])
      expect(imported, lazy).not.toContain(lazy);
  });

  it("holds the version and the validated catalogue instead of reading them", () => {
    const files = staticGraph("cli.js");
    for (const f of staticGraph(analyzeChunk as string)) files.add(f);
    const code = [...files].map(read).join("\n");
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(code).toContain(JSON.stringify(pkg.version));
    expect(code).toContain("InvalidAccessKeyId.NotFound");
    expect(chunks.some((f) => f.endsWith(".json"))).toBe(false);
  });
});
