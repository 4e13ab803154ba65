// The post-incident report, written from the incident's timeline alone (ARCHITECTURE.md step 7):
// what was measured and when, the pods at the start and at verification, the trend chart, the
// leaking lines, the database findings, the actions and the runbook's checklist. Every string
// from the cluster, Prometheus or a heap file is escaped: the report renders as Markdown.
import { elapsedText, levelsDue, type EscalationLevel } from './escalation.ts';
import type { ActionEntry, Incident, MeasurementEntry, PodFigures, SiteFigures, TimelineEntry, VerificationEntry } from './timeline.ts';

export interface ReportInput {
  readonly incident: Incident;
  readonly levels: readonly EscalationLevel[];
  /** When the report is written (the end, for an incident still open). */
  readonly now: Date;
  /** The trend chart: a file name beside the report or a data: URL. */
  readonly chartImage?: string;
  /** The link to a site's workspace file, relative to the report (undefined: no link). */
  readonly siteLink?: (site: SiteFigures) => string | undefined;
}

const STEP_NAMES = { 1: 'Step 1, memory usage', 2: 'Step 2, memory trend', 3: 'Step 3, leaking lines', 4: 'Step 4, database connections' } as const;

/** Text from outside, made inert: no emphasis, link, HTML, table cell break or line break. */
export function mdText(value: string | number): string {
  return String(value).replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()<>|!~&#]/g, '\\$&');
}

