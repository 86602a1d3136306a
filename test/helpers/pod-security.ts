/**
 * The *restricted* Pod Security Standard (which includes *baseline*) as a check over one pod spec,
 * for the manifest tests: each violated control becomes one message naming the container or volume.
 * Documented exceptions for a DaemonSet (README "Kubernetes"): hostPath volumes under
 * `hostPathLogDirs`, read-only, to read the node's logs; one writable hostPath under
 * `hostPathStateDirs` for its checkpoints, and one init container (`chownInitContainer`) that may
 * run as root with CAP_CHOWN alone and mounts nothing but that folder, to hand it to the pod's user.
 */

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML; every access is checked.
type Any = any;

export interface PodSecurityOptions {
  /** Folders a hostPath volume may point into (read-only mounts only); none by default. */
  readonly hostPathLogDirs?: readonly string[];
  /** Folders a hostPath volume may point into with a writable mount (a DaemonSet's checkpoints). */
  readonly hostPathStateDirs?: readonly string[];
  /** The init container that may run as root with only CHOWN, mounting only state hostPaths. */
  readonly chownInitContainer?: string;
}

const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
const SELINUX_TYPES = new Set([
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

/** Every container of a pod spec: init (sidecars included), regular and ephemeral. */
export function containersOf(spec: Any): Any[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

/** The pod spec of a workload object, or undefined for other kinds. */
export function podSpecOf(obj: Any): Any | undefined {
  if (obj?.kind === "Pod") return obj.spec;
  if (obj?.kind === "CronJob") return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj?.spec?.template?.spec;
}

function contextChecks(where: string, sc: Any, out: string[]): void {
  if (sc?.windowsOptions?.hostProcess === true) out.push(`${where}: windowsOptions.hostProcess`);
  const apparmor = sc?.appArmorProfile?.type;
  if (apparmor !== undefined && apparmor !== "RuntimeDefault" && apparmor !== "Localhost")
    out.push(`${where}: appArmorProfile ${apparmor}`);
  const se = sc?.seLinuxOptions;
  if (
    se !== undefined &&
    (!SELINUX_TYPES.has(se.type ?? "") || se.user !== undefined || se.role !== undefined)
  )
    out.push(`${where}: seLinuxOptions`);
  if (sc?.seccompProfile?.type === "Unconfined") out.push(`${where}: seccompProfile Unconfined`);
  if (sc?.runAsUser === 0) out.push(`${where}: runAsUser 0`);
}

/**
 * The allowed owner-fixing init container: named so, an init container, root with
 * `capabilities: {drop: [ALL], add: [CHOWN]}`, no privilege escalation, mounting only state hostPaths.
 */
function isChownInit(c: Any, spec: Any, options: PodSecurityOptions, stateVolumes: Set<string>): boolean {
  if (options.chownInitContainer === undefined || c.name !== options.chownInitContainer) return false;
  if (!(spec?.initContainers ?? []).includes(c) || c.restartPolicy === "Always") return false;
  const sc = c.securityContext ?? {};
  const caps = sc.capabilities ?? {};
  const mounts = c.volumeMounts ?? [];
  return (
    sc.privileged !== true &&
    sc.allowPrivilegeEscalation === false &&
    JSON.stringify(caps.drop) === '["ALL"]' &&
    JSON.stringify(caps.add) === '["CHOWN"]' &&
    mounts.length > 0 &&
    mounts.every((m: Any) => stateVolumes.has(m.name))
  );
}

/** The controls the pod spec breaks; empty when it passes. */
export function restrictedViolations(spec: Any, options: PodSecurityOptions = {}): string[] {
  const out: string[] = [];
  const pod = spec?.securityContext ?? {};
  for (const field of ["hostNetwork", "hostPID", "hostIPC"])
    if (spec?.[field] === true) out.push(`pod: ${field}`);
  contextChecks("pod", pod, out);
  for (const sysctl of pod.sysctls ?? [])
    if (!SAFE_SYSCTLS.has(sysctl.name)) out.push(`pod: sysctl ${sysctl.name}`);

  const containers = containersOf(spec);
  const hostPaths = new Map<string, string>();
  const stateVolumes = new Set<string>();
  const under = (p: string, dirs: readonly string[] = []) =>
    dirs.some((d) => p === d || p.startsWith(`${d}/`));
  for (const volume of spec?.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== "name") ?? "";
    if (type === "hostPath") {
      const p = String(volume.hostPath?.path ?? "");
      if (under(p, options.hostPathLogDirs)) hostPaths.set(volume.name, p);
      else if (under(p, options.hostPathStateDirs)) stateVolumes.add(volume.name);
      else out.push(`volume ${volume.name}: hostPath ${p}`);
    } else if (!RESTRICTED_VOLUMES.has(type)) out.push(`volume ${volume.name}: type ${type}`);
  }

  for (const c of containers) {
    const where = `container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (isChownInit(c, spec, options, stateVolumes)) continue;
    contextChecks(where, sc, out);
    if (sc.privileged === true) out.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation not false`);
    if (sc.procMount !== undefined && sc.procMount !== "Default")
      out.push(`${where}: procMount ${sc.procMount}`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot not true`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
      out.push(`${where}: seccompProfile ${seccomp}`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${where}: capabilities not dropping ALL`);
    for (const cap of sc.capabilities?.add ?? [])
      if (cap !== "NET_BIND_SERVICE") out.push(`${where}: adds ${cap}`);
    for (const port of c.ports ?? []) if (port.hostPort) out.push(`${where}: hostPort ${port.hostPort}`);
    for (const m of c.volumeMounts ?? [])
      if (hostPaths.has(m.name) && m.readOnly !== true)
        out.push(`${where}: hostPath ${m.name} not read-only`);
  }
  return out;
}
