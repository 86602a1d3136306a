/**
 * `healthcheck` against a real `run` with TLS and basic auth on a port that is not 9787: it reads the
 * same config as `run` (listen address, TLS) and exits 0 only when that exporter answers /healthz.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, cleanupCli, makeTempDir, runCli, spawnCli } from "../helpers/cli-process.js";
import { selfSignedCert, skipWithoutOpenssl } from "../helpers/openssl.js";

const opensslMissing = skipWithoutOpenssl("healthcheck.test.ts");

const PASSWORD = "hc-s3cret-do-not-print";

describe.skipIf(opensslMissing)("healthcheck", () => {
  let dir: string;
  let daemon: CliProcess;
  let port: string;
  const config = (name: string, server: string) => {
    const file = path.join(dir, name);
    const lines = [
      "listen: 127.0.0.1:0",
      "logLevel: info",
      "sources:",
      "  - name: app",
      '    paths: ["app.log"]',
    ];
    writeFileSync(file, `${[...lines, server].join("\n")}\n`);
    return file;
  };
  let secure: string;
  let plain: string;

  beforeAll(async () => {
    dir = await makeTempDir("are-healthcheck-");
    selfSignedCert(dir, "/CN=exporter.example");
    writeFileSync(path.join(dir, "password"), `${PASSWORD}\n`);
    writeFileSync(path.join(dir, "app.log"), "");
    secure = config(
      "secure.yaml",
      [
        "server:",
        "  tls: { certFile: cert.pem, keyFile: key.pem }",
        "  basicAuth: { username: prom, passwordFile: password }",
      ].join("\n"),
    );
    plain = config("plain.yaml", "");
    daemon = spawnCli(["run", "--config", secure], { cwd: dir });
    const url = await daemon.url(20_000);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    port = new URL(url).port;
  });
  afterAll(cleanupCli);

  const check = (...args: string[]) => runCli(["healthcheck", ...args], { cwd: dir });

  it("exits 0 for an exporter with TLS and basic auth on another port, 1 when asked over plain HTTP", async () => {
    const ok = await check("--config", secure, "--listen", `127.0.0.1:${port}`);
    expect(ok.code, ok.stderr).toBe(0);
    // The listen address comes from the environment as it does for `run` (the image sets it so).
    const viaEnv = await runCli(["healthcheck"], {
      cwd: dir,
      env: { ALIYUN_RESPONSE_EXPORTER_CONFIG: secure, ALIYUN_RESPONSE_EXPORTER_LISTEN: `127.0.0.1:${port}` },
    });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);

    const wrongScheme = await check("--config", plain, "--listen", `127.0.0.1:${port}`);
    expect(wrongScheme.code).toBe(1);
    expect(wrongScheme.stderr).toContain(`http://127.0.0.1:${port}/healthz`);
    for (const out of [ok, viaEnv, wrongScheme]) expect(out.stdout + out.stderr).not.toContain(PASSWORD);
  });

  it("exits 1 where nothing listens or the port is not fixed, 2 on a bad config", async () => {
    const zero = await check("--config", secure);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/listen 127\.0\.0\.1:0: no fixed port/);

    const stopped = await daemon.stop();
    expect(stopped.code).toBe(0);
    const refused = await check("--config", secure, "--listen", `127.0.0.1:${port}`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`https://127.0.0.1:${port}/healthz`);

    const bad = await check("--config", secure, "--listen", "nowhere");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--listen");
  });
});
