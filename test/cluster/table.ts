// meta.k8s.io/v1 Table answers for clients that ask with `Accept: ...;as=Table` (kubectl get),
// with the columns and cell text of the real server's printers.
import type { K8sObject } from './store.ts';

interface Column { name: string; type: string; format?: string; priority?: number }

const col = (name: string, priority = 0, type = 'string', format = ''): Column => ({ name, type, format, priority });

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** Kubernetes' duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return d < 730 ? `${d}d` : `${Math.floor(d / 365)}y`;
}

const since = (t: string | undefined) => (t ? humanDuration(Date.now() - Date.parse(t)) : '<unknown>');

function podStatusText(p: K8sObject): string {
  let reason = p.status?.reason ?? p.status?.phase ?? 'Pending';
  let running = false;
  for (const cs of [...(p.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated) reason = cs.state.terminated.reason ?? (cs.state.terminated.signal ? `Signal:${cs.state.terminated.signal}` : `ExitCode:${cs.state.terminated.exitCode}`);
    else if (cs.ready && cs.state?.running) running = true;
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function podRow(p: K8sObject): unknown[] {
  const statuses = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? 0;
  const ready = statuses.filter((c: K8sObject) => c.ready).length;
  const restarts = statuses.reduce((n: number, c: K8sObject) => n + (c.restartCount ?? 0), 0);
  const lastFinished = statuses.map((c: K8sObject) => c.lastState?.terminated?.finishedAt).filter(Boolean).sort().pop();
  const restartText = lastFinished ? `${restarts} (${since(lastFinished)} ago)` : String(restarts);
  return [p.metadata.name, `${ready}/${total}`, podStatusText(p), restartText, since(p.metadata.creationTimestamp), p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>', '<none>', '<none>'];
}

const images = (o: K8sObject) => (o.spec?.template?.spec?.containers ?? []).map((c: K8sObject) => c.image).join(',');
const names = (o: K8sObject) => (o.spec?.template?.spec?.containers ?? []).map((c: K8sObject) => c.name).join(',');
const selector = (o: K8sObject) => Object.entries(o.spec?.selector?.matchLabels ?? o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';

const printers: Record<string, { columns: Column[]; row: (o: K8sObject) => unknown[] }> = {
  pods: {
    columns: [col('Name', 0, 'string', 'name'), col('Ready'), col('Status'), col('Restarts'), col('Age'), col('IP', 1), col('Node', 1), col('Nominated Node', 1), col('Readiness Gates', 1)],
    row: podRow,
  },
  deployments: {
    columns: [col('Name', 0, 'string', 'name'), col('Ready'), col('Up-to-date', 0, 'integer'), col('Available', 0, 'integer'), col('Age'), col('Containers', 1), col('Images', 1), col('Selector', 1)],
    row: (d) => [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, since(d.metadata.creationTimestamp), names(d), images(d), selector(d)],
  },
  statefulsets: {
    columns: [col('Name', 0, 'string', 'name'), col('Ready'), col('Age'), col('Containers', 1), col('Images', 1)],
    row: (s) => [s.metadata.name, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, since(s.metadata.creationTimestamp), names(s), images(s)],
  },
  daemonsets: {
    columns: [col('Name', 0, 'string', 'name'), col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), col('Up-to-date', 0, 'integer'), col('Available', 0, 'integer'), col('Node Selector'), col('Age'), col('Containers', 1), col('Images', 1), col('Selector', 1)],
    row: (d) => [d.metadata.name, d.status?.desiredNumberScheduled ?? 0, d.status?.currentNumberScheduled ?? 0, d.status?.numberReady ?? 0, d.status?.updatedNumberScheduled ?? 0, d.status?.numberAvailable ?? 0, Object.entries(d.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>', since(d.metadata.creationTimestamp), names(d), images(d), selector(d)],
  },
  replicasets: {
    columns: [col('Name', 0, 'string', 'name'), col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), col('Age'), col('Containers', 1), col('Images', 1), col('Selector', 1)],
    row: (r) => [r.metadata.name, r.spec?.replicas ?? 0, r.status?.replicas ?? 0, r.status?.readyReplicas ?? 0, since(r.metadata.creationTimestamp), names(r), images(r), selector(r)],
  },
  services: {
    columns: [col('Name', 0, 'string', 'name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 1)],
    row: (s) => [s.metadata.name, s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP ?? '<none>', '<none>', (s.spec?.ports ?? []).map((p: K8sObject) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','), since(s.metadata.creationTimestamp), selector(s)],
  },
  namespaces: {
    columns: [col('Name', 0, 'string', 'name'), col('Status'), col('Age')],
    row: (n) => [n.metadata.name, n.status?.phase ?? 'Active', since(n.metadata.creationTimestamp)],
  },
  nodes: {
    columns: [col('Name', 0, 'string', 'name'), col('Status'), col('Roles'), col('Age'), col('Version')],
    row: (n) => [n.metadata.name, 'Ready', 'control-plane', since(n.metadata.creationTimestamp), n.status?.nodeInfo?.kubeletVersion ?? ''],
  },
  events: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message'), col('Name', 1, 'string', 'name')],
    row: (e) => [since(e.lastTimestamp), e.type, e.reason, `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}`, e.message, e.metadata.name],
  },
};

const fallback = { columns: [col('Name', 0, 'string', 'name'), col('Created At', 0, 'date')], row: (o: K8sObject) => [o.metadata.name, o.metadata.creationTimestamp] };

function rowObject(o: K8sObject, include: string | null): K8sObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(resource: string, objects: K8sObject[], listMeta: K8sObject, includeObject: string | null): K8sObject {
  const p = printers[resource] ?? fallback;
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta,
    columnDefinitions: p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({ cells: p.row(o), object: rowObject(o, includeObject) })),
  };
}
