import * as vscode from 'vscode';
import { commandRunner } from './commands/index.ts';
import type { CommandId } from './commandIds.ts';
import type { Logger } from './logger.ts';
import type { PodViewHost } from './views/podViewHost.ts';
import { PodTree } from './views/podTree.ts';
import { PodStatusBar } from './views/statusBar.ts';
import { ScopeStore } from './views/scopeStore.ts';
import { kubeAccess } from './views/kubeAccess.ts';
import { PrometheusConnections } from './views/prometheusConnection.ts';
import { TrendPanel } from './views/trendPanel.ts';
import { LeakFinder } from './commands/findLeakingLines.ts';
import { Allocations } from './views/allocations.ts';
import { LeakAnnotations } from './views/leakAnnotations.ts';
import { registerLeakTerminalLinks } from './views/leakLinks.ts';
import { LogDocuments } from './views/logDocuments.ts';
import { DbChecker } from './commands/checkDbConnections.ts';
import { checkDbConnections, recheckDbConnections } from './heap/dbCheck.ts';
import { PoolStore } from './views/poolStore.ts';
import { IncidentStore } from './views/incidentStore.ts';
import { IncidentTimer } from './views/incidentTimer.ts';

/** What the extension gives the extension-host tests and other extensions: the live tree (session, snapshot, events) and the rest. */
export interface ExtensionApi { pods: PodTree; trend: TrendPanel; allocations: Allocations; pools: PoolStore; incidents: IncidentStore }

export interface Core {
  readonly api: ExtensionApi;
  readonly run: (id: CommandId, args: readonly unknown[]) => Promise<unknown>;
}

// The second bundle (dist/core.js), required by the entry (extension.ts) on first use: builds the
// objects and hands them to VS Code; no cluster call happens here. Work starts when the view
// becomes visible or a command runs. The view and the commands are the entry's; this fills them.
export function activateCore(context: vscode.ExtensionContext, log: vscode.LogOutputChannel & Logger, host: PodViewHost): Core {

  const scopes = new ScopeStore(context.workspaceState);
  const pools = new PoolStore();
  const pods = new PodTree(scopes, log, pools, host);
  const statusBar = new PodStatusBar(pods);
  const prometheus = new PrometheusConnections(context, log);
  // the panel's allocation clicks reach the step-3 report, built just below
  let allocations: Allocations | undefined;
  let dbChecks: DbChecker | undefined;
  const trend = new TrendPanel({
    extensionUri: context.extensionUri,
    connections: prometheus,
    access: (ctxName) => kubeAccess(pods, ctxName),
    thresholds: () => pods.thresholds,
    selections: pods.view.onDidChangeSelection,
    listedPods: () => pods.snapshot?.pods ?? [],
    treeContext: () => pods.session?.contextName,
    allocationActions: {
      open: (id, frame) => void allocations?.open(id, frame),
      mapPath: (id) => void allocations?.mapPath(id),
      save: () => void vscode.commands.executeCommand('memoryTriage.saveAllocationReport'),
      findLeaks: () => void vscode.commands.executeCommand('memoryTriage.findLeakingLines', trend.current.target?.pods[0]),
      openHeapFile: (uris) => {
        const file = uris.find((u) => u.startsWith('file:'));
        void vscode.commands.executeCommand('memoryTriage.openHeapFile', file ? vscode.Uri.parse(file, true) : undefined);
      },
    },
    poolActions: { checkAgain: () => void vscode.commands.executeCommand('memoryTriage.checkDbConnections', dbChecks?.againTarget ?? trend.current.target?.pods[0]) },
    log,
  });
  const annotations = new LeakAnnotations();
  allocations = new Allocations({ trend, annotations, log });
  const leaks = new LeakFinder();
  dbChecks = new DbChecker({ check: checkDbConnections, recheck: recheckDbConnections }, pools);
  const links = registerLeakTerminalLinks((file, line) => allocations!.openRemote(file, line));
  const logs = new LogDocuments((file) => allocations!.localPath(file));
  // kept in the workspace storage: an incident survives a window reload
  const incidents = new IncidentStore(context.workspaceState);
  const incidentTimer = new IncidentTimer(incidents, log);

  context.subscriptions.push(scopes, pools, pods, statusBar, prometheus, trend, annotations, allocations, leaks, dbChecks, links, logs, incidentTimer);
  const run = commandRunner({ log, extension: context, pods, scopes, trend, prometheus, leaks, allocations, dbChecks, pools, logs, timeline: incidents, incidents, escalation: () => incidentTimer.levels });
  return { api: { pods, trend, allocations, pools, incidents }, run };
}
