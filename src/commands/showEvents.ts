import * as vscode from 'vscode';
import { podEvents } from '../cluster/podEvents.ts';
import { eventsDocument } from '../triage/events.ts';
import type { CommandContext } from './index.ts';
import { pickPod, sessionOrSay } from './targetPick.ts';

// The pod's events and its node's memory events (OOMKilling, pressure, evictions), newest first,
// in a read-only document beside the logs: what `kubectl events --for pod/x` and the node's
// `kubectl describe` would show, without leaving the editor.
export async function showEvents(ctx: CommandContext, item?: unknown): Promise<void> {
  const session = sessionOrSay(ctx);
  if (!session) return;
  const pod = await pickPod(ctx, item, 'Events of which pod?');
  if (!pod) return;
  const { namespace, name } = pod.ref;
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Reading the events of ${name}` },
    () => podEvents(session.kubeConfig, { namespace, name, node: pod.node }, { timeoutMs: 20_000 }),
  );
  ctx.log.info(`Events ${namespace}/${name}: ${found.events.length}${found.nodeNote ? ` (${found.nodeNote})` : ''}`);
  const notes = [`node ${pod.node ?? '(none)'}: its memory events only (OOMKilling, SystemOOM, memory pressure, evictions)`];
  if (found.nodeNote) notes.push(found.nodeNote);
  await ctx.logs.show(`${namespace}/${name} (events).log`, eventsDocument(`${session.contextName} ${namespace}/${name}`, found.events, new Date(), notes));
}
