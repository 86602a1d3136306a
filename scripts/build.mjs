#!/usr/bin/env node
/**
 * `npm run build` (README "Build"): bundles the CLI into dist/ with esbuild. One file per entry
 * (dist/cli.js, dist/worker.js for analyze's second thread) plus shared chunks, all in dist/ so
 * that `new URL("./worker.js", import.meta.url)` and the package root (`..`) hold from any of them.
 * Code splitting keeps every `import()` lazy: `analyze` never loads the config, the HTTP server or
 * prom-client unless asked. What can be known at build time is written into the code: the version
 * and the shipped error-code catalogue, validated (so `analyze` reads no package.json, no YAML
 * parser, no schema library). Type checking is `npm run typecheck` (tsc); esbuild only strips types.
 */
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");

/** CommonJS packages stay outside the bundle (ESM output cannot `require` their builtins); each is
 * loaded only by the command that uses it. */
const EXTERNAL = ["pino", "prom-client", "sax"];

const common = { bundle: true, platform: "node", target: "node20", format: "esm", logLevel: "warning" };

/** The shipped catalogue, validated by the project's own reader (bundled to a file in dist/, run
 * once here, and removed with the rest of the old dist/). */
async function builtCatalog() {
  const helper = join(DIST, "build-catalog.mjs");
  await build({
    ...common,
    entryPoints: [join(ROOT, "src/extract/catalog-file.ts")],
    outfile: helper,
    packages: "external",
  });
  const { buildCatalog } = await import(pathToFileURL(helper).href);
  return buildCatalog(join(ROOT, "config/error-codes.yaml"));
}

const catalog = await builtCatalog();
rmSync(DIST, { recursive: true, force: true });
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
await build({
  ...common,
  entryPoints: { cli: join(ROOT, "src/cli.ts"), worker: join(ROOT, "src/analyze/worker.ts") },
  outdir: DIST,
  splitting: true,
  external: EXTERNAL,
  sourcemap: true,
  define: {
    BUNDLED: "true",
    BUILT_VERSION: JSON.stringify(pkg.version),
    BUILT_CATALOG: JSON.stringify(catalog),
  },
});
