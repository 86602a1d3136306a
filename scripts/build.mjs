#!/usr/bin/env node
/**
 * `npm run build` (README "Build"): bundles the CLI into dist/ with esbuild: dist/cli.js,
 * dist/worker.js (analyze's second thread) and the chunks they share, all in dist/ so that
 * `new URL("./worker.js", import.meta.url)` and the package root (`..`) hold from any of them.
 * Code splitting keeps every `import()` lazy: `analyze` never loads the config, the HTTP server or
 * prom-client unless asked. What can be known at build time is written into the code: the version
 * and the shipped error-code catalogue, validated (so `analyze` reads no package.json, no YAML
 * parser, no schema library). Type checking is `npm run typecheck` (tsc); esbuild only strips types.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");

/** CommonJS packages stay outside the bundle (ESM output cannot `require` their builtins); each is
 * loaded only by the command that uses it. */
const EXTERNAL = ["pino", "prom-client", "sax", "yaml"];

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
const cli = {
  ...common,
  outdir: DIST,
  external: EXTERNAL,
  sourcemap: true,
  define: {
    BUNDLED: "true",
    BUILT_VERSION: JSON.stringify(pkg.version),
    // A JSON string in the code: parsed once, faster than an object literal.
    BUILT_CATALOG: JSON.stringify(JSON.stringify(catalog)),
  },
};
await build({
  ...cli,
  entryPoints: { cli: join(ROOT, "src/cli.ts"), worker: join(ROOT, "src/analyze/worker.ts") },
  splitting: true,
});

// A CommonJS package bundled into ESM output fails only when it runs (`Dynamic require of "process"
// is not supported`): such a package belongs in EXTERNAL.
for (const file of readdirSync(DIST).filter((f) => f.endsWith(".js"))) {
  if (/\b__require\(/.test(readFileSync(join(DIST, file), "utf8")))
    throw new Error(
      `dist/${file} requires a CommonJS module: add its package to EXTERNAL in scripts/build.mjs`,
    );
}
