import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { elapsedText } from '../triage/escalation.ts';
import { writeIncidentReport as writeReport } from '../triage/incidentReport.ts';
import type { SiteFigures } from '../triage/timeline.ts';
import type { CommandContext } from './index.ts';

// Start Incident, End Incident and Write Post-Incident Report: thin handlers over the incident
// store (src/views/incidentStore.ts) and the report writer (src/triage/incidentReport.ts).

export function startIncident(ctx: CommandContext): void {
  const open = ctx.incidents.current;
  if (open) {
    void vscode.window.showInformationMessage(`Memory Triage: an incident is open since ${new Date(open.startedAt).toLocaleTimeString()} (${open.startedBy}).`);
    return;
  }
  const incident = ctx.incidents.start('Start Incident');
  ctx.log.info(`Incident started at ${incident.startedAt}, ${incident.entries.length} earlier entries adopted`);
}

export function endIncident(ctx: CommandContext): void {
  const ended = ctx.incidents.end();
  if (!ended) {
    void vscode.window.showInformationMessage('Memory Triage: no incident is open.');
    return;
  }
  const duration = elapsedText(new Date(ended.endedAt!).getTime() - new Date(ended.startedAt).getTime());
  ctx.log.info(`Incident ended at ${ended.endedAt} after ${duration}, ${ended.entries.length} entries`);
  const write = 'Write Post-Incident Report';
  // not awaited: the command ends now, the button works as long as the notification is there
  void vscode.window.showInformationMessage(`Memory Triage: incident ended after ${duration}.`, write).then(async (choice) => {
    if (choice === write) await vscode.commands.executeCommand('memoryTriage.writeIncidentReport');
  });
}

/** The workspace file a site maps to, by its workspace-relative path; only files inside a workspace folder. */
function workspaceFile(site: SiteFigures): string | undefined {
  if (!site.workspacePath) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const file = path.resolve(folder.uri.fsPath, site.workspacePath);
    if (!path.relative(folder.uri.fsPath, file).startsWith('..') && fs.existsSync(file)) return file;
  }
  return undefined;
}

function defaultUri(startedAt: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const stamp = startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return folder ? vscode.Uri.joinPath(folder.uri, `incident-${stamp}.md`) : undefined;
}

/**
 * The report of the open incident, else of the last one ended. Saved where the user chooses,
 * with the chart beside it as <name>-trend.png; a dismissed save dialog opens it untitled, the
 * chart embedded. `to` (tests, other extensions) skips the dialog.
 */
export async function writeIncidentReport(ctx: CommandContext, to?: vscode.Uri): Promise<{ uri?: vscode.Uri; text: string } | undefined> {
  const incident = ctx.incidents.latest;
  if (!incident) {
    void vscode.window.showInformationMessage('Memory Triage: no incident recorded. Start Incident first, or run step 1 on an OOM-killed pod.');
    return undefined;
  }
  const chart = ctx.trend.isOpen ? await ctx.trend.chartImage() : { reason: 'the trend panel is not open (step 2)' };
  if (!chart.png) ctx.log.info(`Incident report without the trend chart: ${chart.reason}`);
  const uri = to ?? (await vscode.window.showSaveDialog({ defaultUri: defaultUri(incident.startedAt), filters: { Markdown: ['md'] }, title: 'Save the post-incident report' }));
  const input = { incident, levels: ctx.escalation(), now: new Date() };
  if (!uri) {
    const text = writeReport({
      ...input,
      ...(chart.png ? { chartImage: `data:image/png;base64,${Buffer.from(chart.png).toString('base64')}` } : {}),
      siteLink: (s) => { const f = workspaceFile(s); return f ? `${vscode.Uri.file(f).toString()}#L${s.line}` : undefined; },
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: text }));
    return { text };
  }
  const dir = path.dirname(uri.fsPath);
  const chartName = `${path.basename(uri.fsPath, path.extname(uri.fsPath))}-trend.png`;
  if (chart.png) await vscode.workspace.fs.writeFile(vscode.Uri.file(path.join(dir, chartName)), chart.png);
  const text = writeReport({
    ...input,
    ...(chart.png ? { chartImage: chartName } : {}),
    siteLink: (s) => { const f = workspaceFile(s); return f ? `${path.relative(dir, f).split(path.sep).join('/')}#L${s.line}` : undefined; },
  });
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  ctx.log.info(`Incident report written to ${uri.fsPath}${chart.png ? ` with ${chartName}` : ''}`);
  await vscode.window.showTextDocument(uri);
  return { uri, text };
}
