// A scope whose selector matches nothing: one list of the namespace's pods offers the selectors on them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import { suggestLabelSelectors } from '../../src/cluster/labelSuggestions.ts';
import { listPods } from '../../src/cluster/podList.ts';
import { openSession } from '../../src/cluster/session.ts';
import { leakyDeployment, startTestCluster } from './clusterScope.ts';

let cluster: Cluster;

before(async () => {
  cluster = await startTestCluster({ deployments: [leakyDeployment('api', { app: 'api' }, '512Mi', 100, 0), leakyDeployment('worker', { app: 'worker', tier: 'batch' }, '512Mi', 100, 0)] });
});

after(async () => {
  await cluster?.stop();
});

test('the selectors on the namespace\'s pods, in one list call, app=api among them', async () => {
  const session = openSession({ context: '', namespace: 'default', labelSelector: 'app=nothing' }, cluster.kubeconfigPath);
  assert.equal((await listPods(session)).items.length, 0);
  const paths: string[] = [];
  const selectors = await suggestLabelSelectors(session, { onRequest: (p) => paths.push(p) });
  assert.equal(paths.length, 1, paths.join(', '));
  assert.ok(selectors.includes('app=api'), selectors.join(', '));
  assert.ok(selectors.includes('tier=batch'), selectors.join(', '));
  assert.ok(!selectors.some((s) => s.startsWith('pod-template-hash=')), selectors.join(', '));
  // each one, used as the selector, finds pods
  for (const s of selectors) assert.ok((await listPods(openSession({ context: '', namespace: 'default', labelSelector: s }, cluster.kubeconfigPath))).items.length > 0, s);
});
