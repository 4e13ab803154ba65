// The VS Code half of the one guarded path (cluster/change.ts has the other): every command that
// changes the cluster calls runGuardedChange with its ChangeSpec, and gets, in this order:
// refusal in read-only mode, in an untrusted workspace and when the kubeconfig's context is not the
// tree's; the plan; the dry run; the diff of before and after (the server's dry-run answer) in a
// read-only diff editor; a modal naming context, server, namespace and object, with any GitOps
// warning; the write on the planned resourceVersion (a 409 re-plans and asks again); what happened
// in the log and the incident timeline; then, optionally, the follow-up (a rollout) in a
// cancellable notification. Nothing else in the extension writes to a cluster.
import * as vscode from 'vscode';
import { applyChange, dryRunChange, isConflict, planChange, resourceOf, type ChangeSpec, type PlannedChange, type ServerAnswer } from '../cluster/change.ts';
import { changedLines, objectYaml } from '../cluster/changeText.ts';
import { ClusterError } from '../cluster/clusterError.ts';
import { contextMismatch } from '../cluster/contextCheck.ts';
import { detectGitOps, gitOpsWarning } from '../cluster/gitOps.ts';
import type { KubeObject } from '../cluster/kubeObject.ts';
import { refusalText, statusText, type ServerStatus } from '../cluster/serverStatus.ts';
import type { ClusterSession } from '../cluster/session.ts';
import { ConfigValue, Keys } from '../config.ts';
import type { ActionEntry } from '../triage/timeline.ts';
import { changeDocuments } from '../views/changeDocuments.ts';
import type { CommandContext } from './index.ts';
import { recordResolution } from './verifyRecovery.ts';

/** How many times a 409 is re-planned and re-asked before giving up. */
const MAX_CONFLICTS = 3;

export type GuardedOutcome = ActionEntry['outcome'];

export interface GuardedResult {
  readonly outcome: GuardedOutcome;
  /** What the server or the follow-up said; the state the object was left in. */
  readonly detail: string;
  /** The object as the server returned it after the write (undefined for a delete, or not applied). */
  readonly object?: KubeObject;
}

/** Follows what an applied change set going (a rollout) on the session that made it; returns the state reached, in words. */
export type FollowUp = (applied: KubeObject | undefined, report: (message: string) => void, signal: AbortSignal, session: ClusterSession) => Promise<string>;

export interface GuardedChangeOptions {
  /** The confirmation's question and the button: "Restart" for "Restart Deployment default/api?". */
  readonly verb: string;
  /** Run after an applied change, in a cancellable progress notification (cancel stops following, not the change). */
  readonly follow?: FollowUp;
  /** The notification's title while following: "Rollout of Deployment default/api". */
  readonly followTitle?: string;
}

/** Why no change may be made here at all (read-only setting, untrusted workspace); undefined when allowed. */
export function changesRefused(): string | undefined {
  if (!vscode.workspace.isTrusted) return 'This workspace is not trusted (restricted mode): Memory Triage makes no change to a cluster here. Trust the workspace to allow it.';
  if (ConfigValue.read(Keys.readOnly, false)) return 'memoryTriage.readOnly is on: Memory Triage makes no change to a cluster. Turn the setting off to allow it.';
  return undefined;
}

/** Logs an action's outcome and records it in the incident timeline (for ends reached before a ChangeSpec exists, too). */
export function recordAction(ctx: CommandContext, entry: Omit<ActionEntry, 'kind' | 'at'>): void {
  const t = entry.target;
  const line = `${entry.action} ${t.kind} ${t.namespace}/${t.name}: ${entry.outcome}${entry.change ? ` (${entry.change})` : ''}: ${entry.detail}`;
  if (entry.outcome === 'applied') ctx.log.info(line);
  else ctx.log.warn(line);
  ctx.timeline.record({ kind: 'action', at: new Date().toISOString(), ...entry });
}

/**
 * The only way a command changes the cluster. Never throws for a cluster answer: every end is a
 * GuardedResult that was logged, recorded in the timeline and said to the user.
 */
