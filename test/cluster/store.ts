// The one in-memory object store: a global, monotonically increasing resourceVersion
// (like etcd's revision), uids, creation timestamps, generations, and a bounded event
// history so watches can resume from a resourceVersion or be told it is too old.
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound } from './status.ts';

export type K8sObject = Record<string, any>;
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
/**
 * One change, with the object as it was before it (`previous`, absent for ADDED): a watch checks
 * its selector against both, as the API server's watch cache does (watchCacheEvent.PrevObject).
 */
export interface StoreEvent { type: EventType; resource: string; object: K8sObject; previous?: K8sObject; rv: number }

/** Resources whose spec changes bump metadata.generation (controllers compare it with status.observedGeneration). */
const generational = new Set(['deployments', 'replicasets', 'statefulsets', 'daemonsets']);
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += suffixAlphabet[Math.floor(Math.random() * suffixAlphabet.length)];
  return s;
}

export interface WriteOptions { dryRun?: boolean }

export class Store {
  private revision = 0;
  /** Per resource, like the API server's per-type watch cache: event spam in one type does not expire watches of another. */
  private readonly compacted = new Map<string, number>();
  private readonly objects = new Map<string, K8sObject>();
  private readonly history = new Map<string, StoreEvent[]>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly historyLimit: number;

  constructor(historyLimit = 2000) {
    this.historyLimit = historyLimit;
  }

  get resourceVersion(): number { return this.revision; }
  /** Watches of `resource` from a resourceVersion below this cannot be served (410 Expired). */
  compactedRevision(resource: string): number { return this.compacted.get(resource) ?? 0; }

  private key(resource: string, namespace: string | undefined, name: string): string {
    return `${resource}/${namespace ?? ''}/${name}`;
  }

  get(resource: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const obj = this.objects.get(this.key(resource, namespace, name));
    return obj ? structuredClone(obj) : undefined;
  }

  mustGet(resource: string, group: string, namespace: string | undefined, name: string): K8sObject {
    const obj = this.get(resource, namespace, name);
    if (!obj) throw notFound(resource, group, name);
    return obj;
  }

  /** Objects sorted by namespace then name, the order etcd keys give a real list. Not cloned: callers must not mutate. */
  listRaw(resource: string, namespace?: string): K8sObject[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    return keys.map((k) => this.objects.get(k)!);
  }

  list(resource: string, namespace?: string): K8sObject[] {
    return this.listRaw(resource, namespace).map((o) => structuredClone(o));
  }

  create(resource: string, input: K8sObject, opts: WriteOptions = {}, group = ''): K8sObject {
    const obj = structuredClone(input);
    const meta = (obj.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    const key = this.key(resource, meta.namespace, meta.name);
    if (this.objects.has(key)) throw alreadyExists(resource, group, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (generational.has(resource)) meta.generation = 1;
    delete meta.resourceVersion;
    if (opts.dryRun) return obj;
    return this.commit('ADDED', resource, key, obj);
  }

  /** Replaces an object; a resourceVersion in the input must match (optimistic concurrency). */
  update(resource: string, input: K8sObject, opts: WriteOptions = {}, group = ''): K8sObject {
    const obj = structuredClone(input);
    const meta = obj.metadata;
    const key = this.key(resource, meta.namespace, meta.name);
    const old = this.objects.get(key);
    if (!old) throw notFound(resource, group, meta.name);
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) throw conflict(resource, group, meta.name);
    // Immutable identity fields always come from the stored object.
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    if (generational.has(resource)) {
      const specChanged = JSON.stringify(old.spec) !== JSON.stringify(obj.spec);
      meta.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (JSON.stringify({ ...obj, metadata: { ...meta, resourceVersion: undefined } }) === JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: undefined } })) {
      // No-op writes do not bump the resourceVersion, as with the real server.
      return structuredClone(old);
    }
    if (opts.dryRun) {
      meta.resourceVersion = old.metadata.resourceVersion;
      return obj;
    }
    return this.commit('MODIFIED', resource, key, obj, old);
  }

  /** Read-modify-write for controllers; returns undefined when the object is gone. */
  mutate(resource: string, namespace: string | undefined, name: string, fn: (obj: K8sObject) => void): K8sObject | undefined {
    const obj = this.get(resource, namespace, name);
    if (!obj) return undefined;
    fn(obj);
    return this.update(resource, obj);
  }

  /**
   * Moves an object's creationTimestamp (and a pod's status.startTime) back: the emulated cluster
   * existed before the emulator started, as Prometheus' backfilled history says.
   */
  backdate(resource: string, namespace: string | undefined, name: string, timestamp: string): void {
    const key = this.key(resource, namespace, name);
    const old = this.objects.get(key);
    if (!old) return;
    const obj = structuredClone(old);
    obj.metadata.creationTimestamp = timestamp;
    if (resource === 'pods' && obj.status) obj.status.startTime = timestamp;
    this.commit('MODIFIED', resource, key, obj, old);
  }

  delete(resource: string, namespace: string | undefined, name: string, group = ''): K8sObject {
    const key = this.key(resource, namespace, name);
    const old = this.objects.get(key);
    if (!old) throw notFound(resource, group, name);
    this.objects.delete(key);
    const obj = structuredClone(old);
    return this.commit('DELETED', resource, key, obj, old);
  }

  /** `previous` is the stored object being replaced or deleted; stored objects are never mutated, so the history may share it. */
  private commit(type: EventType, resource: string, key: string, obj: K8sObject, previous?: K8sObject): K8sObject {
    obj.metadata.resourceVersion = String(++this.revision);
    if (type !== 'DELETED') this.objects.set(key, obj);
    const event: StoreEvent = { type, resource, object: obj, rv: this.revision, ...(previous ? { previous } : {}) };
    let history = this.history.get(resource);
    if (!history) this.history.set(resource, (history = []));
    history.push(event);
    if (history.length > this.historyLimit) this.compacted.set(resource, history.shift()!.rv);
    for (const l of this.listeners) l(event);
    return structuredClone(obj);
  }

  /** Events after `rv`, or undefined when some of them were already dropped from the history. */
  eventsSince(resource: string, rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRevision(resource)) return undefined;
    const history = this.history.get(resource) ?? [];
    const first = history.findIndex((e) => e.rv > rv);
    return first < 0 ? [] : history.slice(first);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
