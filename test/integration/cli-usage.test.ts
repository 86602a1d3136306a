/**
 * The command line as a new user meets it (issue 7 item 1): every usage error with its exit code and
 * message, `--help` on the program and on every command listing every flag with its default,
 * `version`, known runtime failures in one line, and a closed stdout that ends `analyze` quietly.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.js";
import { VERSION } from "../../src/core/version.js";
import { CLI, cleanupCli, makeTempDir, REPO, runCli, spawnCli } from "../helpers/cli-process.js";
import { responseBody } from "../helpers/cli-responses.js";

afterEach(cleanupCli);

const USAGE_ERRORS: readonly { args: string[]; message: RegExp }[] = [
  { args: ["anaylze", "x.log"], message: /unknown command "anaylze", did you mean "analyze"\?/ },
  {
    args: ["chek-config", "c.yaml"],
    message: /unknown command "chek-config", did you mean "check-config"\?/,
  },
  { args: ["stats"], message: /unknown command "stats"; to read a file of that name: .* run stats/ },
  { args: ["help", "anaylze"], message: /unknown command "anaylze", did you mean "analyze"\?/ },
  {
    args: ["run", "--lisen", "127.0.0.1:0"],
    message: /unknown option --lisen for run, did you mean --listen\?/,
  },
  { args: ["analyze", "--jsno", "-"], message: /unknown option --jsno for analyze, did you mean --json\?/ },
  {
    args: ["analyze", "--bogus", "-"],
    message: /unknown option --bogus for analyze \(see .* analyze --help\)/,
  },
  { args: ["check-config", "--bogus", "c.yaml"], message: /unknown option --bogus for check-config/ },
  { args: ["run", "--config"], message: /--config needs a value \(FILE\)/ },
  {
    args: ["run", "--start-at", "middle", "x.log"],
    message: /--start-at: expected one of beginning\|end, got "middle"/,
  },
  { args: ["run", "--json=1"], message: /unknown option --json for run/ },
  { args: ["analyze", "--json=yes", "-"], message: /--json takes no value/ },
  { args: ["check-config"], message: /check-config takes exactly one FILE/ },
  { args: ["check-config", "a.yaml", "b.yaml"], message: /check-config takes exactly one FILE/ },
  { args: ["version", "extra"], message: /version takes no arguments/ },
];

describe("usage errors", () => {
  it.each(USAGE_ERRORS)("$args: exit 2, one message, nothing started", async ({ args, message }) => {
    const dir = await makeTempDir();
    const r = await runCli(args, { cwd: dir, input: "" });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("aliyun-response-exporter started");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it("takes an existing file as the paths of run (the default command), not an unknown command", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "app.log"), `${responseBody("throttling", "R-1")}\n`);
    const cli = spawnCli(["app.log", "--listen", "127.0.0.1:0", "--start-at", "beginning"], { cwd: dir });
    const url = await cli.url();
    expect(cli.logsWith("aliyun-response-exporter started")[0]?.sources).toEqual([
      expect.objectContaining({ name: "cli", paths: [path.join(dir, "app.log")] }),
    ]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await cli.stop("SIGTERM")).code).toBe(0);
  });
});

describe("--help", () => {
  it("lists every command on the program's help, exit 0", async () => {
    const dir = await makeTempDir();
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name} +\\S`, "m"));
    }
  });

  it.each(COMMANDS.map((c) => c.name))(
    "%s --help lists every flag with its meaning and default",
    async (name) => {
      const dir = await makeTempDir();
      const command = COMMANDS.find((c) => c.name === name);
      const long = await runCli([name, "--help"], { cwd: dir });
      expect(long.code, long.stderr).toBe(0);
      expect(long.stderr).toBe("");
      expect(long.stdout).toMatch(new RegExp(`^Usage: aliyun-response-exporter ${name}`));
      for (const f of command?.flags ?? []) {
        const row = new RegExp(
          `--${f.name}${f.value ? ` ${f.value.replace(/[|]/g, "\\|")}` : ""} +${escapeRegExp(f.help)}`,
        );
        expect(long.stdout, f.name).toMatch(row);
        if (f.default !== undefined) expect(long.stdout).toContain(`default: ${f.default}`);
      }
      expect(long.stdout).toMatch(/-h, --help +Show this help/);
      const short = await runCli([name, "-h"], { cwd: dir });
      expect(short.stdout).toBe(long.stdout);
      const viaHelp = await runCli(["help", name], { cwd: dir });
      expect(viaHelp.stdout).toBe(long.stdout);
    },
  );

  it("is what README.md shows for run --help", async () => {
    const readme = await readFile(path.join(REPO, "README.md"), "utf8");
    const block = /\$ aliyun-response-exporter run --help\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block, "README.md: the run --help example").toBeDefined();
    const r = await runCli(["run", "--help"], { cwd: await makeTempDir() });
    const actual = r.stdout.split("\n");
    const missing = (block ?? "").split("\n").filter((l) => l !== "..." && !actual.includes(l));
    expect(missing).toEqual([]);
  });

  it("says the defaults of run's flags", async () => {
    const r = await runCli(["run", "--help"], { cwd: await makeTempDir() });
    expect(r.stdout).toContain("0.0.0.0:9787");
    expect(r.stdout).toContain("default: each source's startAt, end");
    expect(r.stdout).toMatch(/--enable-reload +Serve POST \/-\/reload/);
  });
});

describe("version", () => {
  it("prints the package version for `version`, --version and -v", async () => {
    const dir = await makeTempDir();
    for (const args of [["version"], ["--version"], ["-v"]]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
  });
});

describe("known runtime failures: one line, exit 1, no stack", () => {
  it("a port in use", async () => {
    const dir = await makeTempDir();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await writeFile(path.join(dir, "app.log"), "");
      const r = await runCli(["run", "--listen", `127.0.0.1:${port}`, "app.log"], { cwd: dir });
      expect(r.code).toBe(1);
      const lines = r.stderr.split("\n").filter((l) => !l.startsWith("{") && l !== "");
      expect(lines).toEqual([
        `aliyun-response-exporter: cannot listen on 127.0.0.1:${port}: address already in use`,
      ]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it("an unknown host", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "app.log"), "");
    const r = await runCli(["run", "--listen", "no-such-host.invalid:0", "app.log"], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => !l.startsWith("{") && l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^aliyun-response-exporter: cannot listen on no-such-host\.invalid:0: (unknown host|host name lookup failed)$/,
    );
  });
});

// Root may bind any port: the test runs the CLI as `nobody` (with runuser) to be refused port 80.
const canDropRoot = process.getuid?.() === 0 && existsSync("/usr/sbin/runuser");

describe.skipIf(!canDropRoot)("known runtime failures as an unprivileged user", () => {
  it("a port below 1024: permission denied", async () => {
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(
        "/usr/sbin/runuser",
        [
          "-u",
          "nobody",
          "--",
          process.execPath,
          CLI,
          "run",
          "--listen",
          "127.0.0.1:80",
          "/nonexistent/*.log",
        ],
        { cwd: "/", stdio: ["ignore", "ignore", "pipe"] },
      );
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      child.on("close", (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(1);
    const lines = r.err.split("\n").filter((l) => !l.startsWith("{") && l !== "");
    expect(lines).toEqual(["aliyun-response-exporter: cannot listen on 127.0.0.1:80: permission denied"]);
  });
});

describe("a closed stdout", () => {
  it("ends analyze --events | head -1 quietly with status 0", async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, "big.log");
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(responseBody("throttling", `R-${i}`));
    await writeFile(file, `${lines.join("\n")}\n`);
    // A shell pipeline as a user types it; `head` exits after one line and closes the pipe.
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const sh = spawn(
        "bash",
        ["-o", "pipefail", "-c", `"${process.execPath}" "${CLI}" analyze --events big.log | head -1`],
        {
          cwd: dir,
        },
      );
      let out = "";
      let err = "";
      sh.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      sh.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      sh.on("close", (code) => resolve({ code, out, err }));
    });
    expect(result.code, result.err).toBe(0); // pipefail: analyze's own status
    expect(result.out.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(result.out).requestId).toBe("R-0");
    expect(result.err).toBe("");
  });

  it("exits 0 itself when its reader goes away", async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, "big.log");
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(responseBody("success", `R-${i}`));
    await writeFile(file, `${lines.join("\n")}\n`);
    const cli = spawnCli(["analyze", "--events", "big.log"], { cwd: dir });
    await new Promise<void>((resolve) => cli.child.stdout?.once("data", () => resolve()));
    cli.child.stdout?.destroy();
    const exit = await cli.exited;
    expect(exit.code, cli.stderr).toBe(0);
    expect(cli.stderr).toBe("");
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
