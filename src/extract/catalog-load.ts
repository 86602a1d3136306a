/**
 * Loading the error-code catalogue (README "What counts as a response"): the shipped catalogue,
 * then the config's extra files, then its inline entries, later ones winning. The shipped one comes
 * from the copy validated at build time while its YAML is unchanged, so that `analyze` loads neither
 * the YAML parser nor the schema library (`catalog-file.ts`, imported only when a file is read).
 */
import { readFileSync } from "node:fs";
import { packageFile } from "../core/package-files.js";
import { Catalog } from "./catalog.js";
import type { BuiltCatalog } from "./catalog-file.js";
import type { CatalogEntry } from "./catalog-schema.js";

/** The catalogue shipped with the exporter (the source of truth; users may edit it). */
export const DEFAULT_CATALOG_PATH = packageFile("config/error-codes.yaml");

/** Reads and validates one catalogue file: `readCatalogFile` of `catalog-file.ts`. */
type CatalogFileReader = (path: string) => CatalogEntry[];

/**
 * A BuiltCatalog as JSON text, written into the bundle by `scripts/build.mjs` (README "Build"):
 * `analyze` then needs neither the YAML nor the schema library (~100 ms of a ~250 ms start).
 * Unbundled it is not declared at all.
 */
declare const BUILT_CATALOG: string | undefined;

/**
 * The built entries while `yamlPath` still holds the text they were built from, else null (no
 * build, or the YAML was edited since: then it is read as YAML).
 */
export function builtEntries(
  yamlPath = DEFAULT_CATALOG_PATH,
  built: BuiltCatalog | undefined = typeof BUILT_CATALOG === "string"
    ? (JSON.parse(BUILT_CATALOG) as BuiltCatalog)
    : undefined,
): CatalogEntry[] | null {
  if (built === undefined) return null;
  try {
    return readFileSync(yamlPath, "utf8") === built.yaml ? [...built.codes] : null;
  } catch {
    return null;
  }
}

/**
 * The default catalogue, then extra files, then extra entries (later ones win). The files are read
 * only when the built copy cannot serve; each is validated, and problems are thrown as one
 * UsageError listing each with its path.
 */
export async function loadCatalog(
  extraFiles: readonly string[] = [],
  extraCodes: readonly CatalogEntry[] = [],
): Promise<Catalog> {
  const built = extraFiles.length === 0 ? builtEntries() : null;
  if (built !== null) return new Catalog([...built, ...extraCodes]);
  const { readCatalogFile } = await import("./catalog-file.js");
  return readCatalog(readCatalogFile, extraFiles, extraCodes);
}

/** loadCatalog without the built copy: every file read with `read`, in the same order. */
export function readCatalog(
  read: CatalogFileReader,
  extraFiles: readonly string[] = [],
  extraCodes: readonly CatalogEntry[] = [],
): Catalog {
  const entries = [DEFAULT_CATALOG_PATH, ...extraFiles].flatMap((file) => read(file));
  return new Catalog([...entries, ...extraCodes]);
}
