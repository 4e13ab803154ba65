import * as vscode from 'vscode';
import { previousLog } from '../cluster/podLogs.ts';
import type { CommandContext } from './index.ts';
import { pickContainer, sessionOrSay } from './targetPick.ts';

// What the killed instance printed before it died (`kubectl logs --previous`), one click from the
// tree: a read-only document whose stack frames open the workspace lines.
export async function showPreviousLogs(ctx: CommandContext, item?: unknown): Promise<void> {
  const session = sessionOrSay(ctx);
  if (!session) return;
  const picked = await pickContainer(ctx, item, 'Logs of which pod?');
  if (!picked) return;
  const { pod, container } = picked;
  const log = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Reading the log of ${pod.ref.name}/${container.name}` },
    () => previousLog(session.kubeConfig, pod.ref.namespace, pod.ref.name, container.name),
  );
  const which = log.previous ? 'previous' : 'current';
  ctx.log.info(`Logs ${pod.ref.namespace}/${pod.ref.name}/${container.name} (${which}): ${log.text.length} characters${log.cut ? ', cut to the last part' : ''}`);
  const header = log.previous
    ? `# ${pod.ref.namespace}/${pod.ref.name} container ${container.name}: the instance that ended${container.lastTermination ? ` (${container.lastTermination.reason}, exit ${container.lastTermination.exitCode})` : ''}, last ${log.cut ? 'part' : 'lines'}\n`
    : `# ${pod.ref.namespace}/${pod.ref.name} container ${container.name}: no previous instance (it never restarted), so the running one's log\n`;
  await ctx.logs.show(`${pod.ref.namespace}/${pod.ref.name}/${container.name} (${which}).log`, header + (log.text || '(the log is empty)\n'));
}
