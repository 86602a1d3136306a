import { readFileSync } from "node:fs";
import { packageFile } from "./package-files.js";

/** package.json's version, written into the bundle by `scripts/build.mjs` (README "Build"). */
declare const BUILT_VERSION: string | undefined;

/** The package version: from the build, or (unbundled, in tests) read once from package.json. */
export const VERSION: string =
  typeof BUILT_VERSION === "string"
    ? BUILT_VERSION
    : (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
