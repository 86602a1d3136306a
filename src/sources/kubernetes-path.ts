/**
 * Kubernetes metadata from a container log's path (README "Container logs"), without the API:
 *
 *   /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log       (kubelet; also rotated `<n>.log.<time>[.gz]`)
 *   /var/log/containers/<pod>_<namespace>_<container>-<id>.log      (kubelet's symlinks)
 *
 * Only the last segments are looked at, so the same layout under another root (a copy, a test
 * tree) is recognised too. Names of namespaces and pods cannot hold `_`, which makes the split exact.
 */
export const PATH_LABELS = ["namespace", "pod", "container", "workload"] as const;
export type PathLabel = (typeof PATH_LABELS)[number];
export type PathLabels = Readonly<Record<PathLabel, string>>;

const POD_DIR = /^([^_/]+)_([^_/]+)_([^_/]+)$/;
const POD_LOG = /^\d+\.log(?:\.[^/]+)?$/;
const CONTAINER_LOG = /^([^_/]+)_([^_/]+)_(.+)-[0-9a-f]{64}\.log$/;

/** The pod's metadata when `path` has one of kubelet's layouts, else null. */
export function kubernetesPathLabels(path: string): PathLabels | null {
  const parts = path.split("/");
  const file = parts[parts.length - 1] ?? "";
  const dir = parts[parts.length - 2] ?? "";
  const podDir = POD_DIR.exec(parts[parts.length - 3] ?? "");
  if (podDir !== null && POD_LOG.test(file) && dir !== "") {
    return labels(podDir[1] as string, podDir[2] as string, dir);
  }
  const link = dir === "containers" ? CONTAINER_LOG.exec(file) : null;
  if (link !== null) return labels(link[2] as string, link[1] as string, link[3] as string);
  return null;
}

function labels(namespace: string, pod: string, container: string): PathLabels {
  return { namespace, pod, container, workload: workloadOf(pod) };
}

// The random suffixes Kubernetes appends use this alphabet (no vowels, no 0, 1, 3).
const SAFE = "[bcdfghjklmnpqrstvwxz2456789]";
/** Deployment → ReplicaSet pods `<name>-<pod-template-hash>-<5>`; a CronJob's `<name>-<minutes>-<5>`. */
const REPLICA_SET_POD = new RegExp(`^(.+)-(?:${SAFE}{6,10}|\\d{8,})-${SAFE}{5}$`);
/** StatefulSet pods `<name>-<ordinal>`. */
const STATEFUL_SET_POD = /^(.+)-\d+$/;
/** DaemonSet, Job and bare ReplicaSet pods `<name>-<5>`. */
const GENERATED_POD = new RegExp(`^(.+)-${SAFE}{5}$`);

/**
 * The pod's name without the suffix its controller added: what stays the same across restarts and
 * replicas. A guess from the name alone (no API access); a pod without such a suffix is its own workload.
 */
export function workloadOf(pod: string): string {
  const m = REPLICA_SET_POD.exec(pod) ?? STATEFUL_SET_POD.exec(pod) ?? GENERATED_POD.exec(pod);
  return m === null ? pod : (m[1] as string);
}

/** The configured path labels of one file: `""` (an absent label) where the path has no such metadata. */
export function pathLabelsOf(path: string, names: readonly PathLabel[]): Record<string, string> {
  const found = kubernetesPathLabels(path);
  const out: Record<string, string> = {};
  for (const name of names) out[name] = found?.[name] ?? "";
  return out;
}
