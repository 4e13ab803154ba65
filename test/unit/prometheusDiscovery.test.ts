import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapBounded, matches, pickPort, SELECTORS } from '../../src/prometheus/discovery.ts';
import { formatServiceRef, parseServiceRef, serviceProxyPath } from '../../src/prometheus/serviceProxyTransport.ts';

test('the web port is chosen by name, then by the usual numbers', () => {
  assert.deepEqual(pickPort([{ name: 'reloader', port: 8080 }, { name: 'web', port: 9090 }]), { port: '9090', scheme: 'http' });
  assert.deepEqual(pickPort([{ name: 'http-web', port: 80 }, { name: 'grpc', port: 10901 }]), { port: '80', scheme: 'http' });
  assert.deepEqual(pickPort([{ name: 'grpc', port: 10901 }, { name: 'x', port: 10902 }]), { port: '10902', scheme: 'http' });
  assert.deepEqual(pickPort([{ name: 'https', port: 443 }]), { port: '443', scheme: 'https' });
  assert.deepEqual(pickPort([{ port: 8000 }]), { port: '8000', scheme: 'http' });
  assert.equal(pickPort([{ name: 'a', port: 1 }, { name: 'b', port: 2 }]), undefined);
});

test('the Helm chart and operator selectors come first', () => {
  assert.equal(SELECTORS[0]!.selector, 'operated-prometheus=true');
  assert.ok(SELECTORS.some((s) => s.selector === 'app.kubernetes.io/name=prometheus,app.kubernetes.io/component=server'));
});

test('service references parse, print and become proxy paths', () => {
  const ref = parseServiceRef('monitoring/prometheus-server:9090')!;
  assert.deepEqual(ref, { scheme: 'http', namespace: 'monitoring', name: 'prometheus-server', port: '9090' });
  assert.equal(serviceProxyPath(ref), '/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy');
  const tls = parseServiceRef('https:monitoring/prometheus-k8s:web')!;
  assert.equal(formatServiceRef(tls), 'https:monitoring/prometheus-k8s:web');
  assert.equal(serviceProxyPath(tls), '/api/v1/namespaces/monitoring/services/https:prometheus-k8s:web/proxy');
  for (const bad of ['monitoring/prometheus', 'Monitoring/p:9090', '../x/p:9090', 'a/b:9090/../..', 'ftp:a/b:1']) {
    assert.equal(parseServiceRef(bad), undefined, bad);
  }
});

test('a selector matches only when every pair holds', () => {
  const helm = { metadata: { labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' } } };
  assert.ok(matches('app.kubernetes.io/name=prometheus,app.kubernetes.io/component=server', helm));
  assert.ok(matches('app.kubernetes.io/name=prometheus', helm));
  assert.ok(!matches('app.kubernetes.io/name=prometheus,app.kubernetes.io/component=alertmanager', helm));
  assert.ok(!matches('app=prometheus', {}));
});

test('mapBounded keeps at most the limit in flight and the results in order', async () => {
  let inFlight = 0;
  let most = 0;
  const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, n));
    inFlight--;
    return n * 10 + i;
  });
  assert.equal(most, 3);
  assert.deepEqual(results, [50, 11, 42, 23, 34, 5, 66]);
  await assert.rejects(mapBounded([1, 2], 2, async (n) => { if (n === 2) throw new Error('two'); return n; }), /two/);
});
