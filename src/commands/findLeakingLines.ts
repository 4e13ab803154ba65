import * as vscode from 'vscode';
import { ConfigValue, Keys } from '../config.ts';
import type { ClusterSession } from '../cluster/session.ts';
import { Disposable } from '../disposable.ts';
import { CaptureError } from '../heap/captureError.ts';
import { describeProcess, type ContainerProcess } from '../heap/processList.ts';
import { captureGoWith, findGoPprof } from '../heap/go/goCapture.ts';
import type { GoSampleType } from '../heap/go/pprofProfile.ts';
import { captureNode } from '../heap/node/nodeCapture.ts';
import { capturePython } from '../heap/python/pythonCapture.ts';
import { runtimeOf } from '../heap/runtimeOf.ts';
import { containerPercent } from '../triage/pressure.ts';
import { oomKilledNames, podFigures, podTarget, siteFigures, SITES_KEPT } from '../triage/incidentFigures.ts';
import { formatBytes } from '../triage/quantity.ts';
import type { AllocationReport, PodMemory } from '../triage/model.ts';
import { targetForPod } from '../views/trendTargets.ts';
import type { CommandContext } from './index.ts';
import { liveProgress } from './liveProgress.ts';
import { pickContainer, type PickedContainer } from './targetPick.ts';

// Runbook step 3 on the live process: which container, is it safe to trace, then the capture with
// a countdown the user can cancel; the result goes to the allocations part of the trend panel and
// onto the source lines.

/** Bytes tracemalloc keeps per live block traced (its hash table), measured: docs/BENCHMARKS.md. */
export const TRACE_BYTES_PER_BLOCK = 53;
/** Bytes per traced block at the peak of each sample (take_snapshot + grouping), measured: docs/BENCHMARKS.md. */
export const SNAPSHOT_BYTES_PER_BLOCK = 220;

/** Near the limit, tracing may itself be what the OOM killer acts on: ask first, with the cost. */
async function costAccepted(ctx: CommandContext, picked: PickedContainer): Promise<boolean> {
  // the tree's latest figures, not those of the row when it was drawn (a kill may have reset them)
  const fresh = ctx.pods.snapshot?.pods.find((p) => p.uid === picked.pod.uid)?.containers.find((c) => c.name === picked.container.name);
  const percent = containerPercent(fresh ?? picked.container);
  const critical = ctx.pods.thresholds.critical;
  if (percent === undefined || percent < critical) return true;
  const go = 'Capture Anyway';
  const detail =
    `${picked.container.name} uses ${Math.floor(percent)}% of its memory limit (critical: ${critical}%). ` +
    `tracemalloc keeps about ${TRACE_BYTES_PER_BLOCK} bytes per block allocated during the window and still alive, and each sample briefly ` +
    `copies the traces (about ${SNAPSHOT_BYTES_PER_BLOCK} bytes per block): for small objects that is about as much again as what leaks. ` +
    'It may itself trigger the OOM kill. A shorter window (memoryTriage.capture.windowSeconds) costs less.';
  const choice = await vscode.window.showWarningMessage(`Tracing ${picked.pod.ref.name} costs memory in the pod`, { modal: true, detail }, go);
  return choice === go;
}

/** The capture in the incident's timeline: the top sites, each with the workspace file it maps to. */
async function recordSites(ctx: CommandContext, pod: PodMemory, title: string, report: AllocationReport): Promise<void> {
  const mapped = new Map<string, string>();
  for (const s of report.sites.slice(0, SITES_KEPT * 3)) {
    const local = mapped.has(s.file) ? undefined : await ctx.allocations.localPath(s.file);
    if (local) mapped.set(s.file, vscode.workspace.asRelativePath(local, true));
  }
  const growth = report.growthBytes !== undefined ? `, grew ${formatBytes(report.growthBytes)}` : '';
  ctx.timeline.record({
    kind: 'measurement', at: new Date().toISOString(), step: 3, targets: [podTarget(pod.ref)],
    summary: `${title}: ${report.sites.length} sites, ${formatBytes(report.totalBytes)} traced${growth} (${report.method.description})`,
    figures: { 'traced bytes': formatBytes(report.totalBytes), ...(report.growthBytes !== undefined ? { growth: formatBytes(report.growthBytes) } : {}), ...(report.method.windowSeconds ? { 'window (s)': report.method.windowSeconds } : {}) },
    sites: siteFigures(report, (file) => mapped.get(file)),
    pods: podFigures([pod]),
    oomKilled: oomKilledNames([pod]),
  });
}

export interface CommonCapture {
  readonly windowSeconds: number;
  readonly debugImage: string;
  readonly signal: AbortSignal;
  readonly onProgress: (message: string, secondsLeft?: number) => void;
}

/** A quick pick of the container's processes of a runtime, when it runs more than one. */
export const pickProcess = (container: string, runtime: string) => async <P extends ContainerProcess>(choices: readonly P[]) =>
  (await vscode.window.showQuickPick(choices.map((p) => ({ label: describeProcess(p), process: p })), { title: `Which ${runtime} process of ${container}?` }))?.process;

export class LeakFinder extends Disposable {
  private readonly windowSeconds = this.register(new ConfigValue<number>(Keys.captureWindow, 60));
  private readonly frames = this.register(new ConfigValue<number>(Keys.pythonFrames, 10));
  private readonly debugImage = this.register(new ConfigValue<string>(Keys.debugImage, 'ghcr.io/kube-memory-triage/debug:1'));
  private readonly goPort = this.register(new ConfigValue<number>(Keys.goPprofPort, 6060));
  private readonly goSampleType = this.register(new ConfigValue<GoSampleType>(Keys.goSampleType, 'inuse_space'));
  private readonly samplingInterval = this.register(new ConfigValue<number>(Keys.nodeSamplingInterval, 32768));
  /** Pods we told about the debug container that stays: say it once per pod. */
  private readonly toldDebug = new Set<string>();
  private running: AbortController | undefined;

