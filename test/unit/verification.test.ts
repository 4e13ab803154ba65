import assert from 'node:assert/strict';
import { test } from 'node:test';

// The verdict speaks local time with its zone; the figures below are written for Europe/Paris (UTC+1 in November).
process.env.TZ = 'Europe/Paris';
import { RUNBOOK_THRESHOLDS } from '../../src/triage/pressure.ts';
import { parseSince, verifyRecovery } from '../../src/triage/verification.ts';
import { podStatus } from '../../src/triage/describe.ts';
import { byName, fixturePods, notRunningPods } from './fixtures/load.ts';

test('passes when every pod is under the threshold and none was OOM-killed since', () => {
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  const verdict = verifyRecovery([healthy], new Date('2026-11-27T21:00:00Z'), RUNBOOK_THRESHOLDS);
  assert.equal(verdict.pass, true);
  assert.match(verdict.summary, /^PASS: 1 pod\(s\) under 80%/);
});

test('fails with the reasons of each failing pod', () => {
  const pods = fixturePods().filter((p) => p.ref.name.startsWith('api-'));
  const verdict = verifyRecovery(pods, new Date('2026-11-27T21:50:00Z'), RUNBOOK_THRESHOLDS);
  assert.equal(verdict.pass, false);
  assert.equal(verdict.failures.length, 1);
  assert.deepEqual(verdict.failures[0]!.reasons, ['api at 80% of its limit (≥ 80%)', 'log-shipper: cannot be judged: no limit', 'api OOMKilled at 2026-11-27 22:55 UTC+1']);
});

test('a kill before the moment does not count, a crash loop and missing metrics do', () => {
  const since = new Date('2026-11-27T22:30:00Z');
  const api = byName(fixturePods(false), 'api-7d9f8c6b5-x2k4q');
  const verdict = verifyRecovery([api, byName(fixturePods(), 'redis-0')], since, RUNBOOK_THRESHOLDS);
  assert.deepEqual(verdict.failures.map((f) => f.reasons), [
    ['api: no metrics, usage unknown', 'log-shipper: no metrics, usage unknown', 'log-shipper: cannot be judged: no limit'],
    ['redis at 97% of its limit (≥ 80%)', 'redis in CrashLoopBackOff'],
  ]);
});

test('a kill in the same second as the moment counts: the status has whole seconds, so it may have come after', () => {
  // the fixture's kill finished at 21:55:30Z, written without its milliseconds
  const pods = fixturePods().filter((p) => p.ref.name.startsWith('api-'));
  const kills = (since: string) => verifyRecovery(pods, new Date(since), RUNBOOK_THRESHOLDS).failures.flatMap((f) => f.reasons).filter((r) => r.includes('OOMKilled'));
  assert.deepEqual(kills('2026-11-27T21:55:30.700Z'), ['api OOMKilled at 2026-11-27 22:55 UTC+1']);
  assert.deepEqual(kills('2026-11-27T21:55:31.000Z'), []);
});

test('no pods is not a pass', () => {
  assert.equal(verifyRecovery([], new Date(), RUNBOOK_THRESHOLDS).pass, false);
});

test('"since" accepts HH:MM today or an ISO date, nothing else', () => {
  const today = new Date(2026, 10, 27, 15, 0, 0);
  assert.equal(parseSince('14:05', today)?.getTime(), new Date(2026, 10, 27, 14, 5, 0).getTime());
  assert.equal(parseSince('2026-11-27T14:05:00Z')?.toISOString(), '2026-11-27T14:05:00.000Z');
  for (const bad of ['', '25:00', '14:75', 'yesterday']) assert.equal(parseSince(bad, today), undefined, bad);
});

test('a Pending or Failed pod does not pass, whatever its phase: it says why', () => {
  const since = new Date('2026-11-27T21:30:00Z');
  const [unschedulable, evicted] = notRunningPods();
  const verdict = verifyRecovery([unschedulable!, evicted!], since, RUNBOOK_THRESHOLDS);
  assert.equal(verdict.pass, false);
  assert.equal(verdict.memory, 'could not be checked');
  assert.deepEqual(verdict.failures.map((f) => f.reasons), [['Pending: Unschedulable'], ['Failed: Evicted']]);
  assert.deepEqual(verdict.unmeasured.map((f) => f.pod.ref.name), ['api-6b8f7d4c9-p4n6v', 'api-7d9f8c6b5-zz9lt']);
  assert.match(verdict.summary, /^FAIL: 2 of 2 pod\(s\) fail, 2 could not be measured /);
  // with a healthy pod beside them, still no pass
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  assert.equal(verifyRecovery([healthy, unschedulable!], since, RUNBOOK_THRESHOLDS).pass, false);
});

test('a running container that is not ready does not pass', () => {
  const notReady = notRunningPods()[3]!;
  const pod = { ...notReady, containers: notReady.containers.map((c) => ({ ...c, workingSetBytes: 64 * 1024 ** 2 })) };
  assert.deepEqual(verifyRecovery([pod], new Date('2026-11-27T21:30:00Z'), RUNBOOK_THRESHOLDS).failures[0]!.reasons, ['api running but not ready']);
});

