// The emulator's patch and selector semantics, checked against what the real server does
// with the same inputs (cases taken from the Kubernetes docs on patch types and selectors).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch, mergePatch, strategicMergePatch } from '../cluster/patch.ts';
import { parseLabelSelector } from '../cluster/selectors.ts';
import { canonicalQuantity, parseQuantity } from '../cluster/quantity.ts';

const deployment = () => ({
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          { name: 'api', image: 'api:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
});

describe('emulator patch semantics', () => {
  it('strategic merge merges containers and env by name', () => {
    const out = strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'api', resources: { limits: { memory: '2Gi' } }, env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } });
    const [api, sidecar] = out.spec.template.spec.containers;
    assert.deepEqual(api.resources, { requests: { memory: '64Mi' }, limits: { memory: '2Gi' } });
    assert.deepEqual(api.env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    assert.equal(sidecar.image, 'proxy:1');
  });

  it('strategic merge honours $patch: delete and $patch: replace, and null deletes a field', () => {
    const out = strategicMergePatch(deployment(), { spec: { replicas: null, template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
    assert.equal(out.spec.replicas, undefined);
    assert.deepEqual(out.spec.template.spec.containers.map((c: any) => c.name), ['api']);
    const replaced = strategicMergePatch(deployment(), { spec: { template: { metadata: { $patch: 'replace', labels: { app: 'x' } } } } });
    assert.deepEqual(replaced.spec.template.metadata, { labels: { app: 'x' } });
  });

  it('merge patch replaces lists wholesale', () => {
    const out = mergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }] } } } });
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'o:1' }]);
  });

  it('JSON patch applies add/replace/remove/test/move/copy and fails a test op', () => {
    const out = jsonPatch(deployment(), [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'Z', value: '9' } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'test', path: '/spec/replicas', value: 5 },
      { op: 'copy', from: '/spec/replicas', path: '/spec/minReadySeconds' },
      { op: 'move', from: '/spec/minReadySeconds', path: '/spec/paused' },
      { op: 'add', path: '/metadata', value: { annotations: { 'a~b/c': 'x' } } },
    ]);
    assert.equal(out.spec.replicas, 5);
    assert.equal(out.spec.paused, 5);
    assert.equal(out.spec.template.spec.containers.length, 1);
    assert.deepEqual(out.spec.template.spec.containers[0].env.at(-1), { name: 'Z', value: '9' });
    assert.throws(() => jsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 3 }]), /test failed/);
    assert.throws(() => jsonPatch(deployment(), [{ op: 'remove', path: '/spec/nope' }]), /missing path/);
  });
});

describe('emulator selectors and quantities', () => {
  it('parses set-based label selectors', () => {
    const s = parseLabelSelector('app in (api, web),tier notin (db),!canary,env');
    assert.equal(s({ app: 'api', env: 'prod' }), true);
    assert.equal(s({ app: 'api', env: 'prod', canary: 'x' }), false);
    assert.equal(s({ app: 'api', tier: 'db', env: 'prod' }), false);
    assert.equal(s({ app: 'batch', env: 'prod' }), false);
    assert.equal(s({ app: 'web' }), false);
  });

  it('reads Kubernetes quantities', () => {
    assert.equal(parseQuantity('2Gi'), 2 * 2 ** 30);
    assert.equal(parseQuantity('128974848'), 128974848);
    assert.equal(parseQuantity('129M'), 129e6);
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('1e3'), 1000);
    assert.equal(parseQuantity('2Gx'), undefined);
  });

  it('writes quantities in the canonical form resource.Quantity serialises to', () => {
    // Cases worked through apimachinery's ParseQuantity and CanonicalizeBytes.
    const cases: [string | number, string][] = [
      ['2048Mi', '2Gi'], ['1024Ki', '1Mi'], ['1536Mi', '1536Mi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'],
      ['0.5Ki', '512'], ['0.1Ki', '102400m'], ['1000m', '1'], ['0.1', '100m'], ['1.5', '1500m'], ['.5', '500m'],
      ['1000', '1k'], ['1500', '1500'], ['1.5M', '1500k'], ['12e6', '12e6'], ['1e2', '100'], ['1E3', '1e3'],
      ['0', '0'], ['0Mi', '0'], ['-2048Mi', '-2Gi'], ['0.1n', '1n'], ['1e-12', '1e-9'],
      ['2147483648', '2147483648'], [2147483648, '2147483648'], ['128974848', '128974848'], ['250m', '250m'],
    ];
    for (const [input, canonical] of cases) assert.equal(canonicalQuantity(input), canonical, String(input));
    assert.equal(canonicalQuantity('2Gx'), undefined);
  });
});
