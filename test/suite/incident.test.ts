// The incident against the local cluster: its timeline is kept in the workspace storage (a new
// store over the same workspaceState, as after a window reload, reads it back), and the report
// holds the figures a real Check Pod Memory run recorded.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import { mdText } from '../../src/triage/incidentReport.ts';
import type { MeasurementEntry } from '../../src/triage/timeline.ts';
import { IncidentStore } from '../../src/views/incidentStore.ts';
import type { PodTree } from '../../src/views/podTree.ts';
import { activateExtension, until } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=incident', metricsInterval: 2, namespace: 'default', context: '' };

suite('Incident: the timeline kept, the report written from it', () => {
  let cluster: SuiteCluster;
  let tree: PodTree;
  let incidents: IncidentStore;

  suiteSetup(async function () {
    this.timeout(90_000);
    const extension = await activateExtension();
    ({ pods: tree, incidents } = extension.exports as { pods: PodTree; incidents: IncidentStore });
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      deployments: [
        { name: 'incident', replicas: 2, labels: { app: 'incident' }, container: { name: 'api', image: 'api:1.0', limits: { memory: '256Mi' }, memory: { startMiB: 60 } } },
      ],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
    await until('two measured pods', () => (tree.snapshot?.pods.length === 2 && tree.snapshot.pods.every((p) => p.metricsAt) ? true : undefined), 60_000);
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('memoryTriage.endIncident');
    for (const key of [...Object.keys(settings), 'kubeconfig']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
  });

  test('Start Incident, Check Pod Memory: a store reloaded from workspace storage has the step and its figures; the report quotes them', async function () {
    this.timeout(60_000);
    // A start adopts the steps run in the hour before it (other suites ran some): started and
    // ended once, the next start has only what follows.
    for (const id of ['memoryTriage.endIncident', 'memoryTriage.startIncident', 'memoryTriage.endIncident', 'memoryTriage.startIncident']) await vscode.commands.executeCommand(id);
    assert.equal(incidents.current?.entries.length, 0);
    const id = incidents.current?.id;
    assert.ok(id, 'Start Incident opened no incident');
    const message = (await vscode.commands.executeCommand('memoryTriage.checkPodMemory')) as string;
    await incidents.flushed();

    // what a window reload sees: a new store over the same workspaceState
    const reloaded = new IncidentStore(incidents.memento);
    assert.equal(reloaded.current?.id, id);
    const step1 = reloaded.current!.entries.find((e): e is MeasurementEntry => e.kind === 'measurement' && e.step === 1);
    assert.ok(step1, 'no step-1 entry in the stored timeline');
    assert.equal(step1.summary, message);
    const names = tree.snapshot!.pods.map((p) => p.ref.name).sort();
    assert.deepEqual(step1.pods!.map((p) => p.pod).sort(), names);
    for (const row of step1.pods!) {
      assert.match(row.workingSet ?? '', /^\d+ MiB$/, `${row.pod} has no working set recorded`);
      assert.equal(row.limit, '256 MiB');
    }

    const dir = mkdtempSync(join(tmpdir(), 'kmt-incident-'));
    const to = vscode.Uri.file(join(dir, 'report.md'));
    const written = (await vscode.commands.executeCommand('memoryTriage.writeIncidentReport', to)) as { text: string };
    const text = readFileSync(to.fsPath, 'utf8');
    assert.equal(text, written.text);
    assert.match(text, /- Started: .* \(Start Incident\)/);
    for (const row of step1.pods!) {
      assert.ok(text.includes(`| default/${row.pod} | api | ${row.workingSet} | 256 MiB | ${row.percent} | ${row.restarts} |`), `the report lacks ${row.pod}'s figures:\n${text}`);
    }
    assert.ok(text.includes(`Step 1, memory usage: ${mdText(message)}`), text);
  });
});