  constructor() {
    super();
    this.register({ dispose: () => this.running?.abort() });
  }

  async run(ctx: CommandContext, item?: unknown): Promise<AllocationReport | undefined> {
    const session = this.readyFor(ctx);
    if (!session) return undefined;
    const picked = await pickContainer(ctx, item, 'Find leaking lines in which pod?');
    if (!picked) return undefined;
    const { pod, container } = picked;
    const ref = { namespace: pod.ref.namespace, pod: pod.ref.name, container: container.name };
    // A Go service answers on its pprof port (two forced GCs are its whole cost); a node process gets
    // a sampling profile (cheap); anything else goes the Python way, whose tracing costs memory.
    const { go, node } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Memory Triage: looking at the processes of ${pod.ref.name}` }, async () => {
      const go = await findGoPprof(session.kubeConfig, pod.ref, container.name, this.goPort.value || 6060).catch(() => undefined);
      return { go, node: !go && (await runtimeOf(session.kubeConfig, ref).catch(() => undefined)) === 'node' };
    });
    if (!go && !node && !(await costAccepted(ctx, picked))) return undefined;
    return this.capture(ctx, picked, `Finding leaking lines in ${pod.ref.name}`, async (common) => {
      if (go) return captureGoWith(go.get, pod.ref, container.name, { port: go.port, windowSeconds: common.windowSeconds, sampleType: this.goSampleType.value === 'alloc_space' ? 'alloc_space' : 'inuse_space', signal: common.signal, onProgress: common.onProgress });
      if (node) {
        return captureNode(session.kubeConfig, pod.ref, container.name, { ...common, samplingIntervalBytes: this.samplingIntervalBytes, pickProcess: pickProcess(container.name, 'Node.js') });
      }
      return capturePython(session.kubeConfig, pod.ref, container.name, {
        ...common, frames: Math.max(1, Math.round(this.frames.value || 10)), pickProcess: pickProcess(container.name, 'Python'),
      });
    });
  }

  get samplingIntervalBytes(): number {
    return Math.max(1024, Math.round(this.samplingInterval.value || 32768));
  }

  /** The cluster session when a capture may start now; else says why and gives undefined. */
  readyFor(ctx: CommandContext): ClusterSession | undefined {
    const session = ctx.pods.session;
    if (!session) void vscode.window.showInformationMessage('Memory Triage: open the Pods view first, so a cluster context is chosen.');
    else if (this.running) void vscode.window.showInformationMessage('Memory Triage: a capture is running; cancel it from its notification first.');
    else return session;
    return undefined;
  }

  /** One capture from a live process with a cancellable notification; the result goes to the panel, the timeline and the log. */
  async capture(ctx: CommandContext, picked: PickedContainer, progressTitle: string, body: (common: CommonCapture) => Promise<AllocationReport>): Promise<AllocationReport | undefined> {
    const { pod, container } = picked;
    const title = `${pod.ref.namespace} / ${pod.ref.name} / ${container.name}`;
    const target = targetForPod(pod);
    const window = Math.max(5, Math.round(this.windowSeconds.value || 60));
    const controller = (this.running = new AbortController());
    // not awaited: the trend beside it may take its time (or fail) without holding up the capture
    void ctx.allocations.status(target, { kind: 'capturing', title, message: 'Getting into the container…' });
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: progressTitle, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return body({
            windowSeconds: window,
            debugImage: this.debugImage.value,
            signal: controller.signal,
            onProgress: liveProgress(progress, (message, endsAt) => {
              void ctx.allocations.status(target, { kind: 'capturing', title, message, endsAt });
              ctx.log.info(`Step 3 ${title}: ${message}`);
            }),
          });
        },
      );
      ctx.log.info(`Step 3 ${title}: ${report.sites.length} sites, ${report.method.description}`);
      this.tellDebugContainer(pod, report);
      await ctx.allocations.show(target, title, report);
      await recordSites(ctx, pod, title, report);
      return report;
    } catch (err) {
      const cancelled = err instanceof CaptureError && err.kind === 'cancelled';
      const message = err instanceof Error ? err.message : String(err);
      const hint = err instanceof CaptureError ? err.hint : undefined;
      ctx.log.warn(`Step 3 ${title} ${cancelled ? 'cancelled' : 'failed'}: ${err instanceof Error && err.stack ? err.stack : message}`);
      await ctx.allocations.status(target, cancelled ? { kind: 'error', title, message: 'The capture was cancelled; tracing was stopped in the process.' } : { kind: 'error', title, message, hint });
      if (!cancelled) void vscode.window.showErrorMessage(`Memory Triage: ${message}${hint ? ` ${hint}` : ''}`);
      return undefined;
    } finally {
      this.running = undefined;
    }
  }

  private tellDebugContainer(pod: PodMemory, report: AllocationReport): void {
    const key = `${pod.ref.context}/${pod.ref.namespace}/${pod.uid}`;
    const debug = /ephemeral container (\S+)/.exec(report.method.description);
    if (!debug || this.toldDebug.has(key)) return;
    this.toldDebug.add(key);
    void vscode.window.showInformationMessage(
      `Memory Triage: the ephemeral container ${debug[1]} stays in ${pod.ref.name} until the pod is replaced (Kubernetes cannot remove ephemeral containers). It sleeps; later captures reuse it.`,
    );
  }
}
