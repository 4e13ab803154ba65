import * as vscode from 'vscode';
import type { ClusterSession } from '../cluster/session.ts';
import type { ContainerMemory, PodMemory } from '../triage/model.ts';
import type { CommandContext } from './index.ts';

// Which container a command on a live process acts on: the tree item it was run on (pod,
// container, or a finding row under a pod), the tree's selection, or a pick from the palette.
// Shared by step 3 (leaking lines) and step 4 (DB connections).

export interface PickedContainer {
  readonly pod: PodMemory;
  readonly container: ContainerMemory;
}

interface Candidate {
  readonly pod: PodMemory;
  /** undefined: a pod with several app containers, asked for next */
  readonly container?: ContainerMemory;
}

function asPicked(item: unknown): Candidate | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const c = item as { pod?: PodMemory; container?: ContainerMemory; ref?: unknown; containers?: unknown };
  const pod = c.pod ?? (c.ref && Array.isArray(c.containers) ? (item as PodMemory) : undefined);
  if (!pod?.ref || !Array.isArray(pod.containers)) return undefined;
  if (c.container) return { pod, container: c.container };
  const apps = pod.containers.filter((x) => x.role !== 'init');
  return { pod, container: apps.length === 1 ? apps[0] : undefined };
}

/** The tree's session, or undefined after saying that the Pods view must choose a context first. */
export function sessionOrSay(ctx: CommandContext): ClusterSession | undefined {
  const session = ctx.pods.session;
  if (!session) void vscode.window.showInformationMessage('Memory Triage: open the Pods view first, so a cluster context is chosen.');
  return session;
}

/** The pod a tree row (pod, container, finding) or the selection names, or one picked from the listed pods. */
export async function pickPod(ctx: CommandContext, item: unknown, question: string): Promise<PodMemory | undefined> {
  const picked = asPicked(item) ?? asPicked(ctx.pods.view.selection[0]);
  if (picked) return picked.pod;
  const pods = ctx.pods.snapshot?.pods ?? [];
  if (pods.length === 0) {
    void vscode.window.showInformationMessage('Memory Triage: open the Pods view and choose a pod first.');
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    pods.map((p) => ({ label: p.ref.name, description: p.ref.namespace, detail: p.containers.map((c) => c.name).join(', '), pod: p })),
    { title: question, matchOnDescription: true },
  );
  return pick?.pod;
}

/** `question`: "Check DB connections of which pod?" */
export async function pickContainer(ctx: CommandContext, item: unknown, question: string): Promise<PickedContainer | undefined> {
  let picked = asPicked(item) ?? asPicked(ctx.pods.view.selection[0]);
  if (!picked) {
    const pod = await pickPod(ctx, undefined, question);
    if (!pod) return undefined;
    picked = asPicked(pod);
  }
  if (picked && !picked.container) {
    const apps = picked.pod.containers.filter((c) => c.role !== 'init');
    const pick = await vscode.window.showQuickPick(
      apps.map((c) => ({ label: c.name, description: c.image, container: c })),
      { title: `Which container of ${picked.pod.ref.name}?` },
    );
    if (!pick) return undefined;
    picked = { pod: picked.pod, container: pick.container };
  }
  return picked?.container ? { pod: picked.pod, container: picked.container } : undefined;
}
