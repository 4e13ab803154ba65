import * as vscode from 'vscode';
import { originalPosition } from '../heap/sourceMaps.ts';
import { ConfigValue, Keys } from '../config.ts';
import { anyValue } from '../settingChecks.ts';
import { Disposable } from '../disposable.ts';
import type { Logger } from '../logger.ts';
import { mapPath, resolveRules, ruleFor, WorkspaceIndex, type MappedPath, type PathMappingRule } from '../heap/pathMapping.ts';
import { parseReport, serializeReport } from '../heap/reportFile.ts';
import type { AllocationReport, AllocationSite, PodRef } from '../triage/model.ts';
import { formatBytes } from '../triage/trendFormat.ts';
import type { AllocationsStatus, SiteLocation } from '../webview/protocol.ts';
import { allocationsView } from './allocationRows.ts';
import type { LeakAnnotations } from './leakAnnotations.ts';
import type { TrendPanel, TrendTarget } from './trendPanel.ts';

// The step-3 result the user is looking at: its report, where its container paths are in the
// workspace, the table in the panel and the figures on the source lines. One report at a time.

/** Files the suffix match looks at; a bigger workspace needs pathMappings rules. */
const MAX_WORKSPACE_FILES = 50_000;
const SOURCE_GLOB = '**/*.{py,pyi,js,mjs,cjs,ts,mts,cts,jsx,tsx,go}';
// dist/ and out/ stay in: a bundled service runs dist/*.js, which its source map leads back to the .ts
const EXCLUDE_GLOB = '**/{node_modules,.git,.venv,venv,__pycache__}/**';
/** Lines annotated in the editor: the top sites, not every line that allocated once. */
const MAX_ANNOTATED = 50;
/** A saved report holds at most 10,000 sites: far less than this. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

export interface AllocationsDeps {
  readonly trend: TrendPanel;
  readonly annotations: LeakAnnotations;
  readonly log: Logger;
}

export class Allocations extends Disposable {
  private report: AllocationReport | undefined;
  private title = '';
  private target: TrendTarget | undefined;
  private index: Promise<WorkspaceIndex> | undefined;
  private watching = false;
  private readonly mapped = new Map<string, MappedPath>();
  private readonly rulesSetting = this.register(new ConfigValue<unknown>(Keys.pathMappings, [], anyValue));
  private readonly deps: AllocationsDeps;

  constructor(deps: AllocationsDeps) {
    super();
    this.deps = deps;
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => { this.index = undefined; void this.refresh(); }));
    this.register(this.rulesSetting.onChange(() => void this.refresh()));
  }

  get current(): AllocationReport | undefined {
    return this.report;
  }

  /** Capturing, failed or cancelled: the part says so, the last report's annotations stay. */
  async status(target: TrendTarget, status: AllocationsStatus): Promise<void> {
    await this.deps.trend.showAllocations(target, status);
  }

  async show(target: TrendTarget | undefined, title: string, report: AllocationReport): Promise<void> {
    this.report = report;
    this.title = title;
    this.target = target;
    void vscode.commands.executeCommand('setContext', 'memoryTriage.hasAllocationReport', true);
    await this.refresh();
  }

  /** Maps the paths again (rules or workspace changed) and redraws the table and the lines. */
  private async refresh(): Promise<void> {
    const report = this.report;
    if (!report) return;
    const rules = this.rules(true);
    const index = await this.workspaceIndex();
    this.mapped.clear();
    // a library file matched by its name alone (json/__init__.py to app/__init__.py) would be a wrong file
    const files = new Map<string, boolean>();
    for (const s of report.sites) {
      files.set(s.file, (files.get(s.file) ?? true) && !!s.library);
      for (const f of s.traceback ?? []) files.set(f.file, (files.get(f.file) ?? true) && !!f.library);
    }
    for (const [file, library] of files) this.mapped.set(file, mapPath(file, rules, index, library ? { minMatch: 2 } : {}));
    const view = allocationsView(report, this.title, (file) => this.locate(file));
    await this.deps.trend.showAllocations(this.target ?? this.deps.trend.current.target ?? fileTarget(this.title), { kind: 'ready', view });
    // a report replaced meanwhile is not annotated: the later one is
    await this.annotate(report).catch((err: unknown) => this.deps.log.warn(`Annotations not shown: ${err instanceof Error ? err.message : String(err)}`));
  }

  private workspaceIndex(): Promise<WorkspaceIndex> {
    // the watcher only from the first use on: a session that never maps a path pays nothing
    if (!this.watching) {
      this.watching = true;
      const forget = () => { this.index = undefined; };
      const watcher = this.register(vscode.workspace.createFileSystemWatcher(SOURCE_GLOB, false, true, false));
      this.register(watcher.onDidCreate(forget));
      this.register(watcher.onDidDelete(forget));
    }
    this.index ??= Promise.resolve(vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE_GLOB, MAX_WORKSPACE_FILES)).then(
      (uris) => new WorkspaceIndex(uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath), MAX_WORKSPACE_FILES),
      () => new WorkspaceIndex([], MAX_WORKSPACE_FILES),
    );
    return this.index;
  }

  private locate(file: string): SiteLocation {
    const m = this.mapped.get(file);
    if (!m || m.kind === 'unmatched') return { kind: 'unmatched' };
    if (m.kind === 'ambiguous') return { kind: 'ambiguous', candidates: m.candidates.map((c) => vscode.workspace.asRelativePath(c)) };
    return { kind: 'mapped', label: vscode.workspace.asRelativePath(m.path) };
  }

  private async annotate(report: AllocationReport): Promise<void> {
    const growth = report.method.measure === 'growth';
    const figure = (s: AllocationSite) => (growth ? s.growthBytes ?? 0 : s.bytes);
    const top = report.sites.filter((s) => figure(s) > 0).sort((a, b) => figure(b) - figure(a)).slice(0, MAX_ANNOTATED);
    const when = report.takenAt.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const who = report.pod ? report.pod.name : (report.sourceFile ?? 'report');
    const items = [];
    for (const site of top) {
      const m = this.mapped.get(site.file);
      if (m?.kind !== 'mapped') continue; // never annotate a line of a file we are not sure of
      const amount = growth ? `+${formatBytes(figure(site))} in ${Math.round(report.method.windowSeconds ?? 0)} s` : `${formatBytes(site.bytes)} alive`;
      const blocks = growth ? site.growthCount ?? site.count : site.count;
      const lens = `${amount} · ${blocks.toLocaleString('en-US')} blocks · ${who} ${when}`;
      const hover = new vscode.MarkdownString();
      hover.appendText(`${amount} (${formatBytes(site.bytes)} alive, ${site.count.toLocaleString('en-US')} blocks) — ${report.method.description}\n\n`);
      if (site.traceback?.length) hover.appendCodeblock(site.traceback.map((f) => `${f.file}:${f.line}${f.functionName ? ` in ${f.functionName}` : ''}`).join('\n'), 'text');
      // generated code with a source map: the figures go on the source line, where the click goes
      const at = await sourceOf(m.path, site.line, site.column);
      items.push({ uri: vscode.Uri.file(at.path), line: at.line, lens, hover, text: `  ${amount}` });
    }
    if (report === this.report) this.deps.annotations.show(items);
  }

  clear(): void {
    this.deps.annotations.clear();
  }

  /** A click on a row (or one of its frames): the mapped line, or the question where it is. */
  async open(id: number, frame?: number): Promise<void> {
    const site = this.report?.sites[id];
    if (!site) return;
    const at = frame === undefined ? site : site.traceback?.[frame];
    if (!at) return;
    const m = this.mapped.get(at.file);
    if (m?.kind === 'mapped') return this.openAt(m.path, at.line, at.column);
    await this.mapPathOf(at.file, at.line);
  }

  async mapPath(id: number): Promise<void> {
    const site = this.report?.sites[id];
    if (site) await this.mapPathOf(site.file, site.line);
  }

  /** Opens a container path from a traceback in text (terminal link, Open Leak Location). */
  async openRemote(file: string, line: number): Promise<void> {
    const m = mapPath(file, this.rules(), await this.workspaceIndex());
    if (m.kind === 'mapped') return this.openAt(m.path, line);
    await this.mapPathOf(file, line, m);
  }

  /** The workspace file a container path maps to without asking (links in a log), else undefined. */
  async localPath(file: string): Promise<string | undefined> {
    const m = mapPath(file, this.rules(), await this.workspaceIndex(), { minMatch: 2 });
    return m.kind === 'mapped' ? m.path : undefined;
  }

  /** The pathMappings rules as they read now, `${workspaceFolder}` expanded; `report` logs bad entries. */
  private rules(report = false): PathMappingRule[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath }));
    const { rules, problems } = resolveRules(this.rulesSetting.value, folders);
    if (report) for (const p of problems) this.deps.log.warn(`memoryTriage.pathMappings: ${p}`);
    return rules;
  }

  /** "Map path...": the user says which workspace file a container path is; a rule is written. */
  private async mapPathOf(remote: string, line: number, known?: MappedPath): Promise<void> {
    const m = known ?? this.mapped.get(remote) ?? { kind: 'unmatched' as const };
    let local: string | undefined;
    if (m.kind === 'ambiguous') {
      const pick = await vscode.window.showQuickPick(m.candidates.map((c) => ({ label: vscode.workspace.asRelativePath(c), path: c })), {
        title: `${remote} matches several workspace files: which one is it?`,
      });
      local = pick?.path;
    } else {
      const uris = await vscode.window.showOpenDialog({ title: `Which workspace file is ${remote}?`, canSelectMany: false, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
      local = uris?.[0]?.fsPath;
    }
    if (!local) return;
    const rule = ruleFor(remote, local);
    if (rule) {
      const existing = ConfigValue.read<unknown[]>(Keys.pathMappings, []);
      await ConfigValue.update(Keys.pathMappings, [...existing, rule]);
      this.deps.log.info(`memoryTriage.pathMappings: added ${rule.remoteRoot} -> ${rule.localRoot}`);
    }
    await this.openAt(local, line);
  }

  /**
   * Only workspace files are opened: a path from a pod or a file never leads elsewhere. Generated
   * code with a source map in the workspace (a bundled dist/*.js) opens at its source line instead.
   */
  private async openAt(generated: string, generatedLine: number, generatedColumn?: number): Promise<void> {
    const { path, line } = await sourceOf(generated, generatedLine, generatedColumn);
    const uri = vscode.Uri.file(path);
    if (!inWorkspace(path)) {
      void vscode.window.showWarningMessage(`Memory Triage: ${path} is not in the workspace; it is not opened.`);
      return;
    }
    const panelColumn = this.deps.trend.viewColumn;
    const column = panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = Math.max(0, Math.min(doc.lineCount - 1, line - 1));
    const range = doc.lineAt(at).range;
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Selection(range.start, range.end), preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  }

  async save(): Promise<void> {
    const report = this.report;
    if (!report) {
      void vscode.window.showInformationMessage('Memory Triage: no allocation report yet. Run Find Leaking Lines (Step 3) first.');
      return;
    }
    const stamp = report.takenAt.toISOString().replace(/[:.]/g, '-');
    const name = `allocations-${report.pod?.name ?? 'report'}-${stamp}.json`.replace(/[^\w.-]/g, '_');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({ title: 'Save Allocation Report', defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { JSON: ['json'] } });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serializeReport(report)));
    this.deps.log.info(`Allocation report saved to ${uri.fsPath}`);
  }

  async openFile(uri?: vscode.Uri): Promise<void> {
    const file = uri ?? (await vscode.window.showOpenDialog({ title: 'Open Allocation Report', canSelectMany: false, filters: { JSON: ['json'] } }))?.[0];
    if (!file) return;
    const { size } = await vscode.workspace.fs.stat(file);
    if (size > MAX_REPORT_BYTES) throw new Error(`${file.fsPath} is ${formatBytes(size)}: an allocation report is at most ${formatBytes(MAX_REPORT_BYTES)}.`);
    const bytes = await vscode.workspace.fs.readFile(file);
    const report = parseReport(new TextDecoder().decode(bytes));
    const title = report.pod ? `${report.pod.namespace} / ${report.pod.name}${report.container ? ` / ${report.container}` : ''}` : file.path.split('/').pop() ?? 'report';
    // the pod it came from is charted when Prometheus still has it; else the allocations alone
    const target = report.pod ? targetForRef(report.pod) : undefined;
    await this.show(target, title, { ...report, sourceFile: report.sourceFile ?? file.fsPath });
  }
}

const inWorkspace = (p: string) => !!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(p));

/** A workspace file's line, or its source's when a source map in the workspace says where it came from. */
async function sourceOf(generated: string, line: number, column?: number): Promise<{ path: string; line: number }> {
  const source = inWorkspace(generated) ? await originalPosition(generated, line, column, inWorkspace).catch(() => undefined) : undefined;
  return source && inWorkspace(source.file) ? { path: source.file, line: source.line } : { path: generated, line };
}

function targetForRef(pod: PodRef): TrendTarget {
  return { title: `${pod.namespace} / ${pod.name}`, context: pod.context, scope: { kind: 'pods', namespace: pod.namespace, names: [pod.name] }, pods: [] };
}

/** A report read from a file has no pod to chart: the panel shows the allocations alone. */
function fileTarget(title: string): TrendTarget {
  return { title, context: '', scope: { kind: 'pods', namespace: '', names: [] }, pods: [] };
}
