// Is the workload owned by a GitOps tool or a Helm release? Then a change made here is reverted
// (or shown as drift) at the next sync, and the warning must say where to make it instead.
// Read from the object's labels, annotations and managedFields managers: what each tool writes.
import type { KubeObject } from './kubeObject.ts';

export interface GitOpsFinding {
  readonly tool: 'Argo CD' | 'Flux' | 'Helm';
  /** What gave it away: "annotation argocd.argoproj.io/tracking-id". */
  readonly evidence: string;
  /** Where the change belongs. */
  readonly where: string;
}

const ARGO_PREFIX = 'argocd.argoproj.io/';
const ARGO_MANAGERS = /^argocd(-application)?-controller$/;

// Values from the cluster go into a message: keep them short and printable.
const clean = (v: string | undefined): string => (v ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 120);

export function detectGitOps(obj: KubeObject): GitOpsFinding[] {
  const labels = obj.metadata?.labels ?? {};
  const annotations = obj.metadata?.annotations ?? {};
  const managers = (obj.metadata?.managedFields ?? []).map((m) => (typeof m?.manager === 'string' ? m.manager : '')).filter(Boolean);
  return [...argo(labels, annotations, managers), ...flux(labels, managers), ...helm(labels, annotations, managers)];
}

function argo(labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, managers: readonly string[]): GitOpsFinding[] {
  const key = [...Object.keys(annotations), ...Object.keys(labels)].find((k) => k.startsWith(ARGO_PREFIX));
  const manager = managers.find((m) => ARGO_MANAGERS.test(m));
  if (!key && !manager) return [];
  // tracking-id is "<app>:<group>/<kind>:<namespace>/<name>"; label tracking uses app.kubernetes.io/instance.
  const tracking = annotations[`${ARGO_PREFIX}tracking-id`];
  const app = clean(tracking?.split(':')[0] || labels['app.kubernetes.io/instance']);
  return [{
    tool: 'Argo CD',
    evidence: key ? `${key in annotations ? 'annotation' : 'label'} ${clean(key)}` : `managedFields manager ${clean(manager)}`,
    where: `in the Git repository (manifests, Helm values or kustomization) that Argo CD application${app ? ` "${app}"` : ''} syncs from; a self-healing application reverts this change at once, any other shows it as OutOfSync`,
  }];
}

function flux(labels: Readonly<Record<string, string>>, managers: readonly string[]): GitOpsFinding[] {
  const out: GitOpsFinding[] = [];
  const kustomization = labels['kustomize.toolkit.fluxcd.io/name'];
  const release = labels['helm.toolkit.fluxcd.io/name'];
  if (kustomization !== undefined || managers.includes('kustomize-controller')) {
    const ns = clean(labels['kustomize.toolkit.fluxcd.io/namespace']);
    out.push({
      tool: 'Flux',
      evidence: kustomization !== undefined ? 'label kustomize.toolkit.fluxcd.io/name' : 'managedFields manager kustomize-controller',
      where: `in the Git source of Flux Kustomization${kustomization ? ` ${ns ? `${ns}/` : ''}${clean(kustomization)}` : ''}; the next reconciliation reverts this change`,
    });
  }
  if (release !== undefined || managers.includes('helm-controller')) {
    const ns = clean(labels['helm.toolkit.fluxcd.io/namespace']);
    out.push({
      tool: 'Flux',
      evidence: release !== undefined ? 'label helm.toolkit.fluxcd.io/name' : 'managedFields manager helm-controller',
      where: `in the values of Flux HelmRelease${release ? ` ${ns ? `${ns}/` : ''}${clean(release)}` : ''} (in Git); the next reconciliation reverts this change`,
    });
  }
  return out;
}

function helm(labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, managers: readonly string[]): GitOpsFinding[] {
  const release = annotations['meta.helm.sh/release-name'];
  const byLabel = labels['app.kubernetes.io/managed-by'] === 'Helm';
  if (release === undefined && !byLabel && !managers.includes('helm')) return [];
  const ns = clean(annotations['meta.helm.sh/release-namespace']);
  return [{
    tool: 'Helm',
    evidence: release !== undefined ? 'annotation meta.helm.sh/release-name' : byLabel ? 'label app.kubernetes.io/managed-by=Helm' : 'managedFields manager helm',
    where: `in the values of Helm release${release ? ` ${clean(release)}${ns ? ` (namespace ${ns})` : ''}` : ''}; the next helm upgrade puts the chart's value back`,
  }];
}

/** One warning sentence for the confirmation, or undefined when no tool manages the object. */
export function gitOpsWarning(findings: readonly GitOpsFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  return findings.map((f) => `Managed by ${f.tool} (${f.evidence}): make the lasting change ${f.where}.`).join('\n');
}
