import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, containerDescription, podDescription, podStatus, podTooltipMarkdown, statusBarText } from '../../src/triage/describe.ts';
import { byName, fixturePods } from './fixtures/load.ts';

const now = new Date('2026-11-27T21:59:30Z');

test('pod description: gauge numbers, OOM marker with age, restarts', () => {
  const pods = fixturePods();
  assert.equal(podDescription(byName(pods, 'api-7d9f8c6b5-x2k4q'), now), 'api: 412 MiB / 512 MiB · 80% · OOMKilled 4m ago · ↻3');
  assert.equal(podDescription(byName(pods, 'api-7d9f8c6b5-mm8rt'), now), '128 MiB / 512 MiB · 25%');
  assert.equal(podDescription(byName(pods, 'redis-0'), now), '1000 MiB / 1 GiB · 97% · CrashLoopBackOff · OOMKilled 1m ago · ↻5');
  assert.equal(podDescription(byName(pods, 'debug-shell'), now), 'no metrics · Pending');
});

test('container description says "no limit" instead of a percentage', () => {
  const api = byName(fixturePods(), 'api-7d9f8c6b5-x2k4q');
  assert.equal(containerDescription(api.containers[1]!, now), '20 MiB · no limit');
  assert.equal(containerDescription(api.containers[0]!, now), '412 MiB / 512 MiB · 80% · OOMKilled 4m ago · ↻3');
  const noMetrics = byName(fixturePods(false), 'api-7d9f8c6b5-mm8rt');
  assert.equal(containerDescription(noMetrics.containers[0]!, now), 'no metrics · limit 512 MiB');
});

test('status, age and status bar text', () => {
  assert.equal(podStatus(byName(fixturePods(), 'redis-0')), 'CrashLoopBackOff');
  assert.equal(ago(new Date('2026-11-27T19:59:30Z'), now), '2h ago');
  assert.equal(statusBarText(byName(fixturePods(), 'api-7d9f8c6b5-x2k4q'), 2), 'api-7d9f8c… 80% · OOM×2');
  assert.equal(statusBarText(byName(fixturePods(), 'redis-0'), 0), 'redis-0 97%');
  // no percent: the reason there is none, never a bare name
  const down = { ...byName(fixturePods(), 'redis-0') };
  const noMetrics = { ...down, containers: down.containers.map((c) => ({ ...c, workingSetBytes: undefined })) };
  assert.equal(statusBarText(noMetrics, 1), 'redis-0 CrashLoopBackOff · OOM×1');
  assert.equal(statusBarText(byName(fixturePods(), 'debug-shell'), 0), 'debug-shell Pending');
  const running = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  assert.equal(statusBarText({ ...running, containers: running.containers.map((c) => ({ ...c, workingSetBytes: undefined })) }, 0), 'api-7d9f8c… no metrics');
  assert.equal(statusBarText({ ...running, containers: running.containers.map((c) => ({ ...c, limitBytes: undefined })) }, 0), 'api-7d9f8c… no limit');
});

test('tooltip lists every container with request, limit and last termination', () => {
  const md = podTooltipMarkdown(byName(fixturePods(), 'api-7d9f8c6b5-x2k4q'), now);
  assert.match(md, /\| api \| 412 MiB \| 256 MiB \| 512 MiB \| 80% \| OOMKilled \(exit 137, 2026-11-27T21:55:30.000Z, 4m ago\) \|/);
  assert.match(md, /\| log\\-shipper \| 20 MiB \| 32 MiB \| — \| no limit \| — \|/);
  assert.match(md, /Node: node\\-a · QoS: Burstable · Restarts: 3/);
});

test('percentages are floored: 79.6% is "79%" (still normal), 99.9% is "99%", never a rounded 80 or 100', () => {
  const MiB = 1024 ** 2;
  const pod = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt');
  const at = (bytes: number) => ({ ...pod, containers: [{ ...pod.containers[0]!, workingSetBytes: bytes, limitBytes: 1000 * MiB }] });
  assert.equal(podDescription(at(796 * MiB), now), '796 MiB / 1000 MiB · 79%');
  assert.equal(statusBarText(at(999 * MiB), 0), 'api-7d9f8c… 99%');
  assert.match(podTooltipMarkdown(at(999 * MiB), now), /\| api \| 999 MiB \| 512 MiB \| 1000 MiB \| 99% \|/);
});
