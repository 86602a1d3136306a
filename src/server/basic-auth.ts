import { createHash, timingSafeEqual } from "node:crypto";

export interface BasicAuthCredentials {
  readonly username: string;
  readonly password: string;
}

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * A checker for `Authorization: Basic …` built once at start-up. Both parts are compared as SHA-256
 * digests with timingSafeEqual, so neither the comparison time nor an early exit on the user name
 * tells an attacker how close a guess was.
 */
export function basicAuthChecker(credentials: BasicAuthCredentials): (header: string | undefined) => boolean {
  const user = digest(credentials.username);
  const pass = digest(credentials.password);
  return (header) => {
    const match = /^\s*basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header ?? "");
    const decoded = match?.[1] === undefined ? "" : Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const okUser = timingSafeEqual(digest(colon < 0 ? "" : decoded.slice(0, colon)), user);
    const okPass = timingSafeEqual(digest(colon < 0 ? "" : decoded.slice(colon + 1)), pass);
    return colon >= 0 && okUser && okPass;
  };
}
