import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LEVELS } from '../../src/triage/escalation.ts';
import { oomKilledNames, podFigures, siteFigures } from '../../src/triage/incidentFigures.ts';
import { checklist, mdText, writeIncidentReport } from '../../src/triage/incidentReport.ts';
import type { AllocationReport } from '../../src/triage/model.ts';
import type { Incident, TimelineEntry } from '../../src/triage/timeline.ts';
import { byName, fixturePods } from './fixtures/load.ts';

const pods = fixturePods();
const leaky = byName(pods, 'api-7d9f8c6b5-x2k4q');

const capture: AllocationReport = {
  pod: leaky.ref, container: 'api', runtime: 'python', takenAt: new Date('2026-11-27T22:03:00Z'), totalBytes: 50 * 1024 ** 2, growthBytes: 12 * 1024 ** 2,
  method: { description: 'tracemalloc via gdb', measure: 'growth', windowSeconds: 60 },
  sites: [
    { file: '/usr/lib/python3.11/json/decoder.py', line: 353, bytes: 4096, count: 3, library: true },
    { file: '/app/leak.py', line: 4, functionName: 'handle', bytes: 30 * 1024 ** 2, count: 900, growthBytes: 12 * 1024 ** 2 },
  ],
};

function incident(entries: TimelineEntry[], extra: Partial<Incident> = {}): Incident {
  return { id: 'i1', startedAt: '2026-11-27T22:00:00.000Z', startedBy: 'Start Incident', entries, notified: [], ...extra };
}

const step1: TimelineEntry = { kind: 'measurement', at: '2026-11-27T22:00:05.000Z', step: 1, targets: [], summary: '4 pod(s): 2 at or above 80%', pods: podFigures(pods), oomKilled: oomKilledNames(pods) };
const step3: TimelineEntry = { kind: 'measurement', at: '2026-11-27T22:03:00.000Z', step: 3, targets: [], summary: 'api: 2 sites', sites: siteFigures(capture, (f) => (f === '/app/leak.py' ? 'src/leak.py' : undefined)) };

test('the report holds the figures the steps recorded: pods at the start, at verification, the leaking line with its link', () => {
  const verification: TimelineEntry = {
    kind: 'verification', at: '2026-11-27T22:20:00.000Z', since: '2026-11-27T22:10:00.000Z', passed: true, summary: 'PASS: 2 pod(s) under 80%',
    pods: podFigures([byName(pods, 'api-7d9f8c6b5-mm8rt')]),
  };
  const text = writeIncidentReport({ incident: incident([step1, step3, verification], { endedAt: '2026-11-27T22:21:30.000Z' }), levels: DEFAULT_LEVELS, now: new Date('2026-11-27T23:00:00Z'), chartImage: 'incident trend.png', siteLink: (s) => (s.workspacePath ? `../src/leak (1).py#L${s.line}` : undefined) });
  // step 1's pods: the leaky api at 412 MiB of 512 MiB (80%), 3 restarts, its OOM kill time
  assert.match(text, /## Pods at the start[\s\S]*\| default\/api-7d9f8c6b5-x2k4q \| api \| 412 MiB \| 512 MiB \| 80 \| 3 \| 2026-11-27 21:55:30Z \|/);
  assert.match(text, /\| default\/redis-0 \| redis \| 1000 MiB \| 1 GiB \| 97 \| 5 \|/);
  assert.match(text, /## Pods at verification\n\nMeasured 2026-11-27 22:20:00Z: PASS\.\n\n[^\n]+\n[^\n]+\n\| default\/api-7d9f8c6b5-mm8rt \| api \| 128 MiB \| 512 MiB \| 25 \| 0 \| – \|/);
  // the service's own line, not the library's, linked (encoded) into the workspace
  assert.match(text, /- \[\/app\/leak\.py:4\]\(\.\.\/src\/leak%20%281%29\.py#L4\) in handle: grew 12 MiB, 30 MiB alive \(workspace: src\/leak\.py\)/);
  assert.doesNotMatch(text, /decoder\.py/);
  assert.match(text, /!\[Memory trend chart\]\(incident%20trend\.png\)/);
  assert.match(text, /- Duration: 21:30 /);
  assert.match(text, /- Escalation reached: On-call engineer \(0 min\), Platform team lead \(15 min\)$/m);
  assert.match(text, /- \[x\] Analyze memory dump/);
  assert.match(text, /- \[ \] Update memory limits/);
});

test('strings from the cluster cannot add HTML, links, emphasis or table cells to the report', () => {
  const hostile: TimelineEntry = {
    kind: 'action', at: '2026-11-27T22:05:00.000Z', action: 'raise-limit', outcome: 'applied',
    target: { context: 'c', namespace: 'default', kind: 'Deployment', name: 'api' },
    change: 'limit 256Mi -> 512Mi', detail: 'admission said <img src=x onerror=alert(1)> | [click](http://evil) **now**\nnext line',
  };
  const text = writeIncidentReport({ incident: incident([hostile]), levels: DEFAULT_LEVELS, now: new Date('2026-11-27T22:10:00Z') });
  assert.doesNotMatch(text, /(?<!\\)<img/);
  assert.match(text, /\\<img src=x onerror=alert\\\(1\\\)\\> \\\| \\\[click\\\]\\\(http:\/\/evil\\\) \\\*\\\*now\\\*\\\* next line/);
  // the row keeps its two cells: the only unescaped pipes are the table's own
  const row = text.split('\n').find((l) => l.includes('onerror'))!;
  assert.equal(row.replace(/\\\|/g, '').split('|').length - 1, 3);
  assert.equal(mdText('a_b*c`d'), 'a\\_b\\*c\\`d');
  assert.match(text, /- \[x\] Update memory limits/);
});

test('the checklist ticks only what the timeline shows was done', () => {
  const failed: TimelineEntry = { kind: 'action', at: '2026-11-27T22:05:00.000Z', action: 'raise-limit', outcome: 'dry-run-failed', target: { context: 'c', namespace: 'd', kind: 'Deployment', name: 'api' }, change: 'x', detail: 'LimitRange' };
  assert.deepEqual(checklist([step1, failed]), ['- [ ] Analyze memory dump', '- [ ] Fix memory leak if found', '- [ ] Update memory limits', '- [ ] Add memory alerts']);
});

test('an open incident is reported as open, with what is missing said', () => {
  const text = writeIncidentReport({ incident: incident([]), levels: DEFAULT_LEVELS, now: new Date('2026-11-27T22:05:00Z') });
  assert.match(text, /- Ended: still open at 2026-11-27 22:05:00Z/);
  assert.match(text, /No pod was measured\./);
  assert.match(text, /No verification was run\./);
  assert.match(text, /No capture was taken\./);
  assert.match(text, /\| – \| nothing was recorded \|/);
});
