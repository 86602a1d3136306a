/**
 * Every manifest under config/kubernetes/ (the folder is globbed: a new file is checked without
 * touching this test) against the Kubernetes API schema (kubernetes-models, nothing downloaded) and
 * the restricted Pod Security Standard; then the sidecar manifest's own promises (README
 * "Kubernetes"): a native sidecar with startup/liveness probes only, a config that validates, logs
 * read-only, checkpoints on a writable volume.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkConfig, loadConfig } from "../../../src/config/load.js";
import { type Config, parseListen } from "../../../src/config/schema.js";
import { containersOf, podSpecOf, restrictedViolations } from "../../helpers/pod-security.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const DIR = path.join(REPO, "config/kubernetes");
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const DEFAULT_PORT = parseListen(
  loadConfig({ file: path.join(REPO, "config/default.yaml"), env: {} }).listen,
)?.port;
/** Where a DaemonSet may mount the node's logs (read-only): README "Kubernetes". */
const DAEMONSET_LOG_DIRS = ["/var/log"];
/** Where a DaemonSet keeps its checkpoints (writable), handed to its user by one init container. */
const DAEMONSET = {
  hostPathLogDirs: DAEMONSET_LOG_DIRS,
  hostPathStateDirs: ["/var/lib/aliyun-response-exporter"],
  chownInitContainer: "state-dir",
};

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML.
type Any = any;

function documents(file: string): Any[] {
  return parseAllDocuments(readFileSync(path.join(DIR, file), "utf8")).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS();
  });
}

const require = createRequire(import.meta.url);