test('a completed Job pod is skipped with a note, never counted as under 80%; its OOM kill still counts', () => {
  const job = notRunningPods()[2]!;
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  const after = verifyRecovery([healthy, job], new Date('2026-11-27T21:30:00Z'), RUNBOOK_THRESHOLDS);
  assert.equal(after.pass, true);
  assert.equal(after.checked, 1);
  assert.deepEqual(after.skipped.map((p) => p.ref.name), ['report-28877160-7xk2q']);
  assert.match(after.summary, /^PASS: 1 pod\(s\) under 80% .* 1 completed pod\(s\) skipped\.$/);
  // only completed pods: nothing was verified
  const alone = verifyRecovery([job], new Date('2026-11-27T21:30:00Z'), RUNBOOK_THRESHOLDS);
  assert.equal(alone.pass, false);
  assert.equal(alone.memory, 'could not be checked');
  assert.equal(alone.summary, 'FAIL: no running pods to verify. 1 completed pod(s) skipped.');
  // killed after the moment: a failure, not a skip
  const before = verifyRecovery([healthy, job], new Date('2026-11-27T21:00:00Z'), RUNBOOK_THRESHOLDS);
  assert.deepEqual(before.failures.map((f) => f.reasons), [['report OOMKilled at 2026-11-27 22:20 UTC+1']]);
});

test('the memory criterion alone: met only when every pod in scope is measured and under the threshold', () => {
  const since = new Date('2026-11-27T21:30:00Z');
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  assert.equal(verifyRecovery([healthy], since, RUNBOOK_THRESHOLDS).memory, 'met');
  assert.equal(verifyRecovery([], since, RUNBOOK_THRESHOLDS).memory, 'could not be checked');
  assert.equal(verifyRecovery([byName(fixturePods(false), 'api-7d9f8c6b5-mm8rt')], since, RUNBOOK_THRESHOLDS).memory, 'could not be checked');
  assert.equal(verifyRecovery([byName(fixturePods(), 'redis-0'), notRunningPods()[0]!], since, RUNBOOK_THRESHOLDS).memory, 'not met');
});

test('pod status says Unschedulable and Evicted, like kubectl', () => {
  const [unschedulable, evicted] = notRunningPods();
  assert.equal(podStatus(unschedulable!), 'Unschedulable');
  assert.equal(podStatus(evicted!), 'Evicted');
});

// The healthy fixture pod, as it is after a kill at 21:40 UTC followed by a crash for another reason at 21:50.
function crashedAfterKill() {
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  const containers = healthy.containers.map((c) => ({ ...c, restartCount: 2, lastTermination: { reason: 'Error', exitCode: 1, finishedAt: new Date('2026-11-27T21:50:00Z') } }));
  return { ...healthy, containers };
}
const SINCE = new Date('2026-11-27T21:30:00Z');
const NOW = new Date('2026-11-27T22:00:00Z');

test('an OOM kill followed by a crash for another reason fails: the tree saw the kill', () => {
  const pod = crashedAfterKill();
  const c = pod.containers[0]!.name;
  const seenKills = [{ namespace: pod.ref.namespace, pod: pod.ref.name, workload: pod.workload.name, container: c, at: new Date('2026-11-27T21:40:00Z') }];
  assert.equal(verifyRecovery([pod], SINCE, RUNBOOK_THRESHOLDS, {}, NOW).failures.length, 0, 'the status alone shows only the Error');
  const verdict = verifyRecovery([pod], SINCE, RUNBOOK_THRESHOLDS, { seenKills }, NOW);
  assert.equal(verdict.pass, false);
  assert.deepEqual(verdict.failures[0]!.reasons, [`${c} OOMKilled at 22:40 UTC+1`]);
  assert.deepEqual(verdict.restarts, [`${pod.ref.name}: ${c} restarted since the moment (last: Error at 22:50 UTC+1)`]);
});

test('Prometheus: a last termination OOMKilled with restarts since fails, and the restarts are counted', () => {
  const pod = crashedAfterKill();
  const c = pod.containers[0]!.name;
  const prometheus = [{ namespace: pod.ref.namespace, pod: pod.ref.name, container: c, restartsSince: 2, lastTerminatedReason: 'OOMKilled' }];
  const verdict = verifyRecovery([pod], SINCE, RUNBOOK_THRESHOLDS, { prometheus }, NOW);
  assert.equal(verdict.pass, false);
  assert.match(verdict.failures[0]!.reasons[0]!, /OOMKilled since the moment \(Prometheus/);
  assert.deepEqual(verdict.restarts, [`${pod.ref.name}: ${c} restarted 2× since the moment (last: Error at 22:50 UTC+1)`]);
  assert.match(verdict.summary, /since 22:30 UTC\+1\)/);
});

test('a pod replaced after its kill fails: the kill of its predecessor is named', () => {
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  const seenKills = [{ namespace: healthy.ref.namespace, pod: 'api-7d9f8c6b5-gone1', workload: healthy.workload.name, container: 'api', at: new Date('2026-11-27T21:45:00Z') }];
  const verdict = verifyRecovery([healthy], SINCE, RUNBOOK_THRESHOLDS, { seenKills }, NOW);
  assert.equal(verdict.failures.length, 0);
  assert.equal(verdict.pass, false);
  assert.deepEqual(verdict.replaced, [`${healthy.ref.namespace}/api-7d9f8c6b5-gone1 (${healthy.workload.name}, replaced since): api OOMKilled at 22:45 UTC+1`]);
  assert.match(verdict.summary, /^FAIL: .* 1 OOM kill\(s\) in pods replaced since\./);
});

test('a container without a limit is "cannot be judged: no limit", not a pass', () => {
  const healthy = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  const pod = { ...healthy, containers: healthy.containers.map((c) => ({ ...c, limitBytes: undefined })) };
  const verdict = verifyRecovery([pod], SINCE, RUNBOOK_THRESHOLDS, {}, NOW);
  assert.equal(verdict.pass, false);
  assert.equal(verdict.memory, 'could not be checked');
  assert.deepEqual(verdict.failures[0]!.reasons, pod.containers.map((c) => `${c.name}: cannot be judged: no limit`));
});