export async function runGuardedChange(ctx: CommandContext, spec: ChangeSpec, options: GuardedChangeOptions): Promise<GuardedResult> {
  const name = `${spec.target.kind} ${spec.target.namespace}/${spec.target.name}`;
  const session = ctx.pods.session ?? ctx.pods.ensureSession();
  const end = (outcome: GuardedOutcome, detail: string, change = '', object?: KubeObject): GuardedResult => {
    recordAction(ctx, { action: spec.action, target: { context: session?.contextName ?? '', namespace: spec.target.namespace, kind: spec.target.kind, name: spec.target.name }, change, outcome, detail });
    return { outcome, detail, object };
  };
  const refused = changesRefused() ?? (session ? contextMismatch(session, ctx.scopes.kubeconfigPath.value || undefined) : 'No cluster is open: open the Pods view on a cluster first.');
  if (refused || !session) {
    void vscode.window.showErrorMessage(`Memory Triage: ${refused}`);
    return end('refused', `${refused} Nothing was changed.`);
  }
  let conflicts = 0;
  for (;;) {
    let plan: PlannedChange;
    let dry: ServerAnswer;
    try {
      const planned = await planChange(session.kubeConfig, spec);
      if (!planned.ok) {
        void vscode.window.showWarningMessage(`Memory Triage: ${planned.reason}`);
        return end('refused', `${planned.reason} Nothing was changed.`);
      }
      plan = planned.plan;
      dry = await dryRunChange(session.kubeConfig, plan);
    } catch (err) {
      return failed(end, err, 'before anything was applied; nothing was changed');
    }
    ctx.log.info(`${spec.action} ${name}: planned on resourceVersion ${plan.resourceVersion}: ${plan.change}; dry run ${dry.ok ? 'accepted' : `refused: ${statusText(dry.status)}`}${dry.warnings.length ? `; warnings: ${dry.warnings.join('; ')}` : ''}`);
    const before = objectYaml(plan.before);
    const after = objectYaml(dry.ok && plan.request.method === 'PATCH' ? dry.object ?? plan.after : plan.after);
    await changeDocuments(ctx.extension).showDiff(name, before, after, dry.ok ? 'after (server dry run)' : 'after (refused by the dry run)');
    for (const l of changedLines(before, after)) ctx.log.info(`  ${l}`);
    if (!dry.ok) {
      if (isConflict(dry) && ++conflicts <= MAX_CONFLICTS) continue; // changed between the read and the dry run
      const said = refusal(dry.status, spec, plan); // RBAC is checked on a dry run too: its 403 names what to ask for
      void vscode.window.showErrorMessage(`Memory Triage: the server's dry run refused the change to ${name}; nothing was applied.`, { modal: true, detail: said });
      return end('dry-run-failed', `${said}\nNothing was applied; ${name} is as it was (resourceVersion ${plan.resourceVersion}).`, plan.change);
    }
    const confirmed = await confirm(session, plan, name, dry, options.verb, conflicts > 0);
    if (!confirmed) return end('cancelled', `Not confirmed; nothing was applied; ${name} is as it was.`, plan.change);
    let applied: ServerAnswer;
    try {
      applied = await applyChange(session.kubeConfig, plan);
    } catch (err) {
      return failed(end, err, 'while applying: whether it was applied is unknown; Refresh and look at the object', plan.change);
    }
    if (isConflict(applied)) {
      if (++conflicts > MAX_CONFLICTS) return end('failed', `${name} kept changing (${conflicts} conflicts); nothing was applied.`, plan.change);
      ctx.log.warn(`${spec.action} ${name}: 409, it changed since resourceVersion ${plan.resourceVersion}; reading it again`);
      void vscode.window.showWarningMessage(`Memory Triage: ${name} changed since the diff was made; nothing was applied. Here is the change again on what it is now.`);
      continue;
    }
    if (!applied.ok) {
      const said = refusal(applied.status, spec, plan);
      void vscode.window.showErrorMessage(`Memory Triage: the change to ${name} was refused; nothing was applied.`, { modal: true, detail: said });
      return end('failed', `${said}\nNothing was applied; ${name} is as it was.`, plan.change);
    }
    // Verify Recovery's "since the last resolution" is the moment of the write, not the rollout's end.
    recordResolution(ctx.extension.workspaceState).then(undefined, (err: unknown) => ctx.log.warn(`Could not note the resolution time: ${String(err)}`));
    const state = options.follow ? await follow(options, name, applied.object, session) : 'applied';
    void vscode.window.showInformationMessage(`Memory Triage: ${options.verb} ${name}: ${state}`);
    return end('applied', state, plan.change, applied.object);
  }
}

async function confirm(session: ClusterSession, plan: PlannedChange, name: string, dry: ServerAnswer, verb: string, again: boolean): Promise<boolean> {
  const gitOps = gitOpsWarning(detectGitOps(plan.before));
  const detail = [
    again ? 'It changed since the last diff: this is the change on the object as it is now.' : '',
    `Context: ${session.contextName}`,
    `Cluster: ${session.server}`,
    `Namespace: ${plan.spec.target.namespace}`,
    `${plan.spec.target.kind}: ${plan.spec.target.name}`,
    `Change: ${plan.change}`,
    `Server dry run: accepted${dry.warnings.length ? `, with warnings: ${dry.warnings.join('; ')}` : ''}.`,
    gitOps ? `\nWarning: ${gitOps}` : '',
  ].filter(Boolean).join('\n');
  const answer = await vscode.window.showWarningMessage(`${verb} ${name}?`, { modal: true, detail }, verb);
  return answer === verb;
}

async function follow(options: GuardedChangeOptions, name: string, applied: KubeObject | undefined, session: ClusterSession): Promise<string> {
  const title = options.followTitle ?? `Following ${name}`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort(new Error('stopped following')));
    try {
      return await options.follow!(applied, (message) => progress.report({ message }), abort.signal, session);
    } catch (err) {
      return `applied, but following it failed: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      sub.dispose();
    }
  });
}

/** The plan's refusal in words, with the RBAC verb and resource its request needs. */
function refusal(status: ServerStatus, spec: ChangeSpec, plan: PlannedChange): string {
  return refusalText(status, plan.request.method === 'DELETE' ? 'delete' : 'patch', resourceOf(spec.target), spec.target.namespace);
}

function failed(end: (o: GuardedOutcome, d: string, c?: string) => GuardedResult, err: unknown, when: string, change = ''): GuardedResult {
  const message = err instanceof ClusterError ? `${err.message} ${err.hint}` : err instanceof Error ? err.message : String(err);
  void vscode.window.showErrorMessage(`Memory Triage: ${message}`);
  return end('failed', `${message} (${when})`, change);
}
