import * as vscode from 'vscode';
import { registerCommands } from './commands/index.ts';
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

// Builds the objects and hands them to VS Code; no cluster call happens here. Work starts when
// the view becomes visible or a command runs.
export function activate(context: vscode.ExtensionContext): { pods: PodTree; trend: TrendPanel; allocations: Allocations; pools: PoolStore; incidents: IncidentStore } {
  const log = vscode.window.createOutputChannel('Memory Triage', { log: true });
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'dev';
  log.info(`Kube Memory Triage ${version} activated`);

  const scopes = new ScopeStore(context.workspaceState);
  const pools = new PoolStore();
  const pods = new PodTree(scopes, log, pools);
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

  context.subscriptions.push(
    log, scopes, pools, pods, statusBar, prometheus, trend, annotations, allocations, leaks, dbChecks, links, logs, incidentTimer,
    ...registerCommands({ log, extension: context, pods, scopes, trend, prometheus, leaks, allocations, dbChecks, pools, logs, timeline: incidents, incidents, escalation: () => incidentTimer.levels }),
  );
  // For the extension-host tests and other extensions: the live tree (session, snapshot, events).
  return { pods, trend, allocations, pools, incidents };
}

export function deactivate(): void {}
