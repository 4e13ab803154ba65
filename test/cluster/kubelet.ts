// Runs every pod the store holds on the one emulated node: a sandbox per pod (its network
// namespace and IP), each container through the runtime (or the synthetic driver), ephemeral
// containers as they are added; records exits exactly like the kubelet (OOMKilled / Error /
// Completed in lastState.terminated; restartCount counts the containers created before the
// current one), and restarts with the kubelet's CrashLoopBackOff: the first crash at once, then
// base, 2×base, 4×base ... up to the cap. Image pull failures wait in ImagePullBackOff.
import { randomBytes } from 'node:crypto';
import type { ClusterConfig } from './config.ts';
import type { ProcessExit, ProcessUsage, Runtime } from './driver.ts';
import type { EventRecorder } from './events.ts';
import { hostsFor } from './hosts.ts';
import { planLaunch, readTail, syntheticPodIP } from './kubeletLaunch.ts';
import { seedPastKills, type PastKills } from './pastKills.ts';
import { nodeName } from './objects.ts';
import { type ContainerState, goDuration, iso, renderStatus } from './podStatus.ts';
import { processOf, recordOomKilling } from './nodeStatus.ts';
import type { K8sObject, Store, StoreEvent } from './store.ts';
import { SyntheticDriver } from './synthetic.ts';

interface PodState {
  key: string; namespace: string; name: string; uid: string; podIP?: string; containers: ContainerState[]; ephemeral: ContainerState[];
  timers: Set<NodeJS.Timeout>; stopping: boolean; restartPolicy: string; sandboxed: boolean;
}

export class Kubelet {
  private readonly pods = new Map<string, PodState>();
  private readonly synthetic = new SyntheticDriver();
  private readonly store: Store;
  private readonly events: EventRecorder;
  private readonly runtime: Runtime | undefined;
  private readonly config: ClusterConfig;
  private unsubscribe = () => {};
  private hostsTimer: NodeJS.Timeout | undefined;

  constructor(store: Store, events: EventRecorder, runtime: Runtime | undefined, config: ClusterConfig) {
    this.store = store;
    this.events = events;
    this.runtime = runtime;
    this.config = config;
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((e) => this.onStoreEvent(e));
    for (const pod of this.store.list('pods')) this.admit(pod);
  }

