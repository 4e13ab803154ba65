// Field validation for what clients write (deployments, replica sets, pods), with the
// real server's field paths and phrasing, so a bad patch fails the way it would on a cluster.
import { type Cause, ApiError, failure, invalid } from './status.ts';
import { parseQuantity } from './quantity.ts';
import type { K8sObject } from './store.ts';

const quantityRegex = "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function checkQuantities(kind: string, containers: K8sObject[]): void {
  for (const c of containers ?? []) for (const section of ['requests', 'limits']) {
    for (const [name, value] of Object.entries(c.resources?.[section] ?? {})) {
      if (parseQuantity(value) === undefined) {
        throw new ApiError(failure(400, 'BadRequest', `${kind} in version "v1" cannot be handled as a ${kind}: quantities must match the regular expression ${quantityRegex}`));
      }
      void name;
    }
  }
}

function podSpecCauses(spec: K8sObject | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  const containers: K8sObject[] = spec?.containers ?? [];
  if (containers.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.containers` });
  containers.forEach((c, i) => {
    const p = `${path}.containers[${i}]`;
    if (!c.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${p}.name` });
    if (!c.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${p}.image` });
    for (const r of ['memory', 'cpu']) {
      const req = c.resources?.requests?.[r];
      const lim = c.resources?.limits?.[r];
      if (req !== undefined && lim !== undefined && parseQuantity(req)! > parseQuantity(lim)!) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${req}": must be less than or equal to ${r} limit of ${lim}`, field: `${p}.resources.requests` });
      }
    }
  });
  return causes;
}

export function validate(resource: string, obj: K8sObject, old?: K8sObject): void {
  const kind = obj.kind ?? resource;
  const name = obj.metadata?.name ?? '';
  const group = resource === 'deployments' || resource === 'replicasets' ? 'apps' : '';
  if (resource === 'pods') {
    checkQuantities('Pod', obj.spec?.containers);
    const causes = podSpecCauses(obj.spec, 'spec');
    if (causes.length) throw invalid('Pod', '', name, causes);
    return;
  }
  if (resource !== 'deployments' && resource !== 'replicasets') return;
  checkQuantities(kind, obj.spec?.template?.spec?.containers);
  const causes: Cause[] = [];
  const replicas = obj.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
  }
  const selector = obj.spec?.selector?.matchLabels ?? {};
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  if (Object.keys(selector).length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
  else if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' });
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(obj.spec?.selector)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(obj.spec?.selector)}: field is immutable`, field: 'spec.selector' });
  }
  causes.push(...podSpecCauses(obj.spec?.template?.spec, 'spec.template.spec'));
  if (causes.length) throw invalid(kind, group, name, causes);
}

/** What the real server defaults on a created Deployment, so later reads look normal. */
export function defaultDeployment(d: K8sObject): void {
  d.spec ??= {};
  d.spec.replicas ??= 1;
  d.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  d.spec.template ??= {};
  d.spec.template.metadata ??= {};
  const spec = (d.spec.template.spec ??= {});
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) {
    c.imagePullPolicy ??= c.image?.endsWith(':latest') || !c.image?.includes(':') ? 'Always' : 'IfNotPresent';
    c.resources ??= {};
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
  }
  d.status ??= {};
}
