import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { Catalog } from "../../../src/extract/catalog.js";
import { buildCatalog, readCatalogFile } from "../../../src/extract/catalog-file.js";
import { builtEntries, DEFAULT_CATALOG_PATH, loadCatalog } from "../../../src/extract/catalog-load.js";
import { loadCatalogSync } from "../../../src/extract/catalog-sync.js";

const SEED_CODES = [
  ["InvalidAccessKeyId.NotFound", 400],
  ["InvalidParameter", 400],
  ["MissingParameter", 400],
  ["NoSuchVersion", 400],
  ["ResourceNotAvailable", 400],
  ["Throttling", 400],
  ["UnsupportedOperation", 400],
  ["Forbidden", 403],
  ["Forbidden.RiskControl", 403],
  ["Forbidden.Unsubscribed", 403],
  ["Forbidden.UserVerification", 403],
  ["SignatureDoesNotMatch", 403],
  ["InternalError", 500],
  ["ServiceUnavailable", 503],
] as const;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "are-catalog-"));
}

describe("error-code catalogue", () => {
  it("ships the seed's 14 codes with their statuses, messages and descriptions", () => {
    const entries = readCatalogFile(DEFAULT_CATALOG_PATH);
    expect(entries.map((e) => [e.code, e.status])).toEqual(SEED_CODES.map(([c, s]) => [c, s]));
    for (const e of entries) {
      expect(e.message, e.code).toMatch(/\S/);
      expect(e.description, e.code).toMatch(/\S/);
    }
  });

  it("turns message templates into parameter matchers", () => {
    const catalog = loadCatalogSync();
    expect(
      catalog
        .get("InvalidParameter")
        ?.template?.exec("The specified value of parameter ScalingGroupId is not valid.")?.[1],
    ).toBe("ScalingGroupId");
    expect(
      catalog
        .get("MissingParameter")
        ?.template?.exec(
          "The input parameter RegionId that is mandatory for processing this request is not supplied.",
        )?.[1],
    ).toBe("RegionId");
    expect(catalog.get("Throttling")?.template).toBeNull();
  });

  it("lets later files and inline entries extend and override the defaults", async () => {
    const dir = tempDir();
    const extra = join(dir, "extra.yaml");
    writeFileSync(
      extra,
      "codes:\n  - code: Throttling\n    status: 429\n  - code: IncorrectScalingGroupStatus\n    status: 400\n    category: client_error\n",
    );
    const catalog = await loadCatalog(
      [extra],
      [{ code: "QuotaExceeded", status: 400, category: "throttling" }],
    );
    expect(catalog.get("Throttling")?.status).toBe(429);
    expect(catalog.get("IncorrectScalingGroupStatus")?.category).toBe("client_error");
    expect(catalog.get("QuotaExceeded")?.category).toBe("throttling");
    expect(catalog.get("InternalError")?.status).toBe(500);
  });

  it("reports every problem of a bad catalogue file with its path", () => {
    const dir = tempDir();
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "codes:\n  - code: ''\n    status: 99\n  - code: X\n    category: fatal\n    colour: red\n",
    );
    let error: unknown;
    try {
      readCatalogFile(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const problems = (error as UsageError).problems.join("\n");
    expect(problems).toContain("codes.0.code");
    expect(problems).toContain("codes.0.status");
    expect(problems).toContain("codes.1.category");
    expect(problems).toContain("codes.1");
    expect(problems).toMatch(/colour/);
    writeFileSync(bad, "codes: [\n");
    expect(() => readCatalogFile(bad)).toThrow(/not valid YAML/);
    expect(() => readCatalogFile(join(dir, "missing.yaml"))).toThrow(/cannot read/);
  });

  it("uses the built catalogue only while the YAML is unchanged", () => {
    const dir = tempDir();
    const yaml = join(dir, "error-codes.yaml");
    copyFileSync(DEFAULT_CATALOG_PATH, yaml);
    expect(builtEntries(yaml, undefined)).toBeNull();
    const built = buildCatalog(yaml);
    expect(builtEntries(yaml, built)).toEqual(readCatalogFile(yaml));
    writeFileSync(yaml, `${readFileSync(yaml, "utf8")}  - code: Added\n    status: 418\n`);
    expect(builtEntries(yaml, built)).toBeNull();
    expect(builtEntries(join(dir, "missing.yaml"), built)).toBeNull();
    expect(new Catalog(readCatalogFile(yaml)).get("Added")?.status).toBe(418);
  });
});
