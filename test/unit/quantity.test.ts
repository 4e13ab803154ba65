import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, parseMemory } from '../../src/triage/quantity.ts';

test('parses the memory quantities the API server writes', () => {
  assert.equal(parseMemory('512Mi'), 512 * 1024 * 1024);
  assert.equal(parseMemory('421888Ki'), 421888 * 1024);
  assert.equal(parseMemory('1Gi'), 1024 ** 3);
  assert.equal(parseMemory('1G'), 1e9);
  assert.equal(parseMemory('129e6'), 129e6);
  assert.equal(parseMemory('1.5Gi'), 1.5 * 1024 ** 3);
  assert.equal(parseMemory('134217728'), 134217728);
  // milli-bytes appear when someone writes "100m" for memory; the API server rounds up
  assert.equal(parseMemory('1500m'), 2);
});

test('rejects what is not a quantity', () => {
  assert.equal(parseMemory(undefined), undefined);
  assert.equal(parseMemory(''), undefined);
  assert.equal(parseMemory('12 Mi'), undefined);
  assert.equal(parseMemory('Mi'), undefined);
  assert.equal(parseMemory('5Xi'), undefined);
});

test('formats bytes in binary units', () => {
  assert.equal(formatBytes(412 * 1024 * 1024), '412 MiB');
  assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5 GiB');
  assert.equal(formatBytes(2 * 1024 ** 3), '2 GiB');
  assert.equal(formatBytes(900 * 1024), '900 KiB');
  assert.equal(formatBytes(12), '12 B');
});
