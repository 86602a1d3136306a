/**
 * config/kubernetes/daemonset.yaml keeps the promises of README "Kubernetes": the node's logs
 * mounted read-only at their node paths, a config that validates and reads them with path labels,
 * checkpoints on a hostPath under /var/lib/, a non-root exporter without capabilities that may read
 * the logs, on every node, with resources, scrape annotations and no API access.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkConfig } from "../../../src/config/load.js";
import { type Config, parseListen } from "../../../src/config/schema.js";
import { compileGlob, matchGlob } from "../../../src/sources/glob.js";
import { kubernetesPathLabels } from "../../../src/sources/kubernetes-path.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML.
type Any = any;

const objects: Any[] = parseAllDocuments(
  readFileSync(path.join(REPO, "config/kubernetes/daemonset.yaml"), "utf8"),
).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS();
});
const configMap = objects.find((o) => o.kind === "ConfigMap");
const daemonSet = objects.find((o) => o.kind === "DaemonSet");
const pod = daemonSet?.spec?.template;
const spec = pod?.spec;
const exporter = (spec?.containers ?? []).find((c: Any) => c.image.includes("aliyun-response-exporter"));
const volume = (name: string) => spec.volumes.find((v: Any) => v.name === name);
const mountAt = (c: Any, dir: string) => c.volumeMounts.find((m: Any) => m.mountPath === dir);

function embeddedConfig(): Config {
  const configArg = exporter.args[exporter.args.indexOf("--config") + 1];
  const mount = mountAt(exporter, path.dirname(configArg));
  expect(volume(mount.name).configMap.name).toBe(configMap.metadata.name);
  const dir = mkdtempSync(path.join(tmpdir(), "are-ds-"));
  try {
    const file = path.join(dir, "config.yaml");
    writeFileSync(file, configMap.data[path.basename(configArg)]);
    return checkConfig(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("config/kubernetes/daemonset.yaml", () => {
  it("is a ConfigMap and a DaemonSet whose selector matches its pods", () => {
    expect(objects.map((o) => o.kind)).toEqual(["ConfigMap", "DaemonSet"]);
    expect(pod.metadata.labels).toMatchObject(daemonSet.spec.selector.matchLabels);
  });

  it("mounts the node's log folders read-only at their node paths, and reads them with path labels", () => {
    const config = embeddedConfig();
    expect(parseListen(config.listen)?.port).toBe(9787);
    for (const dir of ["/var/log/pods", "/var/log/containers"]) {
      const m = mountAt(exporter, dir);
      expect(m?.readOnly, dir).toBe(true);
      expect(volume(m.name).hostPath.path).toBe(dir);
    }
    const [source] = config.sources;
    expect(source?.format).toBe("auto");
    expect(source?.pathLabels).toEqual(["namespace", "container", "workload"]);
    // The glob takes kubelet's live files and none of the rotated ones.
    const glob = compileGlob(source?.paths[0] as string);
    const live = "/var/log/pods/shop_cart-7d4b9c8f6-x2x9z_6f1c2d3e-aaaa-bbbb-cccc-0123456789ab/app/0.log";
    expect(matchGlob(glob, live)).toBe(true);
    expect(matchGlob(glob, `${live}.20261201-080000`)).toBe(false);
    expect(matchGlob(glob, `${live}.20261201-080000.gz`)).toBe(false);
    expect(kubernetesPathLabels(live)).toMatchObject({
      namespace: "shop",
      container: "app",
      workload: "cart",
    });
  });

  it("keeps checkpoints on a hostPath under /var/lib/, writable by the exporter", () => {
    const dir = embeddedConfig().checkpoint.dir as string;
    expect(dir.startsWith("/var/lib/")).toBe(true);
    const m = mountAt(exporter, dir);
    expect(m.readOnly ?? false).toBe(false);
    expect(volume(m.name).hostPath).toEqual({ path: dir, type: "DirectoryOrCreate" });
    // The only root step hands that folder to the exporter's user, and nothing else.
    const init = spec.initContainers;
    expect(init).toHaveLength(1);
    expect(init[0].command.join(" ")).toMatch(new RegExp(`chown ${spec.securityContext.runAsUser}:`));
    expect(init[0].volumeMounts.map((v: Any) => v.name)).toEqual([m.name]);
    expect(init[0].securityContext.capabilities).toEqual({ drop: ["ALL"], add: ["CHOWN"] });
  });

  it("runs the exporter as non-root without capabilities, in the group that may read the logs", () => {
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      supplementalGroups: [0],
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(exporter.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBeUndefined();
  });

  it("runs on every node, with resources, probes and the scrape annotations", () => {
    expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(Object.keys(c.resources.requests).sort(), c.name).toEqual(["cpu", "memory"]);
      expect(Object.keys(c.resources.limits).sort(), c.name).toEqual(["cpu", "memory"]);
    }
    expect(exporter.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "metrics" });
    expect(exporter.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(exporter.ports).toEqual([expect.objectContaining({ name: "metrics", containerPort: 9787 })]);
    expect(pod.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9787",
      "prometheus.io/path": "/metrics",
    });
  });
});
