import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { classify, ClusterError, credentialError } from '../../src/cluster/clusterError.ts';
import { HttpStatusError } from '../../src/cluster/apiRequest.ts';

const pods = { verb: 'list' as const, resource: 'pods', namespace: 'payments', server: 'https://k8s.example:6443' };
const metrics = { ...pods, resource: 'pods.metrics.k8s.io' };

// What undici's fetch throws when nothing listens: a TypeError whose cause carries the code.
function fetchFailed(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} 10.0.0.1:6443`), { code });
  return new TypeError('fetch failed', { cause });
}

test('network errors are "unreachable" with the code, timeouts are "timeout"', () => {
  const e = classify(fetchFailed('ECONNREFUSED'), pods);
  assert.equal(e.kind, 'unreachable');
  assert.equal(e.message, 'Cannot reach the API server https://k8s.example:6443 (ECONNREFUSED).');
  assert.equal(classify(fetchFailed('ENOTFOUND'), pods).kind, 'unreachable');
  assert.equal(classify(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), pods).kind, 'timeout');
});

test('401 and 403 from any of client-node\'s error shapes', () => {
  const status = { kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "oncall" cannot list resource "pods" in API group "" in the namespace "payments"' };
  const forbidden = classify(new ApiException(403, 'Forbidden', JSON.stringify(status), {}), pods);
  assert.equal(forbidden.kind, 'forbidden');
  assert.equal(forbidden.message, 'Forbidden (403): you may not list pods in namespace "payments".');
  assert.equal(forbidden.detail, status.message, 'the server\'s own words go to the log');
  // the Watch class reports a bare statusCode
  assert.equal(classify(Object.assign(new Error('Unauthorized'), { statusCode: 401 }), { ...pods, verb: 'watch' }).kind, 'unauthorized');
  assert.equal(classify(new HttpStatusError(403, status, '/apis/metrics.k8s.io/v1beta1/namespaces/payments/pods'), metrics).message, 'Forbidden (403): you may not list pods.metrics.k8s.io in namespace "payments".');
});

test('metrics API missing or not ready, and everything else', () => {
  assert.equal(classify(new HttpStatusError(404, '404 page not found', '/apis/metrics.k8s.io/v1beta1/pods'), metrics).kind, 'metrics-unavailable');
  assert.equal(classify(new HttpStatusError(503, { message: 'the server is currently unable to handle the request' }, '/apis/metrics.k8s.io'), metrics).kind, 'metrics-unavailable');
  const other = classify(new HttpStatusError(500, { message: 'etcdserver: request timed out' }, '/api/v1/pods'), pods);
  assert.equal(other.kind, 'other');
  assert.match(other.message, /500 to list pods: etcdserver: request timed out/);
  const already = new ClusterError('no-kubeconfig', 'x', 'y');
  assert.equal(classify(already, pods), already);
});

test('a failing credential plugin is "unauthorized" with its first stderr line; the rest goes to the log', () => {
  const e = credentialError(new Error('SSO session expired\nrun: aws sso login --profile prod\n'));
  assert.equal(e.kind, 'unauthorized');
  assert.equal(e.message, 'Could not get credentials for the cluster: SSO session expired.');
  assert.match(e.hint, /Log in again/);
  assert.equal(e.detail, 'SSO session expired\nrun: aws sso login --profile prod');
  assert.equal(classify(e, pods), e, 'classify keeps it as it is');
});
