import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { UsageError } from "../../../src/core/errors.js";
import { ExporterMetrics } from "../../../src/metrics/exporter-metrics.js";
import { kubernetesPathLabels, pathLabelsOf, workloadOf } from "../../../src/sources/kubernetes-path.js";
import { throttlingResponse } from "../../helpers/api-response.js";

const ID = "0123456789abcdef".repeat(4);

describe("Kubernetes metadata from paths", () => {
  it("reads kubelet's /var/log/pods layout, rotated and gzipped names included", () => {
    const expected = { namespace: "shop", pod: "cart-7d4b9c8f6-x2x9z", container: "app", workload: "cart" };
    for (const file of ["0.log", "3.log", "0.log.20261201-080000", "0.log.20261201-080000.gz"]) {
      expect(
        kubernetesPathLabels(
          `/var/log/pods/shop_cart-7d4b9c8f6-x2x9z_6f1c2d3e-aaaa-bbbb-cccc-0123456789ab/app/${file}`,
        ),
        file,
      ).toEqual(expected);
    }
  });

  it("reads the /var/log/containers symlinks, and the same layouts under another root", () => {
    expect(kubernetesPathLabels(`/var/log/containers/redis-0_cache_redis-server-${ID}.log`)).toEqual({
      namespace: "cache",
      pod: "redis-0",
      container: "redis-server",
      workload: "redis",
    });
    expect(
      kubernetesPathLabels("/tmp/x/var/log/pods/kube-system_fluentd-x7k2p_uid/fluentd/0.log"),
    ).toMatchObject({
      namespace: "kube-system",
      workload: "fluentd",
    });
  });

  it("finds nothing in other paths", () => {
    for (const p of [
      "/var/log/app/app.log",
      "/var/log/pods/shop_cart/app/0.log",
      "/var/log/pods/shop_cart_uid/app/app.log",
      `/var/log/other/redis-0_cache_redis-${ID}.log`,
      "/var/log/containers/short_id-123.log",
      "0.log",
    ]) {
      expect(kubernetesPathLabels(p), p).toBeNull();
    }
    expect(pathLabelsOf("/var/log/app.log", ["namespace", "workload"])).toEqual({
      namespace: "",
      workload: "",
    });
  });

  it("takes the controller's suffix off the pod name for the workload", () => {
    expect(workloadOf("cart-7d4b9c8f6-x2x9z")).toBe("cart"); // Deployment
    expect(workloadOf("backup-28912345-qwzkp")).toBe("backup"); // CronJob's Job
    expect(workloadOf("web-12")).toBe("web"); // StatefulSet
    expect(workloadOf("node-exporter-b9t7m")).toBe("node-exporter"); // DaemonSet / Job
    expect(workloadOf("api-server-v2")).toBe("api-server-v2"); // a bare pod
    expect(workloadOf("web-large")).toBe("web-large"); // vowels: not a generated suffix
  });
});

describe("path labels in metrics", () => {
  it("counts each file under its labels; values past a cap become __other__ (counted per file)", async () => {
    const m = new ExporterMetrics({
      processMetrics: false,
      sourceLabels: { pods: { env: "prod", namespace: "", workload: "" } },
      labelCaps: { namespace: 1 },
    });
    const shop = m.labelGroup("pods", { namespace: "shop", workload: "cart" });
    const again = m.labelGroup("pods", { namespace: "shop", workload: "cart" });
    const other = m.labelGroup("pods", { namespace: "bank", workload: "ledger" });
    expect(again).toBe(shop);
    const counts = {
      lines: 1,
      bytes: 1,
      responses: 1,
      malformed: 0,
      nonResponse: 0,
      oversized: 0,
      duplicate: 0,
    };
    m.recordBatch("pods", [throttlingResponse({ source: "pods" })], counts, shop);
    m.recordBatch("pods", [throttlingResponse({ source: "pods" })], counts, again);
    m.recordBatch("pods", [throttlingResponse({ source: "pods" })], counts, other);
    const text = (await m.metricsText(false)).body;
    const series = text.split("\n").filter((l) => l.startsWith("aliyun_api_responses_total{"));
    expect(series).toEqual([
      expect.stringMatching(/env="prod",namespace="shop",workload="cart"\} 2$/),
      expect.stringMatching(/env="prod",namespace="__other__",workload="ledger"\} 1$/),
    ]);
    expect(text).toMatch(/aliyun_response_exporter_label_overflow_total\{label="namespace"\} 1/);
    expect(text).not.toMatch(/label_overflow_total\{label="pod"\}/);
  });
});

describe("config: format and pathLabels", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  function load(yaml: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "are-k8s-"));
    dirs.push(dir);
    const file = path.join(dir, "c.yaml");
    writeFileSync(file, yaml);
    return loadConfig({ file, env: {} });
  }

  it("accepts the formats and path labels, auto and none by default", () => {
    const c = load(
      "sources:\n  - {name: a, paths: [x], format: docker, pathLabels: [namespace, pod]}\n  - {name: b, paths: [y]}\n",
    );
    expect(c.sources.map((s) => [s.format, s.pathLabels])).toEqual([
      ["docker", ["namespace", "pod"]],
      ["auto", []],
    ]);
  });

  it("lists every problem with its path", () => {
    let err: unknown;
    try {
      load(
        "sources:\n  - name: a\n    paths: [x]\n    format: json\n    labels: {namespace: prod}\n    pathLabels: [namespace, node, workload, workload]\n",
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const problems = (err as UsageError).problems.join("\n");
    expect(problems).toMatch(/sources\.0\.format: .*auto.*raw.*cri.*docker/);
    expect(problems).toMatch(/sources\.0\.pathLabels\.1: /);
    expect(problems).toMatch(/sources\.0\.pathLabels\.0: "namespace" is also a static label/);
    expect(problems).toMatch(/sources\.0\.pathLabels\.3: "workload" is listed twice/);
  });
});
