import { fileURLToPath } from "node:url";

/**
 * True in the bundle: `scripts/build.mjs` defines it (README "Build"). Unbundled (tests, `tsc`
 * output) it is not declared at all.
 */
declare const BUNDLED: boolean | undefined;

/**
 * A file of the installed package by its path from the package root. The bundle's files all sit
 * in dist/ (one level below the root); this module's source sits in src/core/ (two levels).
 */
export function packageFile(path: string): string {
  const up = typeof BUNDLED === "boolean" ? "../" : "../../";
  return fileURLToPath(new URL(`${up}${path}`, import.meta.url));
}
