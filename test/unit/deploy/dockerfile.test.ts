/**
 * Static checks of the Dockerfile, cross-checked against config/default.yaml and package.json so that
 * a changed port, path or entry point breaks a test rather than a deployment. The image itself is
 * built and run in test/container/image.test.ts; the Kubernetes manifests are checked in
 * kubernetes-manifests.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkConfig, ENV, loadConfig } from "../../../src/config/load.js";
import { type Config, parseListen } from "../../../src/config/schema.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const read = (rel: string) => readFileSync(path.join(REPO, rel), "utf8");

const defaultConfig = loadConfig({ file: path.join(REPO, "config/default.yaml"), env: {} });
const DEFAULT_PORT = parseListen(defaultConfig.listen)?.port;

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: Instruction[];
}

/** Docker's own rules: `#` lines are comments (also inside continuations), `\` continues a line. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== "") logical.push(current.trim());
    current = "";
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (m === null) continue;
    const keyword = (m[1] ?? "").toUpperCase();
    const args = m[2] ?? "";
    if (keyword === "FROM") {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: from?.[1] ?? args, name: from?.[2] ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

const args = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const execForm = (value: string): string[] => JSON.parse(value) as string[];

describe("Dockerfile", () => {
  const stages = parseDockerfile(read("Dockerfile"));
  const runtime = stages.at(-1) as Stage;
  const build = stages[0] as Stage;

  it("is multi-stage on a pinned node 20 bookworm-slim base", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      // An exact x.y.z tag (optionally with a digest), never a moving `20-bookworm-slim` or `latest`.
      expect(stage.from).toMatch(/^node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    }
    expect(build.name).not.toBeNull();
    expect(runtime).not.toBe(build);
  });

  it("builds with npm ci and the package's build script, after copying what the build reads", () => {
    const runs = args(build, "RUN").join("\n");
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).not.toMatch(/--omit=dev/);
    expect(runs).toMatch(/\bnpm run build\b/);
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBeDefined();
    // The build writes the catalogue into the bundle (issue 13: it was not copied).
    const copied = args(build, "COPY").flatMap((c) => c.split(/\s+/).slice(0, -1));
    for (const needed of ["package-lock.json", "scripts/build.mjs", "src", "config/error-codes.yaml"]) {
      expect(copied, needed).toContain(needed);
    }
  });

  it("has only production dependencies in the runtime stage", () => {
    const runs = args(runtime, "RUN").join("\n");
    const installs = runs.match(/\bnpm (ci|install|i)\b[^&;\n]*/g) ?? [];
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/--omit=dev|--production/);
    // node_modules from the build stage would bring the dev dependencies along.
    for (const copy of args(runtime, "COPY")) expect(copy).not.toMatch(/node_modules/);
    expect(args(runtime, "COPY").some((c) => /^--from=\S+\s+\S*\/dist\s+/.test(c))).toBe(true);
  });

  it("runs as a non-root user", () => {
    const users = args(runtime, "USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const order = runtime.instructions.map((i) => i.keyword);
    expect(order.lastIndexOf("USER")).toBeLessThan(order.indexOf("ENTRYPOINT"));
  });

  it("exposes the default config's port and checks health with the healthcheck command", () => {
    expect(DEFAULT_PORT).toBe(9787);
    expect(args(runtime, "EXPOSE")).toEqual([String(DEFAULT_PORT)]);
    const [healthcheck] = args(runtime, "HEALTHCHECK");
    const cmd = /\bCMD\s+(\[.*\])$/.exec(healthcheck ?? "")?.[1];
    expect(cmd).toBeDefined();
    // The entry point's own command: it reads the config `run` reads (port, TLS), never a fixed URL.
    const entrypoint = execForm(args(runtime, "ENTRYPOINT")[0] ?? "[]");
    expect(execForm(cmd ?? "[]")).toEqual([...entrypoint, "healthcheck"]);
  });

  it("starts the package's bin with a mountable config that validates", () => {
    const pkg = JSON.parse(read("package.json")) as { bin: Record<string, string> };
    const entrypoint = execForm(args(runtime, "ENTRYPOINT")[0] ?? "[]");
    expect(entrypoint).toEqual(["node", pkg.bin["aliyun-response-exporter"]]);
    const cmd = execForm(args(runtime, "CMD")[0] ?? "[]");
    expect(cmd).toEqual(["run"]);
    // The config is named by the environment, so that `run` and `healthcheck` read the same file.
    const env = Object.fromEntries(
      args(runtime, "ENV")
        .flatMap((e) => e.split(/\s+/))
        .map((kv) => kv.split("=") as [string, string]),
    );
    const configPath = env[ENV.config] ?? "";
    expect(path.isAbsolute(configPath)).toBe(true);

    // The default config in the image is one of the repository's files, copied to that path.
    const copy = args(runtime, "COPY")
      .map((c) => c.split(/\s+/))
      .find((parts) => parts.at(-1) === configPath);
    expect(copy).toBeDefined();
    const config: Config = checkConfig(path.join(REPO, copy?.[0] ?? ""));
    expect(parseListen(config.listen)?.port).toBe(DEFAULT_PORT);

    // Its checkpoint folder is a volume, so that checkpoints outlive the container.
    expect(config.checkpoint.dir).not.toBeNull();
    const volumes = args(runtime, "VOLUME").flatMap((v) =>
      v.startsWith("[") ? execForm(v) : v.split(/\s+/),
    );
    expect(volumes).toContain(config.checkpoint.dir);
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    for (const entry of ["node_modules", "dist", ".git", "test/bench/data", "coverage"]) {
      expect(ignored).toContain(entry);
    }
    for (const stage of stages) {
      for (const copy of args(stage, "COPY")) {
        if (copy.startsWith("--from=")) continue;
        const sources = copy.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          expect(existsSync(path.join(REPO, source)), `${source} exists`).toBe(true);
          const hit = ignored.find((i) => source === i || source.startsWith(`${i}/`));
          expect(hit, `${source} is not ignored`).toBeUndefined();
        }
      }
    }
  });
});
