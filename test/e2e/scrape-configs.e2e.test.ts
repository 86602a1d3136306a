/**
 * The scrape config examples (config/prometheus/scrape-configs.yml) with a real Prometheus: their
 * relabelling applied to the targets that Kubernetes pod discovery makes of the sidecar manifest's
 * pod (one per container port, one port-free per container without ports, with the manifest's
 * annotations), plus another application's annotated pod. Debian's Prometheus has no Kubernetes
 * discovery, so those targets come as static ones carrying the same `__meta_kubernetes_*` labels.
 * Checked: which targets each job keeps, the job they get, and that the alert selector
 * (`instance:up:aliyun_response_exporter`) picks the exporters and nothing else.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { type CliProcess, cleanupCli, spawnCli } from "../helpers/cli-process.js";
import { externalBinary, requireBinary } from "../helpers/prometheus-binaries.js";
import { ALERTS_FILE, PROMETHEUS_DIR, RECORDING_RULES_FILE, ROOT } from "../helpers/prometheus-files.js";
import {
  freePort,
  type ManagedProcess,
  PrometheusApi,
  startPrometheus,
  type VectorSample,
} from "../helpers/prometheus-server.js";
import { waitUntil } from "../helpers/wait.js";

const prometheus = externalBinary("prometheus", "the scrape config examples with a real Prometheus");

// biome-ignore lint/suspicious/noExplicitAny: manifests and Prometheus configs are untyped YAML.
type Any = any;

/** The targets pod discovery makes of one pod: a port-free one per container without ports. */
function podTargets(pod: Any, host: string, namespace: string, portOverride: number): Any[] {
  const annotations: Record<string, string> = {
    ...pod.metadata.annotations,
    "prometheus.io/port": String(portOverride),
  };
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: namespace,
    __meta_kubernetes_pod_name: pod.metadata.name,
  };
  for (const [k, v] of Object.entries(annotations)) {
    meta[`__meta_kubernetes_pod_annotation_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
  }
  const containers = [
    ...(pod.spec.initContainers ?? []).map((c: Any) => ({ ...c, init: "true" })),
    ...pod.spec.containers.map((c: Any) => ({ ...c, init: "false" })),
  ];
  return containers.flatMap((c: Any) => {
    const base = {
      ...meta,
      __meta_kubernetes_pod_container_name: c.name,
      __meta_kubernetes_pod_container_init: c.init,
    };
    if (!c.ports?.length) return [{ targets: [host], labels: base }];
    return c.ports.map((p: Any) => ({
      // The exporter really listens on `portOverride`; discovery would give the declared port.
      targets: [`${host}:${portOverride}`],
      labels: { ...base, __meta_kubernetes_pod_container_port_name: p.name ?? "" },
    }));
  });
}

describe.skipIf(prometheus.skip)("the scrape config examples", () => {
  let dir: string;
  let exporter: CliProcess;
  let server: ManagedProcess | undefined;
  let api: PrometheusApi;
  let exporterPort: number;
  let deadPort: number;

  beforeAll(async () => {
    const binary = requireBinary(prometheus);
    dir = await mkdtemp(path.join(tmpdir(), "are-scrape-"));
    exporter = spawnCli(
      ["run", "--config", path.join(ROOT, "config/default.yaml"), "--listen", "127.0.0.1:0"],
      {
        cwd: ROOT,
      },
    );
    exporterPort = Number(new URL(await exporter.url(20_000)).port);
    deadPort = await freePort();

    const manifest = parseAllDocuments(
      await readFile(path.join(ROOT, "config/kubernetes/sidecar.yaml"), "utf8"),
    )
      .map((d) => d.toJS())
      .find((o: Any) => o.kind === "Deployment");
    const sidecarPod = {
      metadata: { name: "app-1", ...manifest.spec.template.metadata },
      spec: manifest.spec.template.spec,
    };
    // Another application's pod that uses the annotation convention, down, without prometheus.io/job.
    const webPod = {
      metadata: { name: "web-1", annotations: { "prometheus.io/scrape": "true" } },
      spec: { containers: [{ name: "web", ports: [{ name: "http", containerPort: 8080 }] }] },
    };

    const examples = parseYaml(
      await readFile(path.join(PROMETHEUS_DIR, "scrape-configs.yml"), "utf8"),
    ) as Any;
    const jobs = Object.fromEntries(examples.scrape_configs.map((j: Any) => [j.job_name, j]));
    expect(Object.keys(jobs).sort()).toEqual(["aliyun-response-exporter", "kubernetes-pods"]);
    // The two jobs would scrape the same sidecar; two host names keep their series apart here.
    const discovered: Record<string, Any[]> = {
      "aliyun-response-exporter": podTargets(sidecarPod, "127.0.0.1", "shop", exporterPort),
      "kubernetes-pods": [
        ...podTargets(sidecarPod, "localhost", "shop", exporterPort),
        ...podTargets(webPod, "localhost", "web", deadPort),
      ],
    };
    const scrapeConfigs = examples.scrape_configs.map((job: Any) => {
      const { kubernetes_sd_configs: _sd, ...rest } = job;
      return { ...rest, static_configs: discovered[job.job_name] };
    });
    const configFile = path.join(dir, "prometheus.yml");
    await writeFile(
      configFile,
      stringifyYaml({
        global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
        rule_files: [RECORDING_RULES_FILE, ALERTS_FILE],
        scrape_configs: scrapeConfigs,
      }),
    );
    const port = await freePort();
    server = await startPrometheus({ binary, configFile, dataDir: path.join(dir, "tsdb"), port });
    api = new PrometheusApi(`http://127.0.0.1:${port}`);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await cleanupCli();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  const labelsOf = (samples: VectorSample[]): Record<string, string>[] =>
    samples
      .map(({ metric, value }): Record<string, string> => ({ ...metric, value: value[1] }))
      .sort((a, b) => `${a.job}${a.instance}`.localeCompare(`${b.job}${b.instance}`));

  it("keep one target per sidecar in either job, named aliyun-response-exporter, and only those are selected", async () => {
    const up = await waitUntil(
      "three scraped targets",
      () => api.query("up"),
      (samples) => samples.length >= 3,
      30_000,
      250,
    );
    const exporterTarget = {
      __name__: "up",
      job: "aliyun-response-exporter",
      namespace: "shop",
      pod: "app-1",
    };
    expect(labelsOf(up)).toEqual([
      { ...exporterTarget, instance: `127.0.0.1:${exporterPort}`, value: "1" },
      { ...exporterTarget, instance: `localhost:${exporterPort}`, value: "1" },
      {
        __name__: "up",
        job: "kubernetes-pods",
        namespace: "web",
        pod: "web-1",
        instance: `localhost:${deadPort}`,
        value: "0",
      },
    ]);

    const selected = await waitUntil(
      "the selector's recording rule",
      () => api.query("instance:up:aliyun_response_exporter"),
      (samples) => samples.length >= 2,
      30_000,
      250,
    );
    expect(labelsOf(selected).map(({ __name__: _n, ...rest }) => rest)).toEqual(
      labelsOf(up)
        .filter((s) => s.job === "aliyun-response-exporter")
        .map(({ __name__: _n, ...rest }) => rest),
    );
    // And the exporter's own series arrive under that job.
    expect(
      await api.scalar('count(aliyun_response_exporter_build_info{job="aliyun-response-exporter"})'),
    ).toBe(2);
  });
});
