// Runs the Deployment and ReplicaSet controllers and the garbage collector whenever something
// they watch changes, coalescing bursts of store events into one pass like an informer work queue would.
import { reconcileAutoscalers } from './autoscalers.ts';
import { GarbageCollector } from './garbageCollector.ts';
import type { DeploymentController } from './rollout.ts';
import type { ReplicaSetController } from './replicasets.ts';
import type { StatefulSetController } from './statefulsets.ts';
import type { DaemonSetController } from './daemonsets.ts';
import type { Store } from './store.ts';

const watched = new Set(['pods', 'replicasets', 'deployments', 'statefulsets', 'daemonsets', 'horizontalpodautoscalers']);

export class ControllerLoop {
  private readonly rs: ReplicaSetController;
  private readonly deployments: DeploymentController;
  private readonly statefulSets: StatefulSetController;
  private readonly daemonSets: DaemonSetController | undefined;
  private readonly gc: GarbageCollector;
  private readonly store: Store;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private unsubscribe = () => {};
  private readonly resync: NodeJS.Timeout;

  constructor(store: Store, rs: ReplicaSetController, deployments: DeploymentController, statefulSets: StatefulSetController, daemonSets?: DaemonSetController) {
    this.store = store;
    this.rs = rs;
    this.deployments = deployments;
    this.statefulSets = statefulSets;
    this.daemonSets = daemonSets;
    this.gc = new GarbageCollector(store, (pod) => rs.deletePod(pod));
    this.unsubscribe = store.subscribe((e) => { if (watched.has(e.resource)) this.schedule(); });
    // A periodic resync, as informers do, in case a change slipped between passes.
    this.resync = setInterval(() => this.schedule(), 2000);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => this.run(), 5);
  }

  private run(): void {
    this.timer = undefined;
    this.running = true;
    try {
      for (let pass = 0; pass < 20; pass++) {
        const a = this.rs.reconcile();
        const b = this.deployments.reconcile();
        const c = this.gc.collect();
        const d = this.statefulSets.reconcile();
        const e = this.daemonSets?.reconcile() ?? false;
        const f = reconcileAutoscalers(this.store);
        if (!a && !b && !c && !d && !e && !f) break;
      }
    } catch (err) {
      console.error('controller pass failed:', err);
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.unsubscribe();
    clearInterval(this.resync);
    if (this.timer) clearTimeout(this.timer);
  }
}
