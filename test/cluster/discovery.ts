// Legacy discovery documents (/api, /apis, group versions) and /version. kubectl 1.33
// asks for aggregated discovery first and falls back to these when it gets plain JSON.
import { authorizationGroup, reviewResources } from './authorization.ts';
import { apiVersionOf, groupVersions, resourceTypes } from './registry.ts';

/** The stored types' groups, and authorization.k8s.io (reviews, nothing stored) after apps as on a cluster. */
const servedGroups = [...groupVersions];
servedGroups.splice(servedGroups.findIndex((g) => g.group === 'apps') + 1, 0, { group: authorizationGroup, version: 'v1' });

export function versionInfo(): Record<string, string> {
  return {
    major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
    buildDate: '2025-04-23T00:00:00Z', goVersion: 'go1.24.2', compiler: 'gc', platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function group(name: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

export function groupList(metricsAvailable: boolean): Record<string, unknown> {
  const groups = servedGroups.filter((g) => metricsAvailable || g.group !== 'metrics.k8s.io').map((g) => group(g.group, g.version));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(name: string): Record<string, unknown> | undefined {
  const g = servedGroups.find((x) => x.group === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...group(g.group, g.version) } : undefined;
}

export function resourceList(groupName: string, version: string): Record<string, unknown> | undefined {
  if (groupName === authorizationGroup && version === 'v1') return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${authorizationGroup}/v1`, resources: reviewResources };
  const types = resourceTypes.filter((t) => t.group === groupName && t.version === version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of types) {
    const r: Record<string, unknown> = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
    if (t.shortNames) r.shortNames = t.shortNames;
    if (t.categories) r.categories = t.categories;
    resources.push(r);
    for (const s of t.subresources) {
      const sub: Record<string, unknown> = { name: `${t.resource}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group) { sub.group = s.group; sub.version = s.version; }
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(types[0]), resources };
}
