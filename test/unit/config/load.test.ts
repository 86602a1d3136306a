import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkConfig,
  ENV,
  formatUsageError,
  type LoadConfigInput,
  loadConfig,
} from "../../../src/config/load.js";
import type { Config, SourceConfig } from "../../../src/config/schema.js";
import { UsageError } from "../../../src/core/errors.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/config/", import.meta.url));
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);

/** The UsageError that loading throws; fails the test when loading succeeds or throws something else. */
function usageError(input: LoadConfigInput): UsageError {
  let thrown: unknown;
  try {
    loadConfig({ env: {}, ...input });
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  return thrown as UsageError;
}
const problemsOf = (input: LoadConfigInput) => usageError(input).problems;
const fileProblems = (name: string) => problemsOf({ file: fixture(name) });

const tmpDirs: string[] = [];
function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "are-config-"));
  tmpDirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

const SOURCE_DEFAULTS: Omit<SourceConfig, "name" | "paths"> = {
  exclude: [],
  startAt: "end",
  labels: {},
  maxRecordBytes: 268_435_456,
  maxMultilineBytes: 8_388_608,
  partialLineTimeoutMs: 5000,
  pollIntervalMs: 250,
  globIntervalMs: 5000,
  rotateWaitMs: 5000,
  format: "auto",
  pathLabels: [],
  sdkStrings: { presets: true, patterns: [] },
  dedupWindowIds: 10_000,
};

describe("valid configs", () => {
  it("applies every default to a minimal file", () => {
    const expected: Config = {
      listen: "0.0.0.0:9787",
      logLevel: "info",
      sources: [{ name: "app", paths: ["/var/log/app/*.log"], ...SOURCE_DEFAULTS }],
      checkpoint: { dir: null, intervalMs: 5000 },
      labelCaps: {
        action: 500,
        code: 300,
        endpoint: 200,
        namespace: 100,
        pod: 1000,
        container: 200,
        workload: 500,
      },
      recentErrors: { size: 100 },
      limits: { maxSeries: 10_000, maxLabelValueLength: 128, maxMessageLength: 2048 },
      metrics: { newSeriesHoldMs: 60_000 },
      redact: true,
      errorCodes: { files: [], codes: [] },
      server: { requestTimeoutMs: 10_000, headersTimeoutMs: 5000, tls: null, basicAuth: null },
    };
    expect(loadConfig({ file: fixture("valid-minimal.yaml"), env: {} })).toEqual(expected);
  });

  it("keeps every setting of a full file", () => {
    const config = loadConfig({ file: fixture("valid-full.yaml"), env: {} });
    expect(config).toEqual({
      listen: "[::]:9100",
      logLevel: "debug",
      sources: [
        {
          name: "ess_api",
          paths: ["/var/log/ess/*.log", "/var/log/ess/*.json"],
          exclude: ["*.gz", "/var/log/ess/debug-*.log"],
          startAt: "beginning",
          labels: { service: "scaler", env: "prod" },
          maxRecordBytes: 1_048_576,
          maxMultilineBytes: 65_536,
          partialLineTimeoutMs: 1000,
          pollIntervalMs: 100,
          globIntervalMs: 2000,
          rotateWaitMs: 1500,
          format: "cri",
          pathLabels: ["namespace", "workload"],
          sdkStrings: {
            presets: ["python-core", "tea"],
            patterns: ["MyClient failed: (?<code>\\S+) rid=(?<requestId>\\S+)"],
          },
          dedupWindowIds: 500,
        },
        { name: "stdin-feed", paths: ["-"], ...SOURCE_DEFAULTS },
      ],
      checkpoint: { dir: "/var/lib/exporter", intervalMs: 1000 },
      labelCaps: { action: 50, code: 40, endpoint: 30, namespace: 20, pod: 10, container: 25, workload: 15 },
      recentErrors: { size: 0 },
      limits: { maxSeries: 2000, maxLabelValueLength: 64, maxMessageLength: 500 },
      metrics: { newSeriesHoldMs: 30_000 },
      redact: false,
      errorCodes: {
        files: ["/etc/exporter/ess-codes.yaml"],
        codes: [
          {
            code: "InvalidScalingGroupId.NotFound",
            status: 404,
            description: "The scaling group does not exist.",
            category: "client_error",
          },
        ],
      },
      server: {
        requestTimeoutMs: 20_000,
        headersTimeoutMs: 20_000,
        tls: { certFile: "/etc/exporter/tls.crt", keyFile: "/etc/exporter/tls.key" },
        basicAuth: { username: "prometheus", passwordFile: "/etc/exporter/password" },
      },
    });
  });

  it("config/default.yaml reads the bundled examples from the beginning on :9787, without checkpoints", () => {
    const config = loadConfig({ file: path.join(REPO, "config/default.yaml"), env: {}, cwd: "/" });
    expect(config.listen).toBe("0.0.0.0:9787");
    expect(config.sources).toEqual([
      {
        ...SOURCE_DEFAULTS,
        name: "examples",
        paths: [path.join(REPO, "config/examples/*.log")],
        startAt: "beginning",
      },
    ]);
    expect(config.checkpoint.dir).toBeNull();
  });

  it("config/examples/sidecar.yaml is a valid production-like config", () => {
    const config = checkConfig(path.join(REPO, "config/examples/sidecar.yaml"));
    expect(config.sources.map((s) => [s.name, s.paths, s.startAt])).toEqual([
      ["app", ["/var/log/app/*.log"], "end"],
    ]);
    expect(config.checkpoint.dir).toBe("/var/lib/aliyun-response-exporter");
    expect(Object.keys(config.sources[0]?.labels ?? {}).length).toBeGreaterThan(0);
  });

  it("treats an empty file as an empty mapping", () => {
    expect(problemsOf({ file: tempFile("empty.yaml", "# nothing yet\n") })).toEqual([
      "sources: Required (list at least one source)",
    ]);
  });

  it("accepts YAML merge keys for shared source settings", () => {
    const ok = tempFile(
      "merge-ok.yaml",
      "sources:\n  - &a {name: a, paths: [/a/*.log], startAt: beginning}\n  - <<: *a\n    name: b\n",
    );
    const config = loadConfig({ file: ok, env: {} });
    expect(config.sources.map((s) => [s.name, s.startAt, s.paths])).toEqual([
      ["a", "beginning", ["/a/*.log"]],
      ["b", "beginning", ["/a/*.log"]],
    ]);
  });
});

