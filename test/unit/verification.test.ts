import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUNBOOK_THRESHOLDS } from '../../src/triage/pressure.ts';
import { parseSince, verifyRecovery } from '../../src/triage/verification.ts';
import { byName, fixturePods } from './fixtures/load.ts';

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
  assert.deepEqual(verdict.failures[0]!.reasons, ['api at 80% of its limit (≥ 80%)', 'api OOMKilled at 2026-11-27T21:55:30.000Z']);
});

test('a kill before the moment does not count, a crash loop and missing metrics do', () => {
  const since = new Date('2026-11-27T22:30:00Z');
  const api = byName(fixturePods(false), 'api-7d9f8c6b5-x2k4q');
  const verdict = verifyRecovery([api, byName(fixturePods(), 'redis-0')], since, RUNBOOK_THRESHOLDS);
  assert.deepEqual(verdict.failures.map((f) => f.reasons), [
    ['api: no metrics, usage unknown', 'log-shipper: no metrics, usage unknown'],
    ['redis at 97% of its limit (≥ 80%)', 'redis in CrashLoopBackOff'],
  ]);
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
