import * as vscode from 'vscode';
import { ago, podDescription } from '../triage/describe.ts';
import { oomKilledPods } from '../triage/oomHistory.ts';
import type { CommandContext } from './index.ts';
import { pickAndReveal } from './podPick.ts';
import { freshSnapshot } from './refresh.ts';

// Every pod in scope whose status still remembers an OOM kill, newest first (the runbook's
// jsonpath query, but over all containers, not only containerStatuses[0]).
export async function findOomKilled(ctx: CommandContext): Promise<number | undefined> {
  const snapshot = await freshSnapshot(ctx);
  if (!snapshot) return undefined;
  const now = new Date();
  const kills = oomKilledPods(snapshot.pods);
  ctx.log.info(`OOMKilled pods in ${snapshot.session.describe()}: ${kills.length}`);
  if (kills.length === 0) {
    void vscode.window.showInformationMessage(`Memory Triage: no OOMKilled pods in ${snapshot.session.describe()}.`);
    return 0;
  }
  await pickAndReveal(
    ctx,
    kills.map((k) => ({
      pod: k.pod,
      description: `${k.container} OOMKilled ${k.at ? ago(k.at, now) : ''}${(snapshot.oomCounts.get(k.pod.uid) ?? 0) > 1 ? ` · seen ×${snapshot.oomCounts.get(k.pod.uid)}` : ''}`,
      detail: podDescription(k.pod, now),
    })),
    `OOMKilled pods, newest first (${kills.length})`,
  );
  return kills.length;
}
