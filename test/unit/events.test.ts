// How an Event of either recorder becomes a KubeEvent, and the words of the Show Events document
// and the tooltip: newest first as given, repeats as kubectl says them, Markdown from the cluster escaped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toKubeEvent } from '../../src/cluster/podEvents.ts';
import { eventsDocument, eventsTooltip, nodeLine } from '../../src/triage/events.ts';

const now = new Date('2026-12-03T11:00:00Z');

describe('toKubeEvent', () => {
  it("the legacy recorder's count and timestamps", () => {
    const e = toKubeEvent({ reason: 'BackOff', message: 'Back-off restarting failed container api', type: 'Warning', count: 7, firstTimestamp: '2026-12-03T10:40:00Z', lastTimestamp: '2026-12-03T10:58:00Z', eventTime: null, source: { component: 'kubelet' }, involvedObject: { kind: 'Pod', name: 'api-1', fieldPath: 'spec.containers{api}' } });
    assert.deepEqual(e, { reason: 'BackOff', message: 'Back-off restarting failed container api', type: 'Warning', count: 7, first: new Date('2026-12-03T10:40:00Z'), last: new Date('2026-12-03T10:58:00Z'), object: 'Pod/api-1', fieldPath: 'spec.containers{api}', source: 'kubelet' });
  });
  it("events.k8s.io's eventTime and series (no first/lastTimestamp)", () => {
    const e = toKubeEvent({ reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient memory.', type: 'Warning', eventTime: '2026-12-03T10:50:00.123456Z', firstTimestamp: null, lastTimestamp: null, series: { count: 4, lastObservedTime: '2026-12-03T10:59:00.5Z' }, reportingComponent: 'default-scheduler', involvedObject: { kind: 'Pod', name: 'api-2' } });
    assert.equal(e.count, 4);
    assert.equal(e.first?.toISOString(), '2026-12-03T10:50:00.123Z');
    assert.equal(e.last?.toISOString(), '2026-12-03T10:59:00.500Z');
    assert.equal(e.source, 'default-scheduler');
  });
  it('nothing usable: no dates, count 1, no throw', () => {
    const e = toKubeEvent({ firstTimestamp: 'not a date', count: Number.NaN });
    assert.equal(e.first, undefined);
    assert.equal(e.count, 1);
    assert.equal(e.object, '?/?');
  });
});

const kill = { reason: 'OOMKilling', message: 'Memory cgroup out of memory: Killed process 42 (python)', type: 'Warning', count: 1, last: new Date('2026-12-03T10:58:00Z'), object: 'Node/w-1', source: 'kernel-monitor' };
const backoff = { reason: 'BackOff', message: 'Back-off restarting failed container api', type: 'Warning', count: 5, first: new Date('2026-12-03T10:30:00Z'), last: new Date('2026-12-03T10:57:00Z'), object: 'Pod/api-1', fieldPath: 'spec.containers{api}', source: 'kubelet' };

describe('eventsDocument', () => {
  it('a line per event with its time, kind, object and repeats, the message under it', () => {
    const text = eventsDocument('prod default/api-1', [kill, backoff], now, ['node w-1: memory events only']);
    assert.equal(text, [
      '# prod default/api-1: events, newest first (read 2026-12-03T11:00:00Z)',
      '# node w-1: memory events only',
      '',
      '2026-12-03T10:58:00Z  Warning  OOMKilling  Node/w-1 (kernel-monitor)',
      '    Memory cgroup out of memory: Killed process 42 (python)',
      '2026-12-03T10:57:00Z  Warning  BackOff  Pod/api-1 spec.containers{api} (kubelet)  ×5 over 30m',
      '    Back-off restarting failed container api',
      '',
    ].join('\n'));
  });
  it('none: says why there may be none', () => {
    assert.match(eventsDocument('x', [], now), /no events: the API server keeps them for an hour/);
  });
});

describe('eventsTooltip and nodeLine', () => {
  it('the node under pressure, then the last events, escaped', () => {
    const md = eventsTooltip([{ ...kill, message: '[click](http://evil) *bold*' }, backoff], { name: 'w-1', allocatableBytes: 3 * 1024 ** 3, capacityBytes: 4 * 1024 ** 3, memoryPressure: { status: 'True', message: 'kubelet has insufficient memory available', since: new Date('2026-12-03T10:55:00Z') } }, now, 1);
    assert.equal(md, [
      'Node w\\-1: **MemoryPressure** since 5m ago (kubelet has insufficient memory available) · allocatable 3 GiB of 4 GiB',
      '',
      '**Events** (newest 1 of 2; Show Events for all):',
      '- ⚠ 2m ago **OOMKilling** (node): \\[click\\]\\(http://evil\\) \\*bold\\*',
    ].join('\n'));
  });
  it('RBAC on nodes: said in one line; no events: said', () => {
    assert.equal(nodeLine({ name: 'w-1', note: 'not allowed to read nodes (RBAC)' }, now), 'Node w\\-1: not allowed to read nodes \\(RBAC\\)');
    assert.match(eventsTooltip([], undefined, now), /^\nNo events for this pod or memory events on its node\.$/);
  });
});