describe("config errors, each reported with its path", () => {
  it("missing sources", () => {
    expect(fileProblems("error-missing-sources.yaml")).toEqual([
      "sources: Required (list at least one source)",
    ]);
    expect(fileProblems("error-empty-sources.yaml")).toEqual(["sources: must not be empty"]);
  });

  it("bad listen address", () => {
    expect(fileProblems("error-bad-listen.yaml")).toEqual(['listen: expected HOST:PORT, got "abc"']);
  });

  it("bad startAt", () => {
    expect(fileProblems("error-bad-start-at.yaml")).toEqual([
      'sources.0.startAt: expected one of beginning|end, got "start"',
    ]);
  });

  it("duplicate source names", () => {
    expect(fileProblems("error-duplicate-source-names.yaml")).toEqual([
      'sources.2.name: duplicate source name "app" (also sources.0.name)',
    ]);
  });

  it("bad label names", () => {
    expect(fileProblems("error-bad-label-names.yaml")).toEqual([
      'sources.0.labels.team-name: "team-name" is not a valid Prometheus label name (letters, digits and _, not starting with a digit)',
      'sources.0.labels.9lives: "9lives" is not a valid Prometheus label name (letters, digits and _, not starting with a digit)',
    ]);
  });

  it("reserved label names", () => {
    const reserved = "the exporter sets it (action, code, status, category)";
    expect(fileProblems("error-reserved-labels.yaml")).toEqual([
      `sources.0.labels.action: "action" is reserved: ${reserved}`,
      `sources.0.labels.code: "code" is reserved: ${reserved}`,
      `sources.0.labels.status: "status" is reserved: ${reserved}`,
      `sources.0.labels.category: "category" is reserved: ${reserved}`,
      'sources.0.labels.__name__: "__name__" is reserved: names starting with __ belong to Prometheus',
    ]);
  });

  it("unknown keys, with the likely intended key or the allowed ones", () => {
    expect(fileProblems("error-unknown-key.yaml")).toEqual([
      'sources.0.start_at: unknown key, did you mean "startAt"?',
      "server.color: unknown key (allowed: requestTimeoutMs, headersTimeoutMs, tls, basicAuth)",
      'lisen: unknown key, did you mean "listen"?',
    ]);
  });

  it("YAML syntax errors, each with its line and column", () => {
    expect(fileProblems("error-yaml-syntax.yaml")).toEqual([
      "line 3, column 11: Nested mappings are not allowed in compact mappings",
      "line 5, column 1: Map keys must be unique",
    ]);
  });

  it("a document that is not a mapping", () => {
    expect(fileProblems("error-not-a-mapping.yaml")).toEqual(["(root): expected a mapping, got a list"]);
  });

  it("a missing config file", () => {
    const file = path.join(FIXTURES, "does-not-exist.yaml");
    expect(problemsOf({ file })).toEqual([`${file}: cannot read the config file: no such file`]);
  });

  it("several errors at once, all reported with their paths", () => {
    expect(fileProblems("error-many.yaml")).toEqual([
      'listen: port must be 0-65535, got "0.0.0.0:99999"',
      'logLevel: expected one of trace|debug|info|warn|error|fatal|silent, got "verbose"',
      'sources.0.name: must start with a letter or _ and hold only letters, digits, _ and -, got "my app"',
      "sources.0.paths: Required",
      'sources.0.startAt: expected one of beginning|end, got "middle"',
      "sources.0.labels.version: expected a string, got 1.1 (quote the value)",
      'sources.1.paths: "-" (stdin) must be the only path of its source',
      "sources.1.pollIntervalMs: must be a positive integer, got 0",
      'sources.2.paths: only one source can read stdin ("-"), sources.1 already does',
      'checkpoint.intervalMs: expected a number, got "5000"',
      "labelCaps.action: must be a positive integer, got -1",
      "recentErrors.size: must be at most 10000, got 20000",
      'errorCodes.codes.0.category: expected one of throttling|auth_error|client_error|server_error, got "fatal"',
      "server.tls.keyFile: Required",
      "server.headersTimeoutMs: must not exceed server.requestTimeoutMs (1000), got 2000",
    ]);
  });

  it("reports wrong types of whole sections", () => {
    const file = tempFile("types.yaml", "sources: [1, {name: a}]\nserver: 5\nrecentErrors: {size: 1.5}\n");
    expect(problemsOf({ file })).toEqual([
      "sources.0: expected a mapping, got 1",
      "sources.1.paths: Required",
      "recentErrors.size: expected an integer, got 1.5",
      "server: expected a mapping, got 5",
    ]);
  });

  it("names the file and the count in the message, and formats every problem for stderr", () => {
    const file = fixture("error-bad-label-names.yaml");
    const err = usageError({ file });
    expect(err.message).toBe(`invalid configuration in ${file} (2 problems)`);
    expect(formatUsageError(err)).toBe(
      `aliyun-response-exporter: invalid configuration in ${file} (2 problems)\n` +
        err.problems.map((p) => `  ${p}\n`).join(""),
    );
    expect(formatUsageError(new UsageError('unknown command "x"'))).toBe(
      'aliyun-response-exporter: unknown command "x"\n',
    );
  });
});

