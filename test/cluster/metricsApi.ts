// metrics.k8s.io/v1beta1 as metrics-server serves it: PodMetrics from each container's
// measured working set (what `kubectl top pods` shows) and NodeMetrics for the one node. Lists
// take labelSelector and fieldSelector (metadata.name, metadata.namespace) like metrics-server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { sendJson } from './http.ts';
import { nodeName } from './objects.ts';
import { iso } from './podStatus.ts';
import { formatKi, formatNanoCores } from './quantity.ts';
import type { RequestInfo } from './request.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { methodNotAllowed, notFound, pathNotFound } from './status.ts';
import type { K8sObject } from './store.ts';

const window = '10.086s';
const metricsGroup = 'metrics.k8s.io';

function podMetrics(ctx: ApiContext, pod: K8sObject): K8sObject | undefined {
  const { namespace, name } = pod.metadata;
  const containers: K8sObject[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const usage = ctx.kubelet.usage(namespace, name, c.name);
    if (!usage) continue;
    containers.push({ name: c.name, usage: { cpu: formatNanoCores(usage.cpuNanoCores), memory: formatKi(usage.workingSetBytes) } });
  }
  // metrics-server leaves out pods it has no complete sample for.
  if (containers.length === 0) return undefined;
  return {
    kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name, namespace, creationTimestamp: iso(), labels: pod.metadata.labels ?? {} },
    timestamp: iso(new Date(Date.now() - 2000)), window, containers,
  };
}

export function handleMetrics(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ctx: ApiContext): void {
  if (req.method !== 'GET') throw methodNotAllowed();
  // Lists only, as the generic list handler: a bad selector is a 400 before anything is read.
  const selected = () => {
    const labels = parseLabelSelector(info.query.get('labelSelector'));
    const fields = parseFieldSelector(info.query.get('fieldSelector'), info.resource, metricsGroup);
    return (o: K8sObject) => labels(o.metadata.labels) && fields(o);
  };
  if (info.resource === 'nodes') {
    let memory = 0;
    let cpu = 0;
    for (const pod of ctx.store.listRaw('pods')) for (const c of pod.spec?.containers ?? []) {
      const u = ctx.kubelet.usage(pod.metadata.namespace, pod.metadata.name, c.name);
      memory += u?.workingSetBytes ?? 0;
      cpu += u?.cpuNanoCores ?? 0;
    }
    const nodeLabels = ctx.store.get('nodes', undefined, nodeName)?.metadata.labels ?? {};
    const node = { kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: nodeName, creationTimestamp: iso(), labels: nodeLabels }, timestamp: iso(), window, usage: { cpu: formatNanoCores(cpu), memory: formatKi(memory) } };
    if (info.name && info.name !== nodeName) throw notFound('nodes', 'metrics.k8s.io', info.name);
    if (info.name) return sendJson(res, 200, node);
    return sendJson(res, 200, { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [node].filter(selected()) });
  }
  if (info.resource !== 'pods') throw pathNotFound();
  if (info.name) {
    const pod = ctx.store.get('pods', info.namespace, info.name);
    const m = pod && podMetrics(ctx, pod);
    if (!m) throw notFound('pods', 'metrics.k8s.io', info.name);
    return sendJson(res, 200, m);
  }
  const items = ctx.store.listRaw('pods', info.namespace)
    .filter(selected())
    .map((p) => podMetrics(ctx, p))
    .filter((m): m is K8sObject => !!m);
  sendJson(res, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
}
