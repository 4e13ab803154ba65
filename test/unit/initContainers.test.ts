import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localTime } from '../../src/triage/verificationEvidence.ts';
import { containerDescription, podDescription, podStatus, podTooltipMarkdown } from '../../src/triage/describe.ts';
import { lastOomKill } from '../../src/triage/oomHistory.ts';
import { byPressure, podGauge, RUNBOOK_THRESHOLDS } from '../../src/triage/pressure.ts';
import { verifyRecovery } from '../../src/triage/verification.ts';
import { byName, initContainerPods } from './fixtures/load.ts';

// Native sidecars (initContainers with restartPolicy Always) and plain init containers, from
// initContainerPods.json: real-shaped API answers, since the emulator runs no init containers.
const now = new Date('2026-11-27T21:59:30Z');

test('a native sidecar is a container with its own usage, limit and OOM kill; a cleanly completed init container is left out', () => {
  const pod = byName(initContainerPods(), 'web-5c8d7f9b4-s7d2p');
  assert.deepEqual(pod.containers.map((c) => [c.name, c.role]), [['web', undefined], ['envoy', 'sidecar']]);
  const envoy = pod.containers[1]!;
  assert.equal(envoy.workingSetBytes, 120 * 1024 ** 2);
  assert.equal(envoy.limitBytes, 128 * 1024 ** 2);
  assert.equal(envoy.restartCount, 2);
  assert.equal(envoy.lastTermination?.reason, 'OOMKilled');
  assert.deepEqual(lastOomKill(pod)?.container, 'envoy');
  // the sidecar is the most pressed container: its gauge is the pod's
  assert.deepEqual(podGauge(pod, RUNBOOK_THRESHOLDS), { level: 'critical', percent: 93.75 });
  assert.equal(podDescription(pod, now), 'envoy: 120 MiB / 128 MiB · 93% · OOMKilled 2m ago · ↻2');
  assert.equal(containerDescription(envoy, now), '120 MiB / 128 MiB · 93% · OOMKilled 2m ago · ↻2 · sidecar');
  assert.match(podTooltipMarkdown(pod, now), /\| envoy \(sidecar\) \| 120 MiB \| 64 MiB \| 128 MiB \| 93% \| OOMKilled \(exit 137/);
});

test('an OOM-killed sidecar fails verification', () => {
  const pod = byName(initContainerPods(), 'web-5c8d7f9b4-s7d2p');
  const verdict = verifyRecovery([pod], new Date('2026-11-27T21:50:00Z'), RUNBOOK_THRESHOLDS);
  assert.equal(verdict.pass, false);
  // the kill's time in local time with its offset, as the verdict speaks it
  assert.deepEqual(verdict.failures[0]!.reasons, ['envoy at 93% of its limit (≥ 80%)', `envoy OOMKilled at ${localTime(new Date('2026-11-27T21:57:00Z'))}`]);
});

test('an init container in a crash loop after an OOM kill shows as Init:CrashLoopBackOff with the kill', () => {
  const pod = byName(initContainerPods(), 'web-5c8d7f9b4-k9w4z');
  assert.deepEqual(pod.containers.map((c) => [c.name, c.role, c.state.reason]), [['web', undefined, 'PodInitializing'], ['migrate', 'init', 'CrashLoopBackOff']]);
  assert.equal(podStatus(pod), 'Init:CrashLoopBackOff');
  assert.equal(podDescription(pod, now), 'Init:CrashLoopBackOff · OOMKilled 2m ago · ↻4');
  assert.equal(lastOomKill(pod)?.container, 'migrate');
  // a pod that cannot start after an OOM kill leads the tree, drawn full
  assert.deepEqual(podGauge(pod, RUNBOOK_THRESHOLDS), { level: 'critical', percent: 100 });
  assert.equal([...initContainerPods()].sort(byPressure)[0]!.ref.name, 'web-5c8d7f9b4-k9w4z');
});

test('an init container that completed after an OOM kill keeps the kill, but is done, not down', () => {
  const pod = byName(initContainerPods(), 'web-5c8d7f9b4-q2x8m');
  const migrate = pod.containers[1]!;
  assert.equal(migrate.role, 'init');
  assert.equal(podStatus(pod), 'Running');
  assert.equal(containerDescription(migrate, now), 'done · OOMKilled 18m ago · ↻1 · init container');
  assert.equal(podDescription(pod, now), 'web: 64 MiB / 256 MiB · 25% · OOMKilled 18m ago · ↻1');
  // running fine now: its gauge is the app's, not a full red ring
  assert.deepEqual(podGauge(pod, RUNBOOK_THRESHOLDS), { level: 'normal', percent: 25 });
  // the kill counts for verification only when it is after the moment; the completed container is not "no metrics"
  assert.equal(verifyRecovery([pod], new Date('2026-11-27T21:45:00Z'), RUNBOOK_THRESHOLDS).pass, true);
  assert.equal(verifyRecovery([pod], new Date('2026-11-27T21:30:00Z'), RUNBOOK_THRESHOLDS).pass, false);
});
