// Kubernetes Events as the kubelet and controllers record them; repeats of the same
// reason and message on the same object bump `count` instead of adding a new Event.
import { nodeName } from './objects.ts';
import type { K8sObject, Store } from './store.ts';

export interface PastOccurrences { count: number; first: string; last: string }

export interface EventInput {
  object: K8sObject;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  fieldPath?: string;
  component?: string;
  /** For events from before the emulator started (seeded from history): how often, first and last time. */
  past?: PastOccurrences;
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
      // Occurrences from before the emulator started join the live event: more count, an earlier first time.
      this.store.mutate('events', meta.namespace, existing, (ev) => {
        ev.count = (ev.count ?? 1) + (e.past?.count ?? 1);
        if (e.past && e.past.first < ev.firstTimestamp) ev.firstTimestamp = e.past.first;
        if (!e.past || now > ev.lastTimestamp) ev.lastTimestamp = now;
      });
      return;
    }
    // Like the kubelet's `<object>.<unix nanos in hex>`: names sort in time order.
    const name = `${meta.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(this.counter++ % 1_000_000)).toString(16)}`;
    this.names.set(dedupKey, name);
    const component = e.component ?? 'kubelet';
    // the kubelet and node-problem-detector's kernel monitor report from the node they run on
    const onNode = component === 'kubelet' || component === 'kernel-monitor';
    const involved: K8sObject = { kind: e.object.kind, namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: e.object.apiVersion, resourceVersion: meta.resourceVersion };
    if (e.fieldPath) involved.fieldPath = e.fieldPath;
    this.store.create('events', {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: meta.namespace ?? 'default' },
      involvedObject: involved,
      reason: e.reason, message: e.message, type: e.type ?? 'Normal',
      source: onNode ? { component, host: nodeName } : { component },
      firstTimestamp: e.past?.first ?? now, lastTimestamp: now, count: e.past?.count ?? 1, eventTime: null,
      reportingComponent: component, reportingInstance: onNode ? nodeName : '',
    });
  }

  /** What the kubelet records for each container it creates and starts (kuberuntime's messages). */
  containerStarted(pod: K8sObject, container: string, past?: PastOccurrences, ephemeral = false): void {
    const fieldPath = `spec.${ephemeral ? 'ephemeralContainers' : 'containers'}{${container}}`;
    const image = (ephemeral ? pod.spec.ephemeralContainers ?? [] : pod.spec.containers).find((c: K8sObject) => c.name === container)?.image;
    this.record({ object: pod, reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath, past });
    this.record({ object: pod, reason: 'Created', message: `Created container: ${container}`, fieldPath, past });
    this.record({ object: pod, reason: 'Started', message: `Started container ${container}`, fieldPath, past });
  }

  /** What the kubelet records when an image cannot be pulled (kuberuntime's image puller). */
  pullFailed(pod: K8sObject, container: string, image: string, message: string, ephemeral = false): void {
    const fieldPath = `spec.${ephemeral ? 'ephemeralContainers' : 'containers'}{${container}}`;
    this.record({ object: pod, reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath });
    this.record({ object: pod, reason: 'Failed', type: 'Warning', message: `Failed to pull image "${image}": ${message}`, fieldPath });
    this.record({ object: pod, reason: 'Failed', type: 'Warning', message: 'Error: ErrImagePull', fieldPath });
  }

  pullBackOff(pod: K8sObject, container: string, image: string, ephemeral = false): void {
    const fieldPath = `spec.${ephemeral ? 'ephemeralContainers' : 'containers'}{${container}}`;
    this.record({ object: pod, reason: 'BackOff', message: `Back-off pulling image "${image}"`, fieldPath });
    this.record({ object: pod, reason: 'Failed', type: 'Warning', message: 'Error: ImagePullBackOff', fieldPath });
  }

  /** The kubelet's event while a crashed container waits out its back-off (doBackOff). */
  backOff(pod: K8sObject, container: string, past?: PastOccurrences): void {
    const message = `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    this.record({ object: pod, reason: 'BackOff', type: 'Warning', fieldPath: `spec.containers{${container}}`, message, past });
  }
}