/** kubernetes-models' class for the object's apiVersion and kind; validate() throws on a schema error. */
function validate(obj: Any): void {
  const models = require(`kubernetes-models/${obj.apiVersion}`) as Record<string, unknown>;
  const Model = models[obj.kind] as (new (o: unknown) => { validate(): void }) | undefined;
  if (Model === undefined) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

describe("config/kubernetes/", () => {
  it("has manifests", () => {
    expect(FILES).toContain("sidecar.yaml");
  });

  for (const file of FILES) {
    it(`${file}: every object validates against the Kubernetes schema`, () => {
      const objects = documents(file);
      expect(objects.length).toBeGreaterThan(0);
      for (const obj of objects)
        expect(() => validate(obj), `${obj.kind} ${obj.metadata?.name}`).not.toThrow();
    });

    it(`${file}: every pod spec passes the restricted Pod Security Standard`, () => {
      for (const obj of documents(file)) {
        const spec = podSpecOf(obj);
        if (spec === undefined) continue;
        const options = obj.kind === "DaemonSet" ? DAEMONSET : {};
        expect(restrictedViolations(spec, options), `${obj.kind} ${obj.metadata.name}`).toEqual([]);
      }
    });

    it(`${file}: native sidecars come with the Kubernetes version they need`, () => {
      const sidecars = documents(file).flatMap((o) =>
        (podSpecOf(o)?.initContainers ?? []).filter((c: Any) => c.restartPolicy === "Always"),
      );
      if (sidecars.length > 0)
        expect(readFileSync(path.join(DIR, file), "utf8")).toMatch(/Kubernetes 1\.29 or later/);
    });
  }
});

describe("the schema check", () => {
  it("rejects a wrong type, a missing field and an unknown kind", () => {
    const deployment = documents("sidecar.yaml").find((o) => o.kind === "Deployment");
    expect(() => validate({ ...deployment, spec: { ...deployment.spec, replicas: "one" } })).toThrow(
      /replicas/,
    );
    const noName = structuredClone(deployment);
    delete noName.spec.template.spec.initContainers[0].name;
    expect(() => validate(noName)).toThrow(/initContainers\/0 must have required property name/);
    expect(() => validate({ apiVersion: "v1", kind: "Podd", metadata: { name: "x" } })).toThrow(/no schema/);
  });
});

describe("the restricted Pod Security check", () => {
  const good = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "c",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        volumeMounts: [{ name: "logs", mountPath: "/logs", readOnly: true }],
      },
    ],
    volumes: [{ name: "logs", hostPath: { path: "/var/log/pods" } }],
  };

  it("finds each broken control", () => {
    expect(restrictedViolations(good)).toEqual(["volume logs: hostPath /var/log/pods"]);
    expect(restrictedViolations(good, { hostPathLogDirs: ["/var/log"] })).toEqual([]);
    const bad = {
      hostNetwork: true,
      securityContext: { runAsUser: 0 },
      initContainers: [
        {
          name: "i",
          restartPolicy: "Always",
          securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } },
          ports: [{ containerPort: 80, hostPort: 80 }],
          volumeMounts: [{ name: "logs", mountPath: "/logs" }],
        },
      ],
      containers: good.containers,
      volumes: [
        ...good.volumes,
        { name: "docker", hostPath: { path: "/var/run/docker.sock" } },
        { name: "n", nfs: {} },
      ],
    };
    expect(restrictedViolations(bad, { hostPathLogDirs: ["/var/log"] })).toEqual([
      "pod: hostNetwork",
      "pod: runAsUser 0",
      "volume docker: hostPath /var/run/docker.sock",
      "volume n: type nfs",
      "container i: privileged",
      "container i: allowPrivilegeEscalation not false",
      "container i: runAsNonRoot not true",
      "container i: seccompProfile undefined",
      "container i: capabilities not dropping ALL",
      "container i: adds SYS_ADMIN",
      "container i: hostPort 80",
      "container i: hostPath logs not read-only",
      "container c: runAsNonRoot not true",
      "container c: seccompProfile undefined",
    ]);
  });

  it("allows a DaemonSet's state folder and its chown init container, and nothing wider", () => {
    const chown = {
      name: "state-dir",
      securityContext: {
        runAsUser: 0,
        runAsNonRoot: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"], add: ["CHOWN"] },
      },
      volumeMounts: [{ name: "state", mountPath: "/state" }],
    };
    const [main] = good.containers;
    const withState = (init: object, stateMount = { name: "state", mountPath: "/var/lib/x" }) => ({
      ...good,
      initContainers: [init],
      containers: [{ ...main, volumeMounts: [...(main?.volumeMounts ?? []), stateMount] }],
      volumes: [...good.volumes, { name: "state", hostPath: { path: "/var/lib/aliyun-response-exporter" } }],
    });
    expect(restrictedViolations(withState(chown), DAEMONSET)).toEqual([]);
    // Without the exception, or with a wider init container, each control is reported again.
    expect(restrictedViolations(withState(chown), { hostPathLogDirs: ["/var/log"] })).toEqual([
      "volume state: hostPath /var/lib/aliyun-response-exporter",
      "container state-dir: runAsUser 0",
      "container state-dir: runAsNonRoot not true",
      "container state-dir: adds CHOWN",
    ]);
    const wider = {
      ...chown,
      securityContext: {
        ...chown.securityContext,
        capabilities: { drop: ["ALL"], add: ["CHOWN", "FOWNER"] },
      },
    };
    expect(restrictedViolations(withState(wider), DAEMONSET)).toContain("container state-dir: adds FOWNER");
    const logsToo = { ...chown, volumeMounts: [...chown.volumeMounts, { name: "logs", mountPath: "/logs" }] };
    expect(restrictedViolations(withState(logsToo), DAEMONSET)).toContain("container state-dir: runAsUser 0");
    expect(restrictedViolations(withState({ ...chown, name: "other" }), DAEMONSET)).toContain(
      "container other: runAsUser 0",
    );
  });
});

