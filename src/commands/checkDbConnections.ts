import type { KubeConfig } from '@kubernetes/client-node';
import * as vscode from 'vscode';
import { ConfigValue, Keys } from '../config.ts';
import { anyValue } from '../settingChecks.ts';
import { Disposable } from '../disposable.ts';
import { CaptureError } from '../heap/captureError.ts';
import type { DbCheckOptions } from '../heap/dbCheck.ts';
import { DEFAULT_DB_PORTS, DEFAULT_ENGINES, parseDbPorts, parseEngines, windowSeconds } from '../triage/dbSettings.ts';
import type { PodRef, PoolReport } from '../triage/model.ts';
import { poolView } from '../views/poolRows.ts';
import { oomKilledNames, podFigures, podTarget, poolFigures } from '../triage/incidentFigures.ts';
import type { PoolStore } from '../views/poolStore.ts';
import { targetForPod } from '../views/trendTargets.ts';
import type { CommandContext } from './index.ts';
import { liveProgress } from './liveProgress.ts';
import { pickContainer, type PickedContainer } from './targetPick.ts';

// Runbook step 4 on the live process and on the wire: the pool as the process holds it and the
// pod's sockets, twice a window apart, with a countdown the user can cancel. The result goes to
// the connections part of the trend panel, to a row under the pod, and into the store the
// incident report reads.

/** The producer (src/heap/dbCheck.ts), passed in by extension.ts: two checks a window apart, or one more after a report. */
export interface DbCheckProducer {
  check(kc: KubeConfig, pod: PodRef, container: string, opts: DbCheckOptions): Promise<PoolReport>;
  recheck(kc: KubeConfig, previous: PoolReport, opts: DbCheckOptions): Promise<PoolReport>;
}

/** Check Again is asked with the report it continues (the DB row, the panel's button). */
function previousOf(item: unknown, picked: PickedContainer): PoolReport | undefined {
  const report = (item as { report?: PoolReport } | undefined)?.report;
  const same = report && report.pod.context === picked.pod.ref.context && report.pod.namespace === picked.pod.ref.namespace && report.pod.name === picked.pod.ref.name && report.container === picked.container.name;
  return same ? report : undefined;
}

export class DbChecker extends Disposable {
  private readonly engines = this.register(new ConfigValue<unknown>(Keys.pythonEngines, DEFAULT_ENGINES, anyValue));
  private readonly ports = this.register(new ConfigValue<unknown>(Keys.dbPorts, DEFAULT_DB_PORTS, anyValue));
  private readonly window = this.register(new ConfigValue<unknown>(Keys.dbWindow, 30, anyValue));
  private readonly debugImage = this.register(new ConfigValue<string>(Keys.debugImage, 'ghcr.io/kube-memory-triage/debug:1'));
  private readonly producer: DbCheckProducer;
  private readonly store: PoolStore;
  private running: AbortController | undefined;
  private last: PickedContainer | undefined;

  constructor(producer: DbCheckProducer, store: PoolStore) {
    super();
    this.producer = producer;
    this.store = store;
    this.register({ dispose: () => this.running?.abort() });
  }

  /** What the panel's Check Again checks: the last pod and container, with its report when there is one. */
  get againTarget(): (PickedContainer & { readonly report?: PoolReport }) | undefined {
    const last = this.last;
    return last ? { ...last, report: this.store.get(last.pod.uid)?.report } : undefined;
  }

  async run(ctx: CommandContext, item?: unknown): Promise<PoolReport | undefined> {
    const session = ctx.pods.session;
    if (!session) {
      void vscode.window.showInformationMessage('Memory Triage: open the Pods view first, so a cluster context is chosen.');
      return undefined;
    }
    if (this.running) {
      void vscode.window.showInformationMessage('Memory Triage: a database check is running; cancel it from its notification first.');
      return undefined;
    }
    const picked = await pickContainer(ctx, item, 'Check the database connections of which pod?');
    if (!picked) return undefined;
    this.last = picked;
    const previous = previousOf(item, picked);
    const { pod, container } = picked;
    const title = `${pod.ref.namespace} / ${pod.ref.name} / ${container.name}`;
    const target = targetForPod(pod);
    const engines = parseEngines(this.engines.value);
    const ports = parseDbPorts(this.ports.value);
    for (const p of [...engines.problems, ...ports.problems]) ctx.log.warn(p);
    const window = windowSeconds(this.window.value);
    const controller = (this.running = new AbortController());
    // not awaited: the trend beside it may take its time (or fail) without holding up the check
    void ctx.trend.showPool(target, { kind: 'checking', title, message: 'Getting into the container…' });
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Checking DB connections of ${pod.ref.name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          const opts: DbCheckOptions = {
            engines: engines.value,
            dbPorts: ports.value,
            windowSeconds: window,
            debugImage: this.debugImage.value,
            signal: controller.signal,
            onProgress: liveProgress(progress, (message, endsAt) => {
              void ctx.trend.showPool(target, { kind: 'checking', title, message, endsAt });
              ctx.log.info(`Step 4 ${title}: ${message}`);
            }),
          };
          return previous ? this.producer.recheck(session.kubeConfig, previous, opts) : this.producer.check(session.kubeConfig, pod.ref, container.name, opts);
        },
      );
      if (controller.signal.aborted) throw new CaptureError('cancelled', 'Cancelled.');
      ctx.log.info(`Step 4 ${title}: ${report.verdict.kind}: ${report.verdict.text} (${report.method})`);
      for (const check of report.checks) for (const p of check.problems) ctx.log.warn(`Step 4 ${title}: ${p}`);
      // the pod as the tree lists it now: the row goes under the item drawn next
      const fresh = ctx.pods.snapshot?.pods.find((p) => p.uid === pod.uid) ?? pod;
      this.store.set({ pod: fresh, container, report });
      ctx.timeline.record({
        kind: 'measurement', at: new Date().toISOString(), step: 4, targets: [podTarget(fresh.ref)],
        summary: `${title}: ${report.verdict.kind}: ${report.verdict.text} (${report.method})`,
        figures: poolFigures(report), pods: podFigures([fresh]), oomKilled: oomKilledNames([fresh]),
      });
      await ctx.trend.showPool(target, { kind: 'ready', view: poolView(report, title) });
      return report;
    } catch (err) {
      const cancelled = controller.signal.aborted || (err instanceof CaptureError && err.kind === 'cancelled');
      const message = err instanceof Error ? err.message : String(err);
      const hint = err instanceof CaptureError ? err.hint : undefined;
      ctx.log.warn(`Step 4 ${title} ${cancelled ? 'cancelled' : 'failed'}: ${err instanceof Error && err.stack ? err.stack : message}`);
      await ctx.trend.showPool(target, cancelled ? { kind: 'error', title, message: 'The check was cancelled.' } : { kind: 'error', title, message, hint });
      if (!cancelled) void vscode.window.showErrorMessage(`Memory Triage: ${message}${hint ? ` ${hint}` : ''}`);
      return undefined;
    } finally {
      this.running = undefined;
    }
  }
}
