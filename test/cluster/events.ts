// Kubernetes Events as the kubelet and controllers record them; repeats of the same
// reason and message on the same object bump `count` instead of adding a new Event.
import { nodeName } from './objects.ts';
import type { K8sObject, Store } from './store.ts';

export interface EventInput {
  object: K8sObject;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  fieldPath?: string;
  component?: string;
  /** For events from before the emulator started (seeded from history): how often, first and last time. */
  past?: { count: number; first: string; last: string };
}

export class EventRecorder {
  private readonly store: Store;
  private readonly names = new Map<string, string>();
  private counter = 0;

  constructor(store: Store) {
    this.store = store;
  }

  record(e: EventInput): void {
    const meta = e.object.metadata;
    const now = e.past?.last ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const dedupKey = `${meta.uid}|${e.reason}|${e.message}|${e.fieldPath ?? ''}`;
    const existing = this.names.get(dedupKey);
    if (existing && this.store.get('events', meta.namespace, existing)) {
      this.store.mutate('events', meta.namespace, existing, (ev) => {
        ev.count = (ev.count ?? 1) + 1;
        ev.lastTimestamp = now;
      });
      return;
    }
    // Like the kubelet's `<object>.<unix nanos in hex>`: names sort in time order.
    const name = `${meta.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(this.counter++ % 1_000_000)).toString(16)}`;
    this.names.set(dedupKey, name);
    const component = e.component ?? 'kubelet';
    const involved: K8sObject = { kind: e.object.kind, namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: e.object.apiVersion, resourceVersion: meta.resourceVersion };
    if (e.fieldPath) involved.fieldPath = e.fieldPath;
    this.store.create('events', {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: meta.namespace ?? 'default' },
      involvedObject: involved,
      reason: e.reason, message: e.message, type: e.type ?? 'Normal',
      source: component === 'kubelet' ? { component, host: nodeName } : { component },
      firstTimestamp: e.past?.first ?? now, lastTimestamp: now, count: e.past?.count ?? 1, eventTime: null,
      reportingComponent: component, reportingInstance: component === 'kubelet' ? nodeName : '',
    });
  }
}
