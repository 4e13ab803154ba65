import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { kubectlCommandsFor, kubectlCommandsForScope, shellQuote } from '../../src/triage/kubectlCommand.ts';
import { byName, fixturePods } from './fixtures/load.ts';

test('quotes only what a shell would split or expand', () => {
  assert.equal(shellQuote('api-7d9f8c6b5-x2k4q'), 'api-7d9f8c6b5-x2k4q');
  assert.equal(shellQuote('app=api'), 'app=api');
  assert.equal(shellQuote("it's $(rm -rf)"), `'it'\\''s $(rm -rf)'`);
});

test('a quoted word survives a real shell unchanged', () => {
  const nasty = `a b'c"$HOME\`x\`;|&`;
  const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`]).toString();
  assert.equal(out, nasty);
});

test("builds the runbook's step 1 for a pod and for the scope", () => {
  const pod = byName(fixturePods(), 'api-7d9f8c6b5-x2k4q');
  const [top, get] = kubectlCommandsFor(pod).split('\n');
  assert.equal(top, 'kubectl --context kind-dev -n default top pod api-7d9f8c6b5-x2k4q --containers');
  assert.match(get!, /^kubectl --context kind-dev -n default get pod api-7d9f8c6b5-x2k4q -o 'jsonpath=\{range \.status\.containerStatuses\[\*\]\}/);
  const scope = kubectlCommandsForScope('kind-dev', undefined, 'app=api').split('\n');
  assert.equal(scope[0], 'kubectl --context kind-dev -A top pods -l app=api');
  // every container's reason, not containerStatuses[0]'s: a sidecar second in the list was missed
  assert.ok(scope[1]!.includes(`'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{range .status.containerStatuses[*]}{.name}={.lastState.terminated.reason}{" "}{end}{"\\n"}{end}'`), scope[1]);
  assert.ok(!scope[1]!.includes('containerStatuses[0]'));
});
