import * as vscode from 'vscode';
import { parseSince, verifyRecovery as judge, type Verdict } from '../triage/verification.ts';
import { measuredPods } from '../triage/metricsAge.ts';
import { PODS_KEPT, podFigures } from '../triage/incidentFigures.ts';
import { byPressure } from '../triage/pressure.ts';
import { verificationFacts } from '../prometheus/verificationFacts.ts';
import type { PodMemory } from '../triage/model.ts';
import type { PrometheusContainerFacts } from '../triage/verificationEvidence.ts';
import type { CommandContext } from './index.ts';
import { freshSnapshot, offerPick } from './podActions.ts';

const FACTS_TIMEOUT_MS = 10_000;

/** workspaceState key under which a resolution action (restart, new limit, scale) notes its time. */
export const LAST_RESOLUTION_KEY = 'memoryTriage.lastResolutionAt';

/** For the resolution commands: "verify since" defaults to this moment afterwards. */
export function recordResolution(state: vscode.Memento, at = new Date()): Thenable<void> {
  return state.update(LAST_RESOLUTION_KEY, at.toISOString());
}

async function askSince(ctx: CommandContext): Promise<Date | undefined> {
  const last = ctx.extension.workspaceState.get<string>(LAST_RESOLUTION_KEY);
  const now = Date.now();
  // No resolution recorded here (a restart done with kubectl, or by a colleague): a rollout
  // shows as the newest pod's creation, which is the next best "since".
  const newest = (ctx.pods.snapshot?.pods ?? []).reduce<Date | undefined>((t, p) => (p.createdAt && (!t || p.createdAt > t) ? p.createdAt : t), undefined);
  const items = [
    ...(last ? [{ label: 'Since the last resolution action', description: new Date(last).toLocaleString(), at: new Date(last) }] : []),
    ...(newest ? [{ label: 'Since the newest pod in scope started', description: `${newest.toLocaleString()} (a restart or rollout)`, at: newest }] : []),
    { label: 'Last 15 minutes', description: '', at: new Date(now - 15 * 60_000) },
    { label: 'Last hour', description: '', at: new Date(now - 3_600_000) },
    { label: 'Since a time…', description: 'HH:MM today, or an ISO date', at: undefined as Date | undefined },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Verify Recovery: no OOMKilled since…' });
  if (!pick) return undefined;
  if (pick.at) return pick.at;
  const typed = await vscode.window.showInputBox({ title: 'No OOMKilled since', placeHolder: '14:05 or 2026-11-27T14:05:00Z', validateInput: (v) => (parseSince(v) ? undefined : 'HH:MM (local time today) or an ISO date') });
  return typed ? parseSince(typed) : undefined;
}

// Prometheus when it can be reached (a URL, or the service already found for the context);
// without it the verdict says it judged from the pods' status and the kills the tree saw.
async function prometheusFacts(ctx: CommandContext, pods: readonly PodMemory[], since: Date): Promise<PrometheusContainerFacts[] | undefined> {
  const session = ctx.pods.session;
  if (!session) return undefined;
  try {
    const client = await ctx.prometheus.clientFor(() => session);
    const namespaces = [...new Set(pods.map((p) => p.ref.namespace))];
    const labels = ctx.prometheus.labels(session.contextName);
    const facts = await Promise.all(namespaces.map((ns) => verificationFacts(client, ctx.prometheus.metrics(), ns, since, labels, Date.now(), AbortSignal.timeout(FACTS_TIMEOUT_MS))));
    return facts.flat();
  } catch (err) {
    ctx.log.info(`Verify recovery without Prometheus: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

// The runbook's Verification: top pods under 80% of limit and no OOMKilled, judged from fresh
// figures; a clear PASS/FAIL with the pods that fail.
export async function verifyRecovery(ctx: CommandContext, since?: Date | string): Promise<Verdict | undefined> {
  const from = since instanceof Date ? since : typeof since === 'string' ? parseSince(since) : await askSince(ctx);
  if (!from) return undefined;
  const snapshot = await freshSnapshot(ctx);
  if (!snapshot) return undefined;
  const prometheus = await prometheusFacts(ctx, snapshot.pods, from);
  const verdict = judge(measuredPods(snapshot), from, ctx.pods.thresholds, { seenKills: ctx.pods.seenKills, prometheus });
  ctx.log.info(`Verify recovery in ${snapshot.session.describe()}: ${verdict.summary}`);
  for (const f of verdict.failures) ctx.log.info(`  ${f.pod.ref.namespace}/${f.pod.ref.name}: ${f.reasons.join('; ')}`);
  ctx.timeline.record({ kind: 'verification', at: new Date().toISOString(), since: from.toISOString(), passed: verdict.checked === 0 ? undefined : verdict.pass, summary: verdict.summary, pods: podFigures([...snapshot.pods].sort(byPressure).slice(0, PODS_KEPT)) });
  for (const line of [...verdict.replaced, ...verdict.restarts]) ctx.log.info(`  ${line}`);
  if (verdict.pass) {
    void vscode.window.showInformationMessage(`Memory Triage: ${verdict.summary}`);
    return verdict;
  }
  const failing = () => verdict.failures.map((f) => ({ pod: f.pod, description: f.reasons[0] ?? '', detail: f.reasons.slice(1).join('; ') || undefined }));
  offerPick(ctx, `Memory Triage: ${verdict.summary}`, 'Show Failing Pods', failing, 'Verify Recovery: failing pods');
  return verdict;
}