describe("precedence: flags > environment > file > defaults", () => {
  const file = fixture("precedence.yaml");

  it("listen", () => {
    expect(loadConfig({ file, env: {} }).listen).toBe("127.0.0.1:1111");
    const env = { [ENV.listen]: "127.0.0.1:2222" };
    expect(loadConfig({ file, env }).listen).toBe("127.0.0.1:2222");
    expect(loadConfig({ file, env, overrides: { listen: "127.0.0.1:3333" } }).listen).toBe("127.0.0.1:3333");
    expect(loadConfig({ file: fixture("valid-minimal.yaml"), env: {} }).listen).toBe("0.0.0.0:9787");
  });

  it("log level", () => {
    expect(loadConfig({ file, env: {} }).logLevel).toBe("warn");
    const env = { [ENV.logLevel]: "error" };
    expect(loadConfig({ file, env }).logLevel).toBe("error");
    expect(loadConfig({ file, env, overrides: { logLevel: "debug" } }).logLevel).toBe("debug");
  });

  it("config file: the argument, else the environment", () => {
    const env = { [ENV.config]: fixture("valid-minimal.yaml") };
    expect(loadConfig({ env }).listen).toBe("0.0.0.0:9787");
    expect(loadConfig({ file, env }).listen).toBe("127.0.0.1:1111");
  });

  it("an empty environment variable counts as unset", () => {
    expect(loadConfig({ file, env: { [ENV.listen]: "", [ENV.config]: "" } }).listen).toBe("127.0.0.1:1111");
  });

  it("checks flag and environment values, naming the flag or the variable", () => {
    expect(problemsOf({ file, env: { [ENV.listen]: "localhost", [ENV.logLevel]: "loud" } })).toEqual([
      `${ENV.listen}: expected HOST:PORT, got "localhost"`,
      `${ENV.logLevel}: expected one of trace|debug|info|warn|error|fatal|silent, got "loud"`,
    ]);
    // A flag makes its variable irrelevant, even when the flag's own value is wrong.
    expect(
      problemsOf({
        file,
        env: { [ENV.listen]: "localhost", [ENV.logLevel]: "loud" },
        overrides: { startAt: "middle" as "end", logLevel: "chatty" },
      }),
    ).toEqual([
      `${ENV.listen}: expected HOST:PORT, got "localhost"`,
      '--log-level: expected one of trace|debug|info|warn|error|fatal|silent, got "chatty"',
      '--start-at: expected one of beginning|end, got "middle"',
    ]);
  });

  it("--checkpoint-dir replaces the file's directory and resolves against the working directory", () => {
    const cwd = "/srv/work";
    expect(loadConfig({ file, env: {}, cwd }).checkpoint.dir).toBe(path.join(FIXTURES, "state"));
    const config = loadConfig({ file, env: {}, cwd, overrides: { checkpointDir: "ckpt" } });
    expect(config.checkpoint).toEqual({ dir: "/srv/work/ckpt", intervalMs: 5000 });
  });

  it("--start-at applies to every source", () => {
    expect(loadConfig({ file, env: {} }).sources.map((s) => s.startAt)).toEqual(["beginning", "end"]);
    const config = loadConfig({ file, env: {}, overrides: { startAt: "end" } });
    expect(config.sources.map((s) => s.startAt)).toEqual(["end", "end"]);
    const begin = loadConfig({ file, env: {}, overrides: { startAt: "beginning" } });
    expect(begin.sources.map((s) => s.startAt)).toEqual(["beginning", "beginning"]);
  });
});