/** A link target: percent-encoded, so no space or parenthesis ends it early. */
function href(target: string): string {
  return encodeURI(target).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? mdText(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function describe(e: TimelineEntry): string {
  switch (e.kind) {
    case 'measurement':
      return `${STEP_NAMES[e.step]}: ${mdText(e.summary)}`;
    case 'action':
      return `Action ${mdText(e.action)} on ${mdText(e.target.kind)} ${mdText(`${e.target.namespace}/${e.target.name}`)}: ${mdText(e.change)} — **${e.outcome}**${e.detail ? `: ${mdText(e.detail)}` : ''}`;
    case 'verification':
      return `Verification (since ${time(e.since)}): **${e.passed === undefined ? 'could not be checked' : e.passed ? 'PASS' : 'FAIL'}** ${mdText(e.summary)}`;
    case 'note':
      return `Note: ${mdText(e.text)}`;
  }
}

function podTable(rows: readonly PodFigures[]): string[] {
  const lines = ['| Pod | Container | Working set | Limit | % of limit | Restarts | Last OOM kill |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    lines.push(`| ${mdText(`${r.namespace}/${r.pod}`)} | ${mdText(r.container)} | ${mdText(r.workingSet ?? '–')} | ${mdText(r.limit ?? 'none')} | ${r.percent ?? '–'} | ${r.restarts} | ${r.lastOomKill ? time(r.lastOomKill) : '–'} |`);
  }
  return lines;
}

function figureList(figures: MeasurementEntry['figures']): string[] {
  return Object.entries(figures ?? {}).map(([k, v]) => `- ${mdText(k)}: ${mdText(v)}`);
}

function siteLine(site: SiteFigures, link: string | undefined): string {
  const name = mdText(`${site.file}:${site.line}`);
  const where = link ? `[${name}](${href(link)})` : name;
  const local = site.workspacePath ? ` (workspace: ${mdText(site.workspacePath)})` : ' (not mapped to a workspace file)';
  const fn = site.functionName ? ` in ${mdText(site.functionName)}` : '';
  const size = site.growth !== undefined ? `grew ${mdText(site.growth)}, ${mdText(site.bytes)} alive` : `${mdText(site.bytes)} alive`;
  return `- ${where}${fn}: ${size}${local}`;
}

function measurements(entries: readonly TimelineEntry[], step: MeasurementEntry['step']): MeasurementEntry[] {
  return entries.filter((e): e is MeasurementEntry => e.kind === 'measurement' && e.step === step);
}

/** The runbook's post-incident checklist, ticked from what the timeline shows was done. */
export function checklist(entries: readonly TimelineEntry[]): string[] {
  const applied = (action: string) => entries.some((e) => e.kind === 'action' && e.action === action && e.outcome === 'applied');
  const dumped = measurements(entries, 3).some((e) => (e.sites?.length ?? 0) > 0);
  const items: [boolean, string][] = [
    [dumped, 'Analyze memory dump'],
    [false, 'Fix memory leak if found'],
    [applied('raise-limit'), 'Update memory limits'],
    [applied('alert-rules'), 'Add memory alerts'],
  ];
  return items.map(([done, text]) => `- [${done ? 'x' : ' '}] ${text}`);
}

export function writeIncidentReport(input: ReportInput): string {
  const { incident, now } = input;
  const entries = incident.entries;
  const end = incident.endedAt ? new Date(incident.endedAt) : now;
  const elapsed = end.getTime() - new Date(incident.startedAt).getTime();
  const reached = levelsDue(input.levels, elapsed);
  const out: string[] = [`# Post-incident report: memory incident of ${time(incident.startedAt)}`, ''];
  out.push(`- Started: ${time(incident.startedAt)} (${mdText(incident.startedBy)})`);
  out.push(`- Ended: ${incident.endedAt ? time(incident.endedAt) : `still open at ${time(now.toISOString())}`}`);
  out.push(`- Duration: ${elapsedText(elapsed)} (the runbook estimates 10-30 min to recover)`);
  out.push(`- Escalation reached: ${reached.length > 0 ? reached.map((l) => `${mdText(l.name)} (${l.minutes} min)`).join(', ') : 'none'}`, '');

  out.push('## Timeline', '', '| Time | What |', '| --- | --- |');
  for (const e of entries) out.push(`| ${time(e.at)} | ${describe(e)} |`);
  if (entries.length === 0) out.push('| – | nothing was recorded |');

  const start = entries.find((e): e is MeasurementEntry => e.kind === 'measurement' && (e.pods?.length ?? 0) > 0);
  out.push('', '## Pods at the start', '');
  out.push(...(start ? [`Measured ${time(start.at)} (${STEP_NAMES[start.step]}).`, '', ...podTable(start.pods!)] : ['No pod was measured.']));
  const verified = [...entries].reverse().find((e): e is VerificationEntry => e.kind === 'verification' && (e.pods?.length ?? 0) > 0);
  out.push('', '## Pods at verification', '');
  out.push(...(verified ? [`Measured ${time(verified.at)}: ${verified.passed ? 'PASS' : verified.passed === false ? 'FAIL' : 'could not be checked'}.`, '', ...podTable(verified.pods!)] : ['No verification was run.']));

  out.push('', '## Memory trend', '');
  if (input.chartImage) out.push(`![Memory trend chart](${href(input.chartImage)})`, '');
  const trends = measurements(entries, 2);
  for (const t of trends) out.push(`${time(t.at)}: ${mdText(t.summary)}`, '', ...figureList(t.figures), '');
  if (!input.chartImage && trends.length === 0) out.push('No trend was shown.', '');

  out.push('## Leaking lines', '');
  const leaks = measurements(entries, 3);
  const lastLeak = leaks[leaks.length - 1];
  if (lastLeak) out.push(`${time(lastLeak.at)}: ${mdText(lastLeak.summary)}`, '', ...(lastLeak.sites ?? []).map((s) => siteLine(s, input.siteLink?.(s))), '');
  else out.push('No capture was taken.', '');

  out.push('## Database connections', '');
  const db = measurements(entries, 4);
  for (const d of db) out.push(`${time(d.at)}: ${mdText(d.summary)}`, '', ...figureList(d.figures), '');
  if (db.length === 0) out.push('No database check was run.', '');

  out.push('## Actions', '');
  const actions = entries.filter((e): e is ActionEntry => e.kind === 'action');
  out.push(...(actions.length > 0 ? actions.map((a) => `- ${time(a.at)} ${describe(a)}`) : ['No change was made to the cluster.']), '');

  out.push('## Post-incident checklist', '', ...checklist(entries), '');
  return out.join('\n');
}
