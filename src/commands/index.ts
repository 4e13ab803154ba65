import * as vscode from 'vscode';
import type { Logger } from '../logger.ts';
import type { CommandId } from '../commandIds.ts';
import type { PodTree } from '../views/podTree.ts';
import type { ScopeStore } from '../views/scopeStore.ts';
import type { PrometheusConnections } from '../views/prometheusConnection.ts';
import type { TrendPanel } from '../views/trendPanel.ts';
import type { Allocations } from '../views/allocations.ts';
import type { PoolStore } from '../views/poolStore.ts';
import { openLocationFromText, selectionOrClipboard } from '../views/leakLinks.ts';
import { captureHeapSnapshot } from './captureHeapSnapshot.ts';
import type { LeakFinder } from './findLeakingLines.ts';
import type { DbChecker } from './checkDbConnections.ts';
import { checkPodMemory, findOomKilled } from './checkPodMemory.ts';
import { copyKubectlCommand, refreshPods, revealPod } from './podActions.ts';
import { selectContext, selectNamespace, setLabelSelector } from './scopeCommands.ts';
import { selectPrometheus, showTrend } from './showTrend.ts';
import { verifyRecovery } from './verifyRecovery.ts';
import { showPreviousLogs } from './showPreviousLogs.ts';
import { showEvents } from './showEvents.ts';
import type { LogDocuments } from '../views/logDocuments.ts';
import type { TimelineRecorder } from '../triage/timeline.ts';
import { raiseMemoryLimit } from './raiseMemoryLimit.ts';
import { restartWorkload } from './restartWorkload.ts';
import { createAlertRules } from './createAlertRules.ts';
import type { IncidentStore } from '../views/incidentStore.ts';
import type { EscalationLevel } from '../triage/escalation.ts';
import { endIncident, startIncident, writeIncidentReport } from './incident.ts';
import { scaleOut } from './scaleOut.ts';
import { openHeapFile } from './openHeapFile.ts';

// Everything a command handler may use; extension.ts builds it once.
export interface CommandContext {
  readonly log: vscode.LogOutputChannel & Logger;
  readonly extension: vscode.ExtensionContext;
  /** The pod tree: current session (KubeConfig, context, namespace), snapshot, reveal. */
  readonly pods: PodTree;
  readonly scopes: ScopeStore;
  /** The memory trend webview (step 2) and where its Prometheus is. */
  readonly trend: TrendPanel;
  readonly prometheus: PrometheusConnections;
  /** Step 3: the capture, and the report on screen (table, mapping, annotations). */
  readonly leaks: LeakFinder;
  readonly allocations: Allocations;
  /** Step 4: the check, and its results per pod (tree rows, incident report). */
  readonly dbChecks: DbChecker;
  readonly pools: PoolStore;
  /** Container logs as read-only documents. */
  readonly logs: LogDocuments;
  /** The incident's timeline: every step, action and verification records an entry here. */
  readonly timeline: TimelineRecorder;
  /** The same timeline as the incident it belongs to (start, end, the report), kept in workspace storage. */
  readonly incidents: IncidentStore;
  /** The escalation levels as the settings say now. */
  readonly escalation: () => EscalationLevel[];
}

type Handler = (...args: any[]) => unknown;

// One name -> handler record. Each runbook step or action lives in its own file and adds
// its entries here; package.json declares the same ids with their titles and menus.
export function createCommands(ctx: CommandContext): Record<CommandId, Handler> {
  return {
    'memoryTriage.showLog': () => ctx.log.show(true),
    'memoryTriage.selectContext': () => selectContext(ctx),
    'memoryTriage.selectNamespace': () => selectNamespace(ctx),
    'memoryTriage.setLabelSelector': (selector?: unknown) => setLabelSelector(ctx, selector),
    'memoryTriage.refresh': () => refreshPods(ctx),
    'memoryTriage.showHotPodsOnly': () => ctx.pods.setHotOnly(true),
    'memoryTriage.showAllPods': () => ctx.pods.setHotOnly(false),
    'memoryTriage.checkPodMemory': () => checkPodMemory(ctx),
    'memoryTriage.findOomKilled': () => findOomKilled(ctx),
    'memoryTriage.verifyRecovery': (since?: Date | string) => verifyRecovery(ctx, since),
    'memoryTriage.copyKubectlCommand': (item?: Parameters<typeof copyKubectlCommand>[1]) => copyKubectlCommand(ctx, item),
    'memoryTriage.showTrend': (item?: unknown) => showTrend(ctx, ctx.trend, item),
    'memoryTriage.selectPrometheus': () => selectPrometheus(ctx, ctx.prometheus, ctx.trend),
    'memoryTriage.setPrometheusCredentials': () => ctx.prometheus.setCredentials(),
    'memoryTriage.findLeakingLines': (item?: unknown) => ctx.leaks.run(ctx, item),
    'memoryTriage.captureHeapSnapshot': (item?: unknown) => captureHeapSnapshot(ctx, item),
    'memoryTriage.openLeakLocation': async () => openLocationFromText((await selectionOrClipboard()).text, (file, line) => ctx.allocations.openRemote(file, line)),
    'memoryTriage.clearMemoryAnnotations': () => ctx.allocations.clear(),
    'memoryTriage.saveAllocationReport': () => ctx.allocations.save(),
    'memoryTriage.openAllocationReport': (uri?: vscode.Uri) => ctx.allocations.openFile(uri),
    'memoryTriage.openHeapFile': (uri?: vscode.Uri) => openHeapFile(ctx, uri),
    'memoryTriage.checkDbConnections': (item?: unknown) => ctx.dbChecks.run(ctx, item),
    'memoryTriage.showPreviousLogs': (item?: unknown) => showPreviousLogs(ctx, item),
    'memoryTriage.showEvents': (item?: unknown) => showEvents(ctx, item),
    'memoryTriage.revealPod': (target: string | { uid?: string; name?: string; namespace?: string }) => revealPod(ctx, target),
    'memoryTriage.restartWorkload': (item?: unknown) => restartWorkload(ctx, item),
    'memoryTriage.createAlertRules': (format?: unknown) => createAlertRules(ctx, format),
    'memoryTriage.startIncident': () => startIncident(ctx),
    'memoryTriage.endIncident': () => endIncident(ctx),
    'memoryTriage.writeIncidentReport': (to?: vscode.Uri) => writeIncidentReport(ctx, to instanceof vscode.Uri ? to : undefined),
    'memoryTriage.raiseMemoryLimit': (item?: unknown) => raiseMemoryLimit(ctx, item),
    'memoryTriage.scaleOut': (item?: unknown) => scaleOut(ctx, item),
  };
}

/** Runs a command by id: a failing one says so once, in words, and leaves the detail in the log. */
export function commandRunner(ctx: CommandContext): (id: CommandId, args: readonly unknown[]) => Promise<unknown> {
  const commands = createCommands(ctx);
  return async (id, args) => {
    try {
      return await commands[id](...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.log.error(`${id} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
      void vscode.window.showErrorMessage(`Memory Triage: ${message}`);
      return undefined;
    }
  };
}