describe("config/kubernetes/sidecar.yaml", () => {
  const objects = documents("sidecar.yaml");
  const configMap = objects.find((o) => o.kind === "ConfigMap");
  const workload = objects.find((o) => o.kind === "Deployment");
  const pod = workload?.spec?.template;
  const spec = pod?.spec;
  const exporter = (spec?.initContainers ?? []).find((c: Any) =>
    c.image.includes("aliyun-response-exporter"),
  );
  const app = (spec?.containers ?? []).find((c: Any) => c.name === "app");
  const mount = (c: Any, volume: string) => c?.volumeMounts?.find((m: Any) => m.name === volume);

  it("runs the exporter as a native sidecar next to the app, with no readiness probe anywhere near the app", () => {
    expect(exporter?.restartPolicy).toBe("Always");
    expect(app).toBeDefined();
    expect(spec.containers.map((c: Any) => c.image)).not.toContain(exporter.image);
    // Startup and liveness on /healthz; a readiness probe would gate the pod's readiness.
    for (const probe of [exporter.startupProbe, exporter.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    }
    for (const c of containersOf(spec)) expect(c.readinessProbe, c.name).toBeUndefined();
    expect(spec.readinessGates).toBeUndefined();
  });

  it("serves metrics on the default config's port, named metrics, with the scrape annotations", () => {
    expect(exporter.ports).toEqual([
      expect.objectContaining({ name: "metrics", containerPort: DEFAULT_PORT }),
    ]);
    expect(pod.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(DEFAULT_PORT),
      "prometheus.io/path": "/metrics",
      "prometheus.io/job": "aliyun-response-exporter",
    });
  });

  it("sets resource requests and limits on every container, and a read-only root filesystem", () => {
    for (const c of containersOf(spec)) {
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(["cpu", "memory"]);
      expect(Object.keys(c.resources?.limits ?? {}).sort(), c.name).toEqual(["cpu", "memory"]);
      expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
    }
    // The image's user, so that the checkpoint volume and the logs are the same owner as in Docker.
    expect(spec.securityContext.runAsUser).toBe(1000);
    // Neither container talks to the Kubernetes API.
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  it("embeds a valid exporter config in an immutable ConfigMap that reads the shared log volume read-only", () => {
    expect(configMap.immutable).toBe(true);
    const configArg = exporter.args[exporter.args.indexOf("--config") + 1] ?? "";
    expect(path.isAbsolute(configArg)).toBe(true);

    // The ConfigMap is mounted where --config points, under the key that names the file.
    const configVolume = spec.volumes.find((v: Any) => v.configMap?.name === configMap.metadata.name);
    expect(configVolume).toBeDefined();
    expect(mount(exporter, configVolume.name)?.mountPath).toBe(path.dirname(configArg));
    const text = configMap.data[path.basename(configArg)];
    expect(text).toEqual(expect.any(String));

    const dir = mkdtempSync(path.join(tmpdir(), "are-k8s-"));
    let config: Config;
    try {
      const file = path.join(dir, "config.yaml");
      writeFileSync(file, text);
      config = checkConfig(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(parseListen(config.listen)?.port).toBe(DEFAULT_PORT);

    const logVolume = spec.volumes.find(
      (v: Any) => v.emptyDir !== undefined && mount(app, v.name) !== undefined,
    );
    expect(logVolume).toBeDefined();
    const appMount = mount(app, logVolume.name);
    const exporterMount = mount(exporter, logVolume.name);
    expect(appMount.readOnly ?? false).toBe(false);
    expect(exporterMount.readOnly).toBe(true);
    expect(exporterMount.mountPath).toBe(appMount.mountPath);
    for (const source of config.sources) {
      for (const p of source.paths) expect(p.startsWith(`${exporterMount.mountPath}/`), p).toBe(true);
    }

    // Checkpoints go to a writable volume of the exporter (the root filesystem is read-only).
    const stateMount = exporter.volumeMounts.find((m: Any) => m.mountPath === config.checkpoint.dir);
    expect(stateMount).toBeDefined();
    expect(stateMount.readOnly ?? false).toBe(false);
  });
});
