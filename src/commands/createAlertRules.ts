import * as vscode from 'vscode';
import { alertRulesYaml, scopesForPods, type AlertRulesFormat } from '../triage/alertRules.ts';
import type { CommandContext } from './index.ts';

const FORMATS: (vscode.QuickPickItem & { format: AlertRulesFormat })[] = [
  { label: 'PrometheusRule', description: 'monitoring.coreos.com/v1', detail: 'For a Prometheus run by the prometheus-operator (kube-prometheus-stack): kubectl apply -f', format: 'prometheusRule' },
  { label: 'Prometheus rules file', description: 'groups:', detail: "For a Prometheus configured by hand: add the file to prometheus.yml's rule_files", format: 'rulesFile' },
];

// The runbook's post-incident "Add memory alerts": rules for the pods the tree shows, opened as an
// unsaved YAML document for the user to review, save and apply. Nothing is sent to the cluster.
// `format` (from a test or a command link) skips the pick; anything else asks.
export async function createAlertRules(ctx: CommandContext, format?: unknown): Promise<void> {
  const session = ctx.pods.ensureSession();
  if (!session) {
    void vscode.window.showInformationMessage('Memory Triage: open the Pods view first, so a cluster context is chosen.');
    return;
  }
  const snapshot = ctx.pods.snapshot?.listed && ctx.pods.snapshot.session === session ? ctx.pods.snapshot : await ctx.pods.refresh();
  if (!snapshot) return;
  if (snapshot.podsError) throw new Error(`the pods could not be listed, so the rules would not know their scope: ${snapshot.podsError.message}`);
  if (snapshot.pods.length === 0) {
    void vscode.window.showInformationMessage(`Memory Triage: no pods in ${session.describe()}; alert rules are written for the pods the view shows.`);
    return;
  }
  const picked = FORMATS.find((f) => f.format === format) ?? (await vscode.window.showQuickPick(FORMATS, { title: 'Create Memory Alert Rules', placeHolder: 'Write the rules as' }));
  if (!picked) return;
  const scopes = scopesForPods(snapshot.pods, ctx.prometheus.labels(session.contextName));
  const text = alertRulesYaml(scopes, { metrics: ctx.prometheus.metrics(), warningPercent: ctx.pods.thresholds.warning, format: picked.format });
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
  await vscode.window.showTextDocument(doc, { preview: false });
  ctx.log.info(`Alert rules (${picked.label}) written for ${scopes.length} workload(s) in ${session.describe()}`);
  // The report's checklist ticks "Add memory alerts" from this entry; the rules are written, not applied.
  ctx.timeline.record({
    kind: 'action', at: new Date().toISOString(), action: 'alert-rules', outcome: 'applied',
    target: { context: session.contextName, namespace: snapshot.pods[0]?.ref.namespace ?? '', kind: 'PrometheusRule', name: 'memory alerts' },
    change: `memory alert rules (${picked.label}) for ${scopes.length} workload(s)`,
    detail: 'opened as an unsaved YAML document, to review and apply with kubectl apply -f (or add to rule_files)',
  });
}