describe("positional paths", () => {
  it("replace the file's sources with one source named cli, keeping the file's other settings", () => {
    const config = loadConfig({
      file: fixture("precedence.yaml"),
      env: {},
      cwd: "/home/me",
      overrides: { paths: ["logs/*.log", "/abs/x.log"], startAt: "beginning" },
    });
    expect(config.sources).toEqual([
      { ...SOURCE_DEFAULTS, name: "cli", paths: ["/home/me/logs/*.log", "/abs/x.log"], startAt: "beginning" },
    ]);
    expect(config.listen).toBe("127.0.0.1:1111");
  });

  it("need no config file; - is stdin", () => {
    const config = loadConfig({ env: {}, overrides: { paths: ["-"] } });
    expect(config.sources).toEqual([{ ...SOURCE_DEFAULTS, name: "cli", paths: ["-"] }]);
    expect(config.listen).toBe("0.0.0.0:9787");
  });

  it("an empty list is no override", () => {
    const config = loadConfig({ file: fixture("precedence.yaml"), env: {}, overrides: { paths: [] } });
    expect(config.sources.map((s) => s.name)).toEqual(["app", "audit"]);
  });

  it("without a file or paths, say how to give sources", () => {
    expect(problemsOf({ env: {} })).toEqual([
      "sources: Required (give a config file (--config) or paths to read)",
    ]);
  });

  it("- must stand alone", () => {
    expect(problemsOf({ overrides: { paths: ["-", "a.log"] } })).toEqual([
      'sources.0.paths: "-" (stdin) must be the only path of its source',
    ]);
  });
});

