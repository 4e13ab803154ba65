import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSelector } from '../../src/cluster/session.ts';

test('accepts what kubectl -l accepts', () => {
  for (const ok of ['', 'app=', 'app=api', 'app==api', 'app=api,tier!=db', 'env in (prod, staging)', 'app.kubernetes.io/name=api', '!canary', 'release notin (a,b),app=api']) {
    assert.equal(validateSelector(ok), undefined, ok);
  }
});

test('rejects what the API server would reject', () => {
  for (const bad of ['app=api,', '=api', 'app = a b', 'app in prod']) {
    assert.notEqual(validateSelector(bad), undefined, bad);
  }
});
