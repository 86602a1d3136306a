/**
 * `check-config` checks what `run` checks (issue 7 item 2): one table of broken configs, each fed
 * to both through the built CLI. Both must exit 2 at once with the same problem lines, each naming
 * its config path; `run` must not have started.
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupCli, makeTempDir, runCli } from "../helpers/cli-process.js";

afterEach(cleanupCli);

const SOURCE = "sources:\n  - name: app\n    paths: [logs/*.log]\n";

interface Case {
  readonly name: string;
  /** The config, after `listen: 127.0.0.1:0` and one source; may use files made by `setup`. */
  readonly yaml: string;
  readonly setup?: (dir: string) => Promise<void>;
  /** Every problem line expected (each a prefix of a line of stderr, after indentation). */
  readonly problems: readonly (string | RegExp)[];
}

const CASES: readonly Case[] = [
  {
    name: "a missing error-code catalogue",
    yaml: "errorCodes:\n  files: [extra-codes.yaml]\n",
    problems: [/^errorCodes\.files\.0: cannot read error-code catalogue .*extra-codes\.yaml/],
  },
  {
    name: "an invalid error-code catalogue",
    yaml: "errorCodes:\n  files: [bad-codes.yaml]\n",
    setup: (dir) =>
      writeFile(path.join(dir, "bad-codes.yaml"), "codes:\n  - code: X\n    status: 999\n  - status: 400\n"),
    problems: [
      /^errorCodes\.files\.0: .*bad-codes\.yaml: codes\.0\.status: /,
      /^errorCodes\.files\.0: .*bad-codes\.yaml: codes\.1\.code: /,
    ],
  },
  {
    name: "missing TLS files",
    yaml: "server:\n  tls: {certFile: tls/cert.pem, keyFile: tls/key.pem}\n",
    problems: [
      /^server\.tls\.certFile: cannot read .*tls\/cert\.pem: no such file/,
      /^server\.tls\.keyFile: cannot read .*tls\/key\.pem: no such file/,
    ],
  },
  {
    name: "a TLS certificate that is not one",
    yaml: "server:\n  tls: {certFile: cert.pem, keyFile: key.pem}\n",
    setup: async (dir) => {
      await writeFile(path.join(dir, "cert.pem"), "not a certificate\n");
      await writeFile(path.join(dir, "key.pem"), "not a key\n");
    },
    problems: [/^server\.tls: unusable certificate or key: /],
  },
  {
    name: "a missing password file",
    yaml: "server:\n  basicAuth: {username: prom, passwordFile: secret/password}\n",
    problems: [/^server\.basicAuth\.passwordFile: cannot read .*secret\/password: no such file/],
  },
  {
    name: "an empty password file",
    yaml: "server:\n  basicAuth: {username: prom, passwordFile: password}\n",
    setup: (dir) => writeFile(path.join(dir, "password"), "\n"),
    problems: [/^server\.basicAuth\.passwordFile: .*password is empty/],
  },
  {
    name: "an uncreatable checkpoint directory under /proc",
    yaml: "checkpoint:\n  dir: /proc/nonexistent/sub\n",
    problems: [
      "checkpoint.dir: cannot create /proc/nonexistent/sub: no such file or directory (at /proc/nonexistent)",
    ],
  },
  {
    name: "a checkpoint directory below a file",
    yaml: "checkpoint:\n  dir: plain-file/ckpt\n",
    setup: (dir) => writeFile(path.join(dir, "plain-file"), "x"),
    problems: [/^checkpoint\.dir: cannot use .*plain-file\/ckpt: .*plain-file is not a directory/],
  },
  {
    name: "every file problem at once, with a schema problem",
    yaml: "errorCodes:\n  files: [nope.yaml]\nserver:\n  basicAuth: {username: prom, passwordFile: nope}\ncheckpoint:\n  dir: /proc/nonexistent/sub\n",
    problems: [
      /^errorCodes\.files\.0: cannot read/,
      /^server\.basicAuth\.passwordFile: cannot read/,
      /^checkpoint\.dir: cannot create \/proc\/nonexistent\/sub/,
    ],
  },
];

function problemLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim());
}

describe("check-config and run reject the same configs with the same problems", () => {
  it.each(CASES)("$name", async ({ yaml, setup, problems }) => {
    const dir = await makeTempDir();
    await mkdir(path.join(dir, "logs"));
    await setup?.(dir);
    const file = path.join(dir, "config.yaml");
    await writeFile(file, `listen: 127.0.0.1:0\n${SOURCE}${yaml}`);

    const t0 = Date.now();
    const checked = await runCli(["check-config", file], { cwd: dir, timeoutMs: 10_000 });
    const run = await runCli(["run", "--config", file], { cwd: dir, timeoutMs: 10_000 });
    // At once: a recursive mkdir under /proc used to loop for ever here.
    expect(Date.now() - t0).toBeLessThan(8_000);

    for (const r of [checked, run]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`invalid configuration in ${file} (${problems.length} problem`);
      expect(r.stderr).not.toContain("aliyun-response-exporter started");
      const lines = problemLines(r.stderr);
      expect(lines).toHaveLength(problems.length);
      problems.forEach((p, i) => {
        if (typeof p === "string") expect(lines[i]).toBe(p);
        else expect(lines[i]).toMatch(p);
      });
    }
    expect(problemLines(checked.stderr)).toEqual(problemLines(run.stderr));
  });

  it("check-config leaves no directory behind when it proves a checkpoint directory can be made", async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, "config.yaml");
    await writeFile(file, `${SOURCE}checkpoint:\n  dir: state/ckpt\n`);
    const r = await runCli(["check-config", file], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${file}: ok (1 source, listen 0.0.0.0:9787)\n`);
    const { existsSync } = await import("node:fs");
    expect(existsSync(path.join(dir, "state"))).toBe(false);
  });
});