describe("relative paths in a config file resolve against the file's folder", () => {
  it("whatever the working directory and however the file is named", () => {
    const dir = path.join(FIXTURES, "relative/conf");
    const expected = {
      sources: [
        [
          [path.join(FIXTURES, "relative/logs/*.log"), "/abs/*.log", path.join(dir, "here.log")],
          ["*.gz", path.join(FIXTURES, "relative/logs/skip-*.log")],
        ],
        [["-"], []],
      ],
      checkpointDir: path.join(dir, "state"),
      errorCodeFiles: [path.join(dir, "codes/extra.yaml"), "/etc/codes.yaml"],
      tls: { certFile: path.join(dir, "tls/cert.pem"), keyFile: "/etc/tls/key.pem" },
      passwordFile: path.join(dir, "secrets/password"),
    };
    for (const [file, cwd] of [
      [path.join(dir, "config.yaml"), "/"],
      ["relative/conf/config.yaml", FIXTURES],
      ["conf/../conf/config.yaml", path.join(FIXTURES, "relative")],
    ] as const) {
      const config = loadConfig({ file, env: {}, cwd });
      expect({
        sources: config.sources.map((s) => [s.paths, s.exclude]),
        checkpointDir: config.checkpoint.dir,
        errorCodeFiles: config.errorCodes.files,
        tls: config.server.tls,
        passwordFile: config.server.basicAuth?.passwordFile,
      }).toEqual(expected);
    }
  });
});

describe("checkConfig", () => {
  it("validates the file alone, ignoring the environment", () => {
    const saved = process.env[ENV.listen];
    process.env[ENV.listen] = "not an address";
    try {
      expect(checkConfig(fixture("valid-minimal.yaml")).listen).toBe("0.0.0.0:9787");
      // loadConfig does read process.env by default: the variable above really is in effect.
      expect(() => loadConfig({ file: fixture("valid-minimal.yaml") })).toThrow(UsageError);
    } finally {
      if (saved === undefined) delete process.env[ENV.listen];
      else process.env[ENV.listen] = saved;
    }
  });

  it("throws the UsageError with every problem", () => {
    expect(() => checkConfig(fixture("error-many.yaml"))).toThrow(
      /invalid configuration in .*error-many\.yaml \(15 problems\)/,
    );
  });
});

describe("paths given on the command line replace the file's sources, which are still checked", () => {
  const bad =
    "sources:\n  - name: app\n    paths: [/a/*.log]\n    dedupWindowIds: -1\n  - name: app\n    paths: [/b/*.log]\n";

  it("every problem of the file's sources, with its path, next to the others", () => {
    const file = tempFile("bad-sources.yaml", `listen: "9787"\n${bad}`);
    const problems = problemsOf({ file, overrides: { paths: ["-"] } });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "listen",
      "sources.0.dedupWindowIds",
      "sources.1.name",
    ]);
  });

  it("a file with good sources loads, its sources replaced by the paths", () => {
    const file = tempFile("good-sources.yaml", "sources:\n  - name: app\n    paths: [/a/*.log]\n");
    const config = loadConfig({ env: {}, file, overrides: { paths: ["-"] } });
    expect(config.sources.map((s) => [s.name, s.paths])).toEqual([["cli", ["-"]]]);
  });

  it("a file without sources is fine with paths", () => {
    const file = tempFile("no-sources.yaml", "labelCaps:\n  code: 50\n");
    expect(loadConfig({ env: {}, file, overrides: { paths: ["-"] } }).sources).toHaveLength(1);
  });
});
