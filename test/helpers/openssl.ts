/**
 * openssl for the TLS tests: whether it is there (required when CI=true, else the TLS tests are
 * skipped with a notice), and a throw-away self-signed certificate and key in a folder.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** True when the TLS tests of `file` must be skipped; throws when openssl is missing and CI=true. */
export function skipWithoutOpenssl(file: string): boolean {
  const missing = !hasOpenssl();
  if (missing && process.env.CI === "true") {
    throw new Error("openssl is required for the TLS tests when CI=true (apt-get install openssl)");
  }
  if (missing) console.warn(`NOTICE: ${file}: openssl not found, TLS tests skipped`);
  return missing;
}

/** Writes `cert.pem` and `key.pem` (EC P-256, 2 days) into `dir`; `extra` adds openssl req arguments. */
export function selfSignedCert(dir: string, subject: string, extra: readonly string[] = []): void {
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2"],
      ...["-subj", subject, ...extra],
    ],
    { stdio: "ignore" },
  );
}
