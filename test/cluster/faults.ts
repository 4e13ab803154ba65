// Fault switches for tests: RBAC-like denials, metrics.k8s.io absent, a slow server,
// an unreachable server and an expired token. Changed at runtime by tests or the admin port.
import type { RequestInfo } from './request.ts';

export interface Denial { verb: string; resource: string; subresource?: string; namespace?: string; group?: string }

export class Faults {
  denials: Denial[] = [];
  metricsAvailable = true;
  delayMs = 0;
  tokenExpired = false;

  deny(rule: Denial): void {
    this.denials.push({ ...rule });
  }

  /** Removes denials matching every given field; with no argument, all of them. */
  allow(rule?: Partial<Denial>): void {
    if (!rule) {
      this.denials = [];
      return;
    }
    this.denials = this.denials.filter((d) => !Object.entries(rule).every(([k, v]) => v === undefined || d[k as keyof Denial] === v));
  }

  isDenied(info: RequestInfo): boolean {
    return this.denials.some((d) =>
      (d.verb === '*' || d.verb === info.verb) &&
      (d.resource === '*' || d.resource === info.resource) &&
      (d.subresource ?? '') === (info.subresource ?? '') &&
      // namespace '' denies only the cluster-wide form (a list across all namespaces), as a RoleBinding
      // without a ClusterRoleBinding does
      (d.namespace === undefined || d.namespace === (info.namespace ?? '')) &&
      (d.group === undefined || d.group === info.group));
  }

  snapshot(): Record<string, unknown> {
    return { denials: this.denials, metricsAvailable: this.metricsAvailable, delayMs: this.delayMs, tokenExpired: this.tokenExpired };
  }
}
