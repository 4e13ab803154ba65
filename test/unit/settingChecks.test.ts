import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedSetting, isPositiveNumber, sameKindAs } from '../../src/settingChecks.ts';

test('a metrics interval that is not a positive number reads as the default', () => {
  // A NaN interval made setTimeout fire at once: the metrics poll ran in a tight loop.
  for (const bad of ['15', Number.NaN, 0, -3, Number.POSITIVE_INFINITY, null, undefined, {}]) {
    assert.equal(checkedSetting(bad, 15, isPositiveNumber), 15, `value ${String(bad)}`);
  }
  assert.equal(checkedSetting(30, 15, isPositiveNumber), 30);
  assert.equal(checkedSetting(0.5, 15, isPositiveNumber), 0.5);
});

test('without a check a value must be of its default kind', () => {
  assert.equal(checkedSetting('80', 80, sameKindAs(80)), 80);
  assert.equal(checkedSetting(Number.NaN, 80, sameKindAs(80)), 80);
  assert.equal(checkedSetting(70, 80, sameKindAs(80)), 70);
  assert.equal(checkedSetting(42, '', sameKindAs('')), '');
  assert.equal(checkedSetting('ctx', '', sameKindAs('')), 'ctx');
  assert.equal(checkedSetting('yes', false, sameKindAs(false)), false);
  assert.deepEqual(checkedSetting({ a: 1 }, [], sameKindAs<unknown[]>([])), []);
  assert.deepEqual(checkedSetting([1], {}, sameKindAs({})), {});
});
