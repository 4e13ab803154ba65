// Streaming watches: resume from a resourceVersion out of the store's bounded history,
// answer a too-old one with an ERROR event carrying a 410 Expired Status (as the real
// server does once the stream is open), bookmarks, sendInitialEvents, timeoutSeconds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expired } from './status.ts';
import type { K8sObject, Store, StoreEvent } from './store.ts';

export interface WatchRequest {
  resource: string;
  kind: string;
  apiVersion: string;
  namespace?: string;
  matches: (obj: K8sObject) => boolean;
  resourceVersion: string | null;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number;
  bookmarkIntervalMs: number;
  /** Turns an object into what goes on the wire (a one-row Table for kubectl get -w). */
  render: (obj: K8sObject) => K8sObject;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, store: Store, w: WatchRequest): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (type: string, object: K8sObject) => {
    if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify({ type, object }) + '\n');
  };
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', { kind: w.kind, apiVersion: w.apiVersion, metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) } });
  const inScope = (e: StoreEvent) => e.resource === w.resource && (w.namespace === undefined || e.object.metadata.namespace === w.namespace);
  const rv = w.resourceVersion;
  const resumed = !!rv && rv !== '0';

  // Like the watch cache (cacheWatcher.convertToWatchEvent): the selector is checked against the
  // object before and after the change, so a change into the selector is ADDED and one out of it
  // is DELETED carrying the previous object at the event's resourceVersion. The same rule serves
  // replayed and live events, with no memory of what this client has seen.
  const deliver = (e: StoreEvent) => {
    if (!inScope(e)) return;
    const now = e.type !== 'DELETED' && w.matches(e.object);
    const before = e.previous !== undefined && w.matches(e.previous);
    if (now) send(before ? 'MODIFIED' : 'ADDED', w.render(e.object));
    else if (before) send('DELETED', w.render({ ...e.previous!, metadata: { ...e.previous!.metadata, resourceVersion: String(e.rv) } }));
  };

  if (!resumed) {
    for (const obj of store.list(w.resource, w.namespace)) if (w.matches(obj)) send('ADDED', w.render(obj));
    if (w.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const since = Number(rv);
    const events = Number.isFinite(since) ? store.eventsSince(w.resource, since) : undefined;
    if (!events) {
      send('ERROR', expired(`too old resource version: ${rv} (${store.compactedRevision(w.resource) + 1})`));
      res.end();
      return;
    }
    for (const e of events) deliver(e);
  }

  // A client that left while a delay fault held its request has no 'close' left to fire.
  if (req.socket.destroyed || res.destroyed) return;
  const unsubscribe = store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  if (w.allowBookmarks) timers.push(setInterval(() => bookmark(), w.bookmarkIntervalMs));
  timers.push(setTimeout(() => { done(); res.end(); }, w.timeoutSeconds * 1000));
  // The listening server keeps the process alive; a watch's timers must not outlive it.
  for (const t of timers) t.unref();
  function done(): void {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  }
  res.on('close', done);
  req.on('close', done);
}
