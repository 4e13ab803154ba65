import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LEVELS, elapsedText, estimateState, levelsDue, levelsToAnnounce, nextLevel, parseLevels, timerText } from '../../src/triage/escalation.ts';

const MIN = 60_000;

test('the runbook levels fall due at 0, 15 and 30 minutes', () => {
  assert.deepEqual(levelsDue(DEFAULT_LEVELS, 0).map((l) => l.name), ['On-call engineer']);
  assert.deepEqual(levelsDue(DEFAULT_LEVELS, 15 * MIN - 1).map((l) => l.name), ['On-call engineer']);
  assert.deepEqual(levelsDue(DEFAULT_LEVELS, 15 * MIN).map((l) => l.name), ['On-call engineer', 'Platform team lead']);
  assert.deepEqual(levelsDue(DEFAULT_LEVELS, 45 * MIN).length, 3);
  assert.equal(nextLevel(DEFAULT_LEVELS, 16 * MIN)?.name, 'Engineering manager');
  assert.equal(nextLevel(DEFAULT_LEVELS, 30 * MIN), undefined);
});

test('a level is announced once: those already announced are not due again', () => {
  assert.deepEqual(levelsToAnnounce(DEFAULT_LEVELS, 31 * MIN, [0]).map((l) => l.minutes), [15, 30]);
  assert.deepEqual(levelsToAnnounce(DEFAULT_LEVELS, 31 * MIN, [0, 15, 30]), []);
});

test('the timer text against the 10-30 minute estimate', () => {
  assert.equal(timerText(DEFAULT_LEVELS, 16 * MIN + 40_000), 'Incident 16:40 / 10-30 min · Platform team lead (next: Engineering manager at 30 min)');
  assert.equal(elapsedText(62 * MIN + 5000), '1:02:05');
  assert.equal(estimateState(9 * MIN), 'within');
  assert.equal(estimateState(20 * MIN), 'in range');
  assert.equal(estimateState(31 * MIN), 'over');
});

test('levels from the setting: sorted, bad entries named and left out, not a list gives the runbook', () => {
  const { levels, problems } = parseLevels([{ name: 'Director', minutes: 60 }, { name: 'SRE', minutes: 5 }, { name: '', minutes: 1 }, { name: 'x', minutes: -1 }]);
  assert.deepEqual(levels, [{ name: 'SRE', minutes: 5 }, { name: 'Director', minutes: 60 }]);
  assert.equal(problems.length, 2);
  assert.deepEqual(parseLevels('oops').levels, DEFAULT_LEVELS);
  assert.equal(parseLevels('oops').problems.length, 1);
});
