import type { ContainerMemory, PodMemory } from './model.ts';
import { lastOomKill } from './oomHistory.ts';
import { containerPercent, initDone, podPercent, shownPercent, worstContainer } from './pressure.ts';
import { formatBytes } from './quantity.ts';

// The words the tree, the tooltip and the status bar show. Pure, so the exact strings are tested.

/** "4m ago", "2h ago", "3d ago". */
export function ago(at: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** "412 MiB / 512 MiB · 80%", "95 MiB · no limit", "no metrics · limit 512 MiB". */
export function gaugeText(c: ContainerMemory): string {
  const pct = containerPercent(c);
  if (c.workingSetBytes === undefined) return c.limitBytes ? `no metrics · limit ${formatBytes(c.limitBytes)}` : 'no metrics';
  if (pct === undefined) return `${formatBytes(c.workingSetBytes)} · no limit`;
  return `${formatBytes(c.workingSetBytes)} / ${formatBytes(c.limitBytes!)} · ${shownPercent(pct)}%`;
}

/** Like kubectl's STATUS column: a waiting/terminated reason beats the phase. */
export function podStatus(pod: PodMemory): string {
  if (pod.phase === 'Terminating') return 'Terminating';
  if (pod.reason) return pod.reason;
  // While the pod initializes, the init container it waits on says why ("Init:CrashLoopBackOff").
  // "Pending" is podMemory's word for no status yet, PodInitializing the normal wait.
  for (const c of pod.containers) {
    if (c.role !== 'init' && !(c.role === 'sidecar' && pod.phase === 'Pending')) continue;
    const reason = c.state.reason;
    if (c.state.kind === 'waiting' && reason && reason !== 'Pending' && reason !== 'PodInitializing') return `Init:${reason}`;
    if (c.state.kind === 'terminated' && reason && reason !== 'Completed') return `Init:${reason}`;
  }
  for (const c of pod.containers) {
    if (c.role === 'init') continue;
    if (c.state.kind === 'waiting' && c.state.reason && c.state.reason !== 'ContainerCreating') return c.state.reason;
    if (c.state.kind === 'terminated' && c.state.reason && pod.phase === 'Running') return c.state.reason;
  }
  return pod.phase;
}

function restarts(pod: PodMemory): number {
  return pod.containers.reduce((n, c) => n + c.restartCount, 0);
}

// A pod line shows its most pressed container's figures (named when there are several), since
// that container is the one the kubelet will kill; without limits it shows the summed usage.
export function podDescription(pod: PodMemory, now: Date): string {
  const parts: string[] = [];
  const worst = worstContainer(pod);
  if (worst) {
    parts.push(pod.containers.length > 1 ? `${worst.name}: ${gaugeText(worst)}` : gaugeText(worst));
  } else if (pod.containers.some((c) => c.workingSetBytes !== undefined)) {
    const sum = pod.containers.reduce((n, c) => n + (c.workingSetBytes ?? 0), 0);
    parts.push(`${formatBytes(sum)} · no limit`);
  } else if (pod.phase === 'Running' || pod.containers.length === 1) {
    parts.push(pod.containers.length === 1 ? gaugeText(pod.containers[0]!) : 'no metrics');
  }
  const status = podStatus(pod);
  if (status !== 'Running') parts.push(status);
  const kill = lastOomKill(pod);
  if (kill) parts.push(kill.at ? `OOMKilled ${ago(kill.at, now)}` : 'OOMKilled');
  const n = restarts(pod);
  if (n > 0) parts.push(`↻${n}`);
  return parts.join(' · ');
}

const ROLE: Record<NonNullable<ContainerMemory['role']>, string> = { sidecar: 'sidecar', init: 'init container' };

export function containerDescription(c: ContainerMemory, now: Date): string {
  // A completed init container has no usage because it is done, not because metrics are missing.
  const parts = [initDone(c) ? 'done' : gaugeText(c)];
  if (c.state.kind !== 'running' && c.state.reason && !initDone(c)) parts.push(c.state.reason);
  if (c.lastTermination?.reason === 'OOMKilled') parts.push(c.lastTermination.finishedAt ? `OOMKilled ${ago(c.lastTermination.finishedAt, now)}` : 'OOMKilled');
  if (c.restartCount > 0) parts.push(`↻${c.restartCount}`);
  if (c.role) parts.push(ROLE[c.role]);
  return parts.join(' · ');
}

/**
 * "api-7d9f… 93% · OOM×2": the worst pod, shortened for the status bar. Without a percent it
 * says why instead: the pod's state (CrashLoopBackOff, Pending), else "no limit" or "no metrics".
 */
export function statusBarText(pod: PodMemory, oomCount: number): string {
  const name = pod.ref.name.length > 12 ? `${pod.ref.name.slice(0, 10)}…` : pod.ref.name;
  const pct = podPercent(pod);
  const status = podStatus(pod);
  const measured = pod.containers.some((c) => c.workingSetBytes !== undefined);
  const figure = pct !== undefined ? `${shownPercent(pct)}%` : status !== 'Running' ? status : measured ? 'no limit' : 'no metrics';
  const parts = [`${name} ${figure}`];
  if (oomCount > 0) parts.push(`OOM×${oomCount}`);
  return parts.join(' · ');
}

/** Markdown-escapes text from the cluster, so a name or message cannot add links or markup. */
export function esc(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

const opt = (bytes: number | undefined): string => (bytes === undefined ? '—' : formatBytes(bytes));

/** Markdown for the pod tooltip: a table per container, then node and QoS. */
export function podTooltipMarkdown(pod: PodMemory, now: Date): string {
  const lines = [`**${esc(pod.ref.namespace)}/${esc(pod.ref.name)}** — ${esc(podStatus(pod))}`, ''];
  lines.push('| Container | Usage | Request | Limit | % of limit | Last termination |', '|---|---|---|---|---|---|');
  for (const c of pod.containers) {
    const pct = containerPercent(c);
    const t = c.lastTermination;
    const term = t ? `${esc(t.reason)} (exit ${t.exitCode}${t.finishedAt ? `, ${t.finishedAt.toISOString()}, ${ago(t.finishedAt, now)}` : ''})` : '—';
    const usage = c.workingSetBytes === undefined ? 'no metrics' : formatBytes(c.workingSetBytes);
    const pctText = pct === undefined ? (c.limitBytes ? '—' : 'no limit') : `${shownPercent(pct)}%`;
    lines.push(`| ${esc(c.name)}${c.role ? ` (${ROLE[c.role]})` : ''} | ${usage} | ${opt(c.requestBytes)} | ${opt(c.limitBytes)} | ${pctText} | ${term} |`);
  }
  lines.push('', `Node: ${esc(pod.node ?? 'not scheduled')} · QoS: ${esc(pod.qosClass ?? 'unknown')} · Restarts: ${restarts(pod)}`);
  lines.push(`Owner: ${pod.workload.kind} ${esc(pod.workload.name)}`);
  if (pod.metricsAt) lines.push(`Usage is the working set from metrics.k8s.io at ${pod.metricsAt.toISOString()}.`);
  return lines.join('\n');
}
