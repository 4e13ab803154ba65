import type { KubeConfig } from '@kubernetes/client-node';
import { readNodeMemory } from '../cluster/nodeMemory.ts';
import { podEvents } from '../cluster/podEvents.ts';
import { eventsTooltip } from '../triage/events.ts';
import type { PodMemory } from '../triage/model.ts';

// The part of a pod's tooltip that needs the API server: its last events and its node's memory
// state. Read only when VS Code resolves the tooltip (a hover), never per pod per refresh, and
// kept for a short while so hovering the same rows again, or across redraws, asks nothing new.

const KEEP_MS = 30_000;
const TIMEOUT_MS = 8_000;

export class PodDetails {
  private readonly kubeConfig: () => KubeConfig | undefined;
  private readonly cache = new Map<string, { at: number; kc: KubeConfig; text: Promise<string> }>();
  /** How many reads were made (the tests count them). */
  reads = 0;

  constructor(kubeConfig: () => KubeConfig | undefined) {
    this.kubeConfig = kubeConfig;
  }

  /** Markdown for the tooltip; a failure is said in it, never thrown. */
  markdown(pod: PodMemory, signal?: AbortSignal, now = Date.now()): Promise<string> | undefined {
    const kc = this.kubeConfig();
    if (!kc) return undefined;
    const hit = this.cache.get(pod.uid);
    if (hit && hit.kc === kc && now - hit.at < KEEP_MS) return hit.text;
    for (const [uid, entry] of this.cache) if (now - entry.at >= KEEP_MS) this.cache.delete(uid);
    const text = this.read(kc, pod, signal);
    const entry = { at: now, kc, text };
    this.cache.set(pod.uid, entry);
    // an aborted or failed read is not kept: the next hover asks again
    void text.catch(() => undefined).then(() => signal?.aborted && this.cache.get(pod.uid) === entry && this.cache.delete(pod.uid));
    return text;
  }

  private async read(kc: KubeConfig, pod: PodMemory, signal?: AbortSignal): Promise<string> {
    this.reads++;
    const options = { signal, timeoutMs: TIMEOUT_MS };
    const { namespace, name } = pod.ref;
    const [found, node] = await Promise.all([
      podEvents(kc, { namespace, name, node: pod.node }, options).catch((err: Error) => ({ events: [], error: err.message })),
      pod.node ? readNodeMemory(kc, pod.node, options) : Promise.resolve(undefined),
    ]);
    const notes = 'error' in found ? [`events: ${found.error}`] : found.nodeNote ? [found.nodeNote] : [];
    return eventsTooltip(found.events, node, new Date(), 5, notes);
  }

  clear(): void {
    this.cache.clear();
  }
}
