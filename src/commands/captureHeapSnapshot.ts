import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { captureNodeSnapshots } from '../heap/node/snapshotCapture.ts';
import { pruneSnapshots } from '../heap/node/snapshotFiles.ts';
import { runtimeOf } from '../heap/runtimeOf.ts';
import type { AllocationReport } from '../triage/model.ts';
import { snapshotCost } from '../triage/snapshotCost.ts';
import { pickProcess } from './findLeakingLines.ts';
import type { CommandContext } from './index.ts';
import { pickContainer, type PickedContainer } from './targetPick.ts';

// Runbook step 3 for Node.js, on request: two full heap snapshots of the live process (growth by
// constructor) after a modal naming the cost and the pod's headroom. The capture's notification,
// panel and timeline are Find Leaking Lines' own (LeakFinder.capture).

async function costAccepted(picked: PickedContainer, ctx: CommandContext): Promise<boolean> {
  // the tree's latest figures, not those of the row when it was drawn
  const fresh = ctx.pods.snapshot?.pods.find((p) => p.uid === picked.pod.uid)?.containers.find((c) => c.name === picked.container.name);
  const cost = snapshotCost(fresh ?? picked.container);
  const go = 'Take Heap Snapshots';
  const choice = await vscode.window.showWarningMessage(`Heap snapshots of ${picked.pod.ref.name} cost about its heap size again`, { modal: true, detail: cost.detail }, go);
  return choice === go;
}

export async function captureHeapSnapshot(ctx: CommandContext, item?: unknown): Promise<AllocationReport | undefined> {
  const session = ctx.leaks.readyFor(ctx);
  if (!session) return undefined;
  const picked = await pickContainer(ctx, item, 'Take heap snapshots of which pod?');
  if (!picked) return undefined;
  const { pod, container } = picked;
  const ref = { namespace: pod.ref.namespace, pod: pod.ref.name, container: container.name };
  const runtime = await runtimeOf(session.kubeConfig, ref).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (runtime instanceof Error) {
    void vscode.window.showErrorMessage(`Memory Triage: the processes of ${container.name} could not be read: ${runtime.message}`);
    return undefined;
  }
  if (runtime !== 'node') {
    void vscode.window.showInformationMessage(`Memory Triage: heap snapshots are for Node.js, and ${container.name} runs no node process. Find Leaking Lines works for it.`);
    return undefined;
  }
  if (!(await costAccepted(picked, ctx))) return undefined;
  const directory = join(ctx.extension.globalStorageUri.fsPath, 'heap-snapshots');
  await mkdir(directory, { recursive: true });
  // with this capture's, at most three kept snapshots: each is about the target's heap size
  const removed = await pruneSnapshots(directory, 2);
  if (removed.length) ctx.log.info(`Removed older heap snapshots from ${directory}: ${removed.join(', ')}`);
  return ctx.leaks.capture(ctx, picked, `Taking heap snapshots of ${pod.ref.name}`, (common) =>
    captureNodeSnapshots(session.kubeConfig, pod.ref, container.name, {
      ...common, directory, samplingIntervalBytes: ctx.leaks.samplingIntervalBytes, pickProcess: pickProcess(container.name, 'Node.js'),
    }).then((r) => r.report));
}
