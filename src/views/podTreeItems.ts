import * as vscode from 'vscode';
import type { ContainerMemory, PodMemory, PoolReport, PoolVerdictKind, WorkloadRef } from '../triage/model.ts';
import { containerDescription, podDescription, podTooltipMarkdown } from '../triage/describe.ts';
import { lastOomKill } from '../triage/oomHistory.ts';
import { containerPercent, levelOf, podGauge, podPercent, type Level, type Thresholds } from '../triage/pressure.ts';
import { bucketOf, gaugeSvg, type Theme } from './gaugeSvg.ts';
import { poolDescription, poolTooltip } from './poolRows.ts';

// The gauge pictures (see gaugeSvg.ts for why they are images), one per level and tenth.
const cache = new Map<string, { light: vscode.Uri; dark: vscode.Uri }>();

function gaugeIcon(level: Level, percent: number | undefined): { light: vscode.Uri; dark: vscode.Uri } {
  const bucket = level === 'no-limit' || level === 'no-metrics' ? -1 : bucketOf(percent ?? 0);
  const key = `${level}:${bucket}`;
  let icon = cache.get(key);
  if (!icon) {
    const uri = (theme: Theme) => vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(gaugeSvg(level, bucket, theme)).toString('base64')}`);
    icon = { light: uri('light'), dark: uri('dark') };
    cache.set(key, icon);
  }
  return icon;
}

// contextValues matched by the `when` clauses of package.json's view/item/context menus.
export const ContextValue = {
  workload: 'memoryTriage.workload',
  pod: 'memoryTriage.pod',
  podOom: 'memoryTriage.pod.oomKilled',
  container: 'memoryTriage.container',
  db: 'memoryTriage.db',
  message: 'memoryTriage.message',
} as const;

export class WorkloadItem extends vscode.TreeItem {
  readonly workload: WorkloadRef;
  readonly pods: readonly PodMemory[];

  constructor(workload: WorkloadRef, pods: readonly PodMemory[], t: Thresholds, expanded: boolean) {
    super(workload.name, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.workload = workload;
    this.pods = pods;
    this.id = `workload:${workload.kind}/${workload.namespace}/${workload.name}`;
    const hot = pods.filter((p) => (podPercent(p) ?? 0) >= t.warning).length;
    const ooms = pods.filter((p) => lastOomKill(p)).length;
    this.description = [`${workload.kind}`, `${pods.length} pod${pods.length === 1 ? '' : 's'}`, hot ? `${hot} ≥ ${t.warning}%` : '', ooms ? `${ooms} OOMKilled` : '']
      .filter(Boolean)
      .join(' · ');
    const gauge = podGauge(pods[0]!, t);
    this.iconPath = gaugeIcon(gauge.level, gauge.percent);
    this.tooltip = `${workload.kind} ${workload.namespace}/${workload.name}`;
    this.contextValue = ContextValue.workload;
  }
}

export class PodItem extends vscode.TreeItem {
  readonly pod: PodMemory;

  constructor(pod: PodMemory, t: Thresholds, now: Date, oomCount: number) {
    super(pod.ref.name, pod.containers.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.pod = pod;
    this.id = `pod:${pod.uid}`;
    this.description = podDescription(pod, now) + (oomCount > 1 ? ` · OOM×${oomCount}` : '');
    const gauge = podGauge(pod, t);
    this.iconPath = gaugeIcon(gauge.level, gauge.percent);
    this.contextValue = lastOomKill(pod) ? ContextValue.podOom : ContextValue.pod;
  }
}

/** The Markdown tooltip, built only when VS Code asks (hover), not for every pod on every redraw. */
export function podTooltip(pod: PodMemory, now = new Date(), extra?: string): vscode.MarkdownString {
  const base = podTooltipMarkdown(pod, now);
  return new vscode.MarkdownString(extra ? `${base}\n\n${extra}` : base);
}

export class ContainerItem extends vscode.TreeItem {
  readonly pod: PodMemory;
  readonly container: ContainerMemory;

  constructor(pod: PodMemory, container: ContainerMemory, t: Thresholds, now: Date) {
    super(container.name, vscode.TreeItemCollapsibleState.None);
    this.pod = pod;
    this.container = container;
    this.id = `container:${pod.uid}/${container.name}`;
    this.description = containerDescription(container, now);
    this.iconPath = gaugeIcon(levelOf(container, t), containerPercent(container));
    this.tooltip = `${container.name} (${container.image})`;
    this.contextValue = ContextValue.container;
  }
}

const VERDICT_ICONS: Record<PoolVerdictKind, vscode.ThemeIcon> = {
  exhausted: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  leaking: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
  healthy: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  unknown: new vscode.ThemeIcon('question'),
};

/** Step 4's finding under the pod, beside its containers: "DB 9/15 checked out · leaking". */
export class DbItem extends vscode.TreeItem {
  readonly pod: PodMemory;
  /** The container checked, as the pod lists it now: a click or Check Again targets it again. */
  readonly container: ContainerMemory | undefined;
  readonly report: PoolReport;

  constructor(pod: PodMemory, report: PoolReport) {
    super('DB', vscode.TreeItemCollapsibleState.None);
    this.pod = pod;
    this.report = report;
    this.container = pod.containers.find((c) => c.name === report.container);
    this.id = `db:${pod.uid}`;
    this.description = poolDescription(report);
    this.tooltip = poolTooltip(report);
    this.iconPath = VERDICT_ICONS[report.verdict.kind] ?? VERDICT_ICONS.unknown;
    this.contextValue = ContextValue.db;
  }
}

/** A line that says what is wrong or missing, with what to do in its tooltip or command. */
export class MessageItem extends vscode.TreeItem {
  constructor(label: string, hint: string, icon: 'error' | 'warning' | 'info', command?: vscode.Command, key = label) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `message:${key}`;
    this.description = hint;
    this.tooltip = `${label}\n${hint}`;
    this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(icon === 'error' ? 'errorForeground' : icon === 'warning' ? 'editorWarning.foreground' : 'foreground'));
    this.contextValue = ContextValue.message;
    this.command = command;
  }
}

export type PodTreeNode = WorkloadItem | PodItem | ContainerItem | DbItem | MessageItem;
