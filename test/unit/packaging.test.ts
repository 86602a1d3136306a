/**
 * Static checks of the packaging (there is no Docker engine or cluster here): the Dockerfile's rules
 * and the Kubernetes sidecar manifest, cross-checked against config/default.yaml and package.json so
 * that a changed port, path or entry point breaks a test rather than a deployment.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkConfig, loadConfig } from "../../src/config/load.js";
import { type Config, parseListen } from "../../src/config/schema.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
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

  it("builds with npm ci and the package's build script", () => {
    const runs = args(build, "RUN").join("\n");
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).not.toMatch(/--omit=dev/);
    expect(runs).toMatch(/\bnpm run build\b/);
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBeDefined();
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

  it("exposes the default config's port and checks /healthz with node itself", () => {
    expect(DEFAULT_PORT).toBe(9787);
    expect(args(runtime, "EXPOSE")).toEqual([String(DEFAULT_PORT)]);
    const [healthcheck] = args(runtime, "HEALTHCHECK");
    const cmd = /\bCMD\s+(\[.*\])$/.exec(healthcheck ?? "")?.[1];
    expect(cmd).toBeDefined();
    const argv = execForm(cmd ?? "[]");
    expect(argv[0]).toBe("node");
    expect(argv.join(" ")).toContain(`:${DEFAULT_PORT}/healthz`);
    expect(argv.join(" ")).not.toMatch(/curl|wget/);
  });

  it("starts the package's bin with a mountable config that validates", () => {
    const pkg = JSON.parse(read("package.json")) as { bin: Record<string, string> };
    const entrypoint = execForm(args(runtime, "ENTRYPOINT")[0] ?? "[]");
    expect(entrypoint).toEqual(["node", pkg.bin["aliyun-response-exporter"]]);
    const cmd = execForm(args(runtime, "CMD")[0] ?? "[]");
    expect(cmd[0]).toBe("run");
    const configPath = cmd[cmd.indexOf("--config") + 1] ?? "";
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

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Volume {
  name: string;
  emptyDir?: object;
  configMap?: { name: string };
}
interface Manifest {
  kind: string;
  apiVersion: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    template?: {
      metadata: { annotations?: Record<string, string> };
      spec: { containers: Container[]; volumes: Volume[] };
    };
  };
}

describe("config/kubernetes/sidecar.yaml", () => {
  const docs = parseAllDocuments(read("config/kubernetes/sidecar.yaml"));

  it("parses, every document a Kubernetes object", () => {
    expect(Array.isArray(docs)).toBe(true);
    if (!Array.isArray(docs)) return;
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      const obj = doc.toJS() as Manifest;
      expect(obj.apiVersion).toEqual(expect.any(String));
      expect(obj.kind).toEqual(expect.any(String));
      expect(obj.metadata.name).toEqual(expect.any(String));
    }
  });

  const objects = (Array.isArray(docs) ? docs : []).map((d) => d.toJS() as Manifest);
  const configMap = objects.find((o) => o.kind === "ConfigMap");
  const workload = objects.find((o) => o.kind === "Deployment");
  const pod = workload?.spec?.template;
  const containers = pod?.spec.containers ?? [];
  const exporter = containers.find((c) => c.image.includes("aliyun-response-exporter"));
  const app = containers.find((c) => c !== exporter);
  const mount = (c: Container | undefined, volume: string) => c?.volumeMounts?.find((m) => m.name === volume);

  it("has an app container and the exporter in one pod", () => {
    expect(pod).toBeDefined();
    expect(exporter).toBeDefined();
    expect(app).toBeDefined();
  });

  it("serves metrics on the default config's port, named metrics, with the scrape annotations", () => {
    expect(exporter?.ports).toEqual([
      expect.objectContaining({ name: "metrics", containerPort: DEFAULT_PORT }),
    ]);
    expect(pod?.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(DEFAULT_PORT),
      "prometheus.io/path": "/metrics",
    });
  });

  it("probes /readyz for readiness and /healthz for liveness on that port", () => {
    const onMetricsPort = (port: string | number | undefined) => port === "metrics" || port === DEFAULT_PORT;
    expect(exporter?.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(onMetricsPort(exporter?.readinessProbe?.httpGet?.port)).toBe(true);
    expect(exporter?.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(onMetricsPort(exporter?.livenessProbe?.httpGet?.port)).toBe(true);
  });

  it("sets resource requests and limits on every container, and runs the exporter as non-root", () => {
    for (const c of containers) {
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(["cpu", "memory"]);
      expect(Object.keys(c.resources?.limits ?? {}).sort(), c.name).toEqual(["cpu", "memory"]);
    }
    expect(exporter?.securityContext?.runAsNonRoot).toBe(true);
  });

  it("embeds a valid exporter config that reads the shared emptyDir log volume read-only", () => {
    const configArg = exporter?.args?.[(exporter.args.indexOf("--config") ?? -2) + 1] ?? "";
    expect(path.isAbsolute(configArg)).toBe(true);

    // The ConfigMap is mounted where --config points, under the key that names the file.
    const configVolume = pod?.spec.volumes.find((v) => v.configMap?.name === configMap?.metadata.name);
    expect(configVolume).toBeDefined();
    expect(mount(exporter, configVolume?.name ?? "")?.mountPath).toBe(path.dirname(configArg));
    const text = configMap?.data?.[path.basename(configArg)];
    expect(text).toEqual(expect.any(String));

    const dir = mkdtempSync(path.join(tmpdir(), "are-k8s-"));
    let config: Config;
    try {
      const file = path.join(dir, "config.yaml");
      writeFileSync(file, text ?? "");
      config = checkConfig(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(parseListen(config.listen)?.port).toBe(DEFAULT_PORT);

    const logVolume = pod?.spec.volumes.find(
      (v) => v.emptyDir !== undefined && mount(app, v.name) !== undefined,
    );
    expect(logVolume).toBeDefined();
    const appMount = mount(app, logVolume?.name ?? "");
    const exporterMount = mount(exporter, logVolume?.name ?? "");
    expect(appMount?.readOnly ?? false).toBe(false);
    expect(exporterMount?.readOnly).toBe(true);
    expect(exporterMount?.mountPath).toBe(appMount?.mountPath);
    for (const source of config.sources) {
      for (const p of source.paths) expect(p.startsWith(`${exporterMount?.mountPath}/`), p).toBe(true);
    }

    // Checkpoints go to a writable volume of the exporter (the root filesystem may be read-only).
    const checkpointDir = config.checkpoint.dir;
    expect(checkpointDir).not.toBeNull();
    const stateMount = exporter?.volumeMounts?.find((m) => m.mountPath === checkpointDir);
    expect(stateMount).toBeDefined();
    expect(stateMount?.readOnly ?? false).toBe(false);
  });
});
