import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DB_PORTS, MAX_ENGINES, parseDbPorts, parseEngines, windowSeconds } from '../../src/triage/dbSettings.ts';

test('engine paths: module:attribute with dotted names pass, anything that is more than names does not', () => {
  const { value, problems } = parseEngines(['infrastructure.db:engine', ' app.models:Session.bind ', 'infrastructure.db:engine', 'os:system("x")', 'nocolon', ':engine', 'a:b:c', '__import__("os").system:x', 42, '1mod:engine']);
  assert.deepEqual(value, ['infrastructure.db:engine', 'app.models:Session.bind']);
  assert.equal(problems.length, 7);
  assert.match(problems[0]!, /"os:system\(\\"x\\"\)" is not "module:attribute"/);
});

test('engine paths: the default when unset or not a list, and a bound on how many', () => {
  assert.deepEqual(parseEngines(undefined), { value: ['infrastructure.db:engine'], problems: [] });
  assert.equal(parseEngines('infrastructure.db:engine').problems.length, 1);
  const many = Array.from({ length: MAX_ENGINES + 3 }, (_, i) => `m${i}:engine`);
  const parsed = parseEngines(many);
  assert.equal(parsed.value.length, MAX_ENGINES);
  assert.equal(parsed.problems.length, 1);
});

test('database ports: as settings.json gives them (string keys), bad ports and names skipped with a reason', () => {
  const { value, problems } = parseDbPorts({ '5432': 'PostgreSQL', '6380': ' Redis replica ', '0': 'zero', '70000': 'big', 'abc': 'x', '3306': '', '1521': 42 });
  assert.deepEqual(value, { 5432: 'PostgreSQL', 6380: 'Redis replica' });
  assert.equal(problems.length, 5);
  assert.deepEqual(parseDbPorts(undefined).value, { ...DEFAULT_DB_PORTS });
  assert.deepEqual(parseDbPorts([5432]).value, { ...DEFAULT_DB_PORTS });
  assert.equal(parseDbPorts([5432]).problems.length, 1);
  assert.deepEqual(parseDbPorts({}), { value: {}, problems: [] });
});

test('the window is whole seconds between 5 and 600, 30 when not a number', () => {
  assert.deepEqual([windowSeconds(30), windowSeconds(1), windowSeconds(12.6), windowSeconds(10_000), windowSeconds('20'), windowSeconds(Number.NaN)], [30, 5, 13, 600, 30, 30]);
});