  private onStoreEvent(e: StoreEvent): void {
    if (e.resource === 'services' || e.resource === 'pods') this.scheduleHosts();
    if (e.resource !== 'pods') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'ADDED') queueMicrotask(() => this.admit(e.object));
    if (e.type === 'MODIFIED' && this.pods.has(key)) this.startNewEphemeral(this.pods.get(key)!, e.object);
    if (e.type === 'DELETED' && this.pods.has(key)) void this.kill(this.pods.get(key)!);
  }

  podState(namespace: string, name: string): PodState | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  private containerOf(namespace: string, name: string, container: string): { ps?: PodState; cs?: ContainerState } {
    const ps = this.podState(namespace, name);
    return { ps, cs: ps?.containers.find((c) => c.name === container) ?? ps?.ephemeral.find((c) => c.name === container) };
  }

  usage(namespace: string, name: string, container: string): ProcessUsage | undefined {
    const { ps, cs } = this.containerOf(namespace, name, container);
    if (!ps || cs?.phase !== 'running') return undefined;
    return this.runtime?.usage(ps.key, container) ?? this.synthetic.usage(ps.key, container);
  }

  /** Whether a container of the pod is scripted (no process to exec into, no port to forward to). */
  isSynthetic(namespace: string, name: string, container: string): boolean {
    return this.containerOf(namespace, name, container).cs?.synthetic ?? true;
  }

  private admit(pod: K8sObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (this.pods.has(key) || pod.metadata.deletionTimestamp) return;
    const state = (c: K8sObject, ephemeral = false): ContainerState => ({ name: c.name, image: c.image, restartCount: 0, crashes: 0, containerID: '', phase: 'creating', ready: false, ephemeral });
    const ps: PodState = {
      key, namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, timers: new Set(), stopping: false,
      restartPolicy: pod.spec?.restartPolicy ?? 'Always', sandboxed: false,
      containers: (pod.spec?.containers ?? []).map((c: K8sObject) => state(c)),
      ephemeral: (pod.spec?.ephemeralContainers ?? []).map((c: K8sObject) => state(c, true)),
    };
    this.pods.set(key, ps);
    if (!pod.spec.nodeName) this.store.mutate('pods', ps.namespace, ps.name, (p) => { p.spec.nodeName = nodeName; });
    this.events.record({ object: pod, reason: 'Scheduled', message: `Successfully assigned ${key} to ${nodeName}`, component: 'default-scheduler' });
    const real = ps.containers.some((c) => !planLaunch(pod, c.name, undefined, this.config.images)?.synthetic);
    if (!real || !this.runtime) {
      ps.podIP = syntheticPodIP();
      this.sync(ps);
      for (const cs of ps.containers) void this.startContainer(ps, cs);
      return;
    }
    this.sync(ps);
    void this.createSandbox(ps, pod);
  }

  /** The pod's sandbox first (its IP is in the status from then on), then its containers. */
  private async createSandbox(ps: PodState, pod: K8sObject): Promise<void> {
    try {
      const { ip } = await this.runtime!.sandbox(ps.key, ps.name);
      if (ps.stopping) return void this.runtime!.stop(ps.key).catch(() => {});
      ps.podIP = ip ?? syntheticPodIP();
      ps.sandboxed = true;
    } catch (err) {
      this.events.record({ object: pod, reason: 'FailedCreatePodSandBox', type: 'Warning', message: `Failed to create pod sandbox: ${(err as Error).message}` });
      this.later(ps, 2000, () => void this.createSandbox(ps, pod));
      return;
    }
    this.sync(ps);
    this.scheduleHosts();
    for (const cs of [...ps.containers, ...ps.ephemeral]) void this.startContainer(ps, cs);
  }

  private startNewEphemeral(ps: PodState, pod: K8sObject): void {
    const added = (pod.spec?.ephemeralContainers ?? []).filter((c: K8sObject) => !ps.ephemeral.some((e) => e.name === c.name));
    if (added.length === 0) return;
    for (const c of added) {
      const cs: ContainerState = { name: c.name, image: c.image, restartCount: 0, crashes: 0, containerID: '', phase: 'creating', ready: false, ephemeral: true };
      ps.ephemeral.push(cs);
      if (ps.sandboxed || !this.runtime) void this.startContainer(ps, cs);
    }
    this.sync(ps);
  }

  private async startContainer(ps: PodState, cs: ContainerState): Promise<void> {
    if (ps.stopping) return;
    const pod = this.store.get('pods', ps.namespace, ps.name);
    const plan = pod && planLaunch(pod, cs.name, ps.podIP, this.config.images, cs.ephemeral);
    if (!pod || !plan) return;
    const id = `containerd://${randomBytes(32).toString('hex')}`;
    const fieldPath = `spec.${cs.ephemeral ? 'ephemeralContainers' : 'containers'}{${cs.name}}`;
    const onExit = (exit: ProcessExit) => this.onExit(ps, cs, id, exit);
    cs.synthetic = plan.synthetic;
    try {
      let startedAt: Date;
      if (!plan.synthetic) {
        if (!this.runtime) throw new Error('the process runtime (test/cluster/runtime) is not available');
        const started = await this.runtime.start(plan.launch, onExit);
        if (ps.stopping) return void this.runtime.stop(ps.key).catch(() => {});
        startedAt = started.startedAt;
        cs.logFile = started.logFile;
        cs.process = processOf(plan.launch, started.pid);
      } else {
        const started = this.synthetic.start(plan.launch, plan.curve ?? { startMiB: 16 }, onExit);
        startedAt = started.startedAt;
        cs.logFile = undefined;
        cs.process = processOf(plan.launch, started.pid);
      }
      this.created(cs, id);
      Object.assign(cs, { phase: 'running', startedAt: iso(startedAt), ready: false, backoffMessage: undefined, current: undefined, waitingReason: undefined, waitingMessage: undefined });
    } catch (err) {
      if (ps.stopping) return;
      if ((err as Error).constructor?.name === 'ImagePullError') return this.pullFailed(ps, cs, pod, (err as Error).message);
      const now = iso();
      this.created(cs, id);
      this.events.record({ object: pod, reason: 'Failed', message: `Error: failed to start container "${cs.name}": ${(err as Error).message}`, type: 'Warning', fieldPath });
      this.onExit(ps, cs, id, { exitCode: 128, oomKilled: false, startedAt: new Date(now), finishedAt: new Date(now) }, (err as Error).message);
      return;
    }
    this.events.containerStarted(pod, cs.name, undefined, cs.ephemeral);
    this.sync(ps);
    if (cs.ephemeral) return;
    const port = plan.synthetic ? undefined : plan.launch.ports?.[0];
    const probe = () => {
      if (cs.containerID !== id || cs.phase !== 'running') return;
      if (port === undefined || !this.runtime) return this.markReady(ps, cs);
      // Like a tcpSocket readiness probe (periodSeconds shortened): Ready once the port accepts connections.
      void this.runtime.probe(ps.key, port).then((ok) => {
        if (cs.containerID !== id || cs.phase !== 'running') return;
        if (ok) this.markReady(ps, cs);
        else this.later(ps, 200, probe);
      });
    };
    this.later(ps, this.config.readyDelayMs, probe);
  }

  /** ErrImagePull now, then ImagePullBackOff with the back-off doubling, and another pull after it. */
  private pullFailed(ps: PodState, cs: ContainerState, pod: K8sObject, message: string): void {
    cs.crashes++;
    Object.assign(cs, { phase: 'pulling', waitingReason: 'ErrImagePull', waitingMessage: message, ready: false });
    this.events.pullFailed(pod, cs.name, cs.image, message, cs.ephemeral);
    this.sync(ps);
    const delay = Math.min(this.config.backoff.baseMs * 2 ** (cs.crashes - 1), this.config.backoff.maxMs);
    this.later(ps, Math.min(1000, delay), () => {
      if (cs.phase !== 'pulling') return;
      Object.assign(cs, { waitingReason: 'ImagePullBackOff', waitingMessage: `Back-off pulling image "${cs.image}": ErrImagePull: ${message}` });
      this.events.pullBackOff(pod, cs.name, cs.image, cs.ephemeral);
      this.sync(ps);
    });
    this.later(ps, delay, () => void this.startContainer(ps, cs));
  }

  /**
   * A new container replaces the previous one: the kubelet labels it with restartCount + 1 and
   * reports that from now on (convertToAPIContainerStatuses), not while it waits in back-off.
   */
  private created(cs: ContainerState, id: string): void {
    if (cs.containerID) cs.restartCount++;
    cs.containerID = id;
  }

  private markReady(ps: PodState, cs: ContainerState): void {
    cs.ready = true;
    this.sync(ps);
  }

  private onExit(ps: PodState, cs: ContainerState, id: string, exit: ProcessExit, startError?: string): void {
    if (ps.stopping || (cs.containerID && cs.containerID !== id)) return;
    const reason = startError ? 'StartError' : exit.oomKilled ? 'OOMKilled' : exit.exitCode === 0 ? 'Completed' : 'Error';
    // The CRI kubelet fills no `signal`: a SIGKILL shows only as exit code 137.
    const term = {
      exitCode: exit.oomKilled ? 137 : exit.exitCode, reason, startedAt: iso(exit.startedAt), finishedAt: iso(exit.finishedAt), containerID: id,
      ...(startError ? { message: startError } : {}),
    };
    const pod = this.store.get('pods', ps.namespace, ps.name);
    if (!pod) return;
    if (exit.oomKilled && cs.process) recordOomKilling(this.events, cs.process.name, cs.process.pid, Math.round((cs.process.limitBytes ?? 0) / 1024));
    // Ephemeral containers are never restarted, whatever the pod's restart policy.
    const restart = !cs.ephemeral && (ps.restartPolicy === 'Always' || (ps.restartPolicy === 'OnFailure' && term.exitCode !== 0));
    const ranMs = exit.finishedAt.getTime() - exit.startedAt.getTime();
    // The kubelet forgets the back-off once a container has run well past the longest back-off
    // (flowcontrol.Backoff hasExpired).
    if (ranMs > 2 * this.config.backoff.maxMs) cs.crashes = 0;
    cs.ready = false;
    if (!restart) {
      Object.assign(cs, { phase: 'terminated', current: term });
      this.sync(ps);
      return;
    }
    cs.crashes++;
    cs.last = term;
    cs.previousLog = readTail(cs.logFile);
    // doBackOff: without a back-off entry (the first crash) the container restarts at once and the
    // entry starts at base; each later crash waits the entry, which then doubles up to the cap.
    if (cs.crashes === 1) {
      this.later(ps, 0, () => void this.startContainer(ps, cs));
      return;
    }
    const delay = Math.min(this.config.backoff.baseMs * 2 ** (cs.crashes - 2), this.config.backoff.maxMs);
    cs.phase = 'backoff';
    cs.backoffMessage = `back-off ${goDuration(delay)} restarting failed container=${cs.name} pod=${ps.name}_${ps.namespace}(${ps.uid})`;
    this.events.backOff(pod, cs.name);
    this.sync(ps);
    this.later(ps, delay, () => void this.startContainer(ps, cs));
  }

  /** Past OOM kills the backfilled Prometheus history tells of: see seedPastKills. */
  seedPastOOMKills(namespace: string, name: string, container: string, past: PastKills): void {
    const ps = this.podState(namespace, name);
    const cs = ps?.containers.find((c) => c.name === container);
    const pod = this.store.get('pods', namespace, name);
    if (ps && cs && pod && seedPastKills(cs, pod, this.events, past)) this.sync(ps);
  }

  private later(ps: PodState, ms: number, fn: () => void): void {
    const t = setTimeout(() => { ps.timers.delete(t); fn(); }, ms);
    ps.timers.add(t);
  }

  private sync(ps: PodState): void {
    if (!this.pods.has(ps.key)) return;
    this.store.mutate('pods', ps.namespace, ps.name, (p) => { p.status = renderStatus(p, ps.containers, ps.podIP, ps.restartPolicy, ps.ephemeral); });
  }

  /** Services and endpoints change: every sandboxed pod's /etc/hosts follows, shortly after. */
  private scheduleHosts(): void {
    if (this.hostsTimer || !this.runtime) return;
    this.hostsTimer = setTimeout(() => {
      this.hostsTimer = undefined;
      for (const ps of this.pods.values()) {
        const pod = this.store.get('pods', ps.namespace, ps.name);
        if (ps.sandboxed && ps.podIP && pod) this.runtime!.setHosts(ps.key, hostsFor(this.store, pod, ps.podIP));
      }
    }, 50);
    this.hostsTimer.unref();
  }

  /** Graceful deletion: mark the pod Terminating, stop its processes, then remove it. */
  async terminate(namespace: string, name: string): Promise<void> {
    const ps = this.podState(namespace, name);
    const pod = this.store.get('pods', namespace, name);
    if (pod) for (const c of ps?.containers ?? []) {
      if (c.phase === 'running') this.events.record({ object: pod, reason: 'Killing', message: `Stopping container ${c.name}`, fieldPath: `spec.containers{${c.name}}` });
    }
    if (ps) await this.kill(ps);
    if (this.store.get('pods', namespace, name)) this.store.delete('pods', namespace, name);
  }

  private async kill(ps: PodState): Promise<void> {
    ps.stopping = true;
    for (const t of ps.timers) clearTimeout(t);
    ps.timers.clear();
    this.pods.delete(ps.key);
    this.synthetic.stop(ps.key);
    await this.runtime?.stop(ps.key).catch(() => {});
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    clearTimeout(this.hostsTimer);
    await Promise.all([...this.pods.values()].map((ps) => this.kill(ps)));
    this.synthetic.stopAll();
    await this.runtime?.stopAll();
  }
}
