// "May I?" before doing: SelfSubjectAccessReviews, as `kubectl auth can-i` asks them, so a capture
// that needs exec or an ephemeral container says which rule is missing before it starts anything.
import type { KubeConfig } from '@kubernetes/client-node';
import { requestJson } from './apiRequest.ts';

export interface AccessCheck {
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly group?: string;
  readonly namespace: string;
  readonly name?: string;
}

interface Review { status?: { allowed?: boolean; denied?: boolean; reason?: string } }

/** "create pods/exec in namespace shop" */
export function describeCheck(c: AccessCheck): string {
  const res = `${c.resource}${c.subresource ? `/${c.subresource}` : ''}${c.group ? `.${c.group}` : ''}`;
  return `${c.verb} ${res} in namespace ${c.namespace}`;
}

/** The checks that are not allowed (an empty list: all are); asked in parallel. */
export async function missingAccess(kc: KubeConfig, checks: readonly AccessCheck[], signal?: AbortSignal): Promise<AccessCheck[]> {
  const answers = await Promise.all(checks.map(async (c) => {
    const review = await requestJson<Review>(kc, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {}, {
      value: {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: c.verb, resource: c.resource, subresource: c.subresource, group: c.group ?? '', namespace: c.namespace, name: c.name } },
      },
    }, { signal, timeoutMs: 15_000 });
    return review.status?.allowed === true;
  }));
  return checks.filter((_, i) => !answers[i]);
}
