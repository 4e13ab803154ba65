import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapPath, resolveRules, ruleFor, WorkspaceIndex } from '../../src/heap/pathMapping.ts';

const folders = [
  { name: 'svc', path: '/ws/svc' },
  { name: 'tools', path: '/ws/tools' },
];

test('rules: ${workspaceFolder} is the first folder, ${workspaceFolder:name} the named one', () => {
  const { rules, problems } = resolveRules(
    [
      { remoteRoot: '/app', localRoot: '${workspaceFolder}/services/api' },
      { remoteRoot: '/opt/tools/', localRoot: '${workspaceFolder:tools}/bin/' },
    ],
    folders,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(rules, [
    { remoteRoot: '/app', localRoot: '/ws/svc/services/api' },
    { remoteRoot: '/opt/tools', localRoot: '/ws/tools/bin' },
  ]);
});

test('rules: bad entries are left out, each with a message naming it', () => {
  const { rules, problems } = resolveRules(
    [
      'nope',
      { remoteRoot: 'app', localRoot: '/x' },
      { remoteRoot: '/a', localRoot: '${workspaceFolder:missing}/x' },
      { remoteRoot: '/b', localRoot: '${env:HOME}/x' },
      { remoteRoot: '/c', localRoot: 'relative/x' },
      { remoteRoot: '/d' },
      { remoteRoot: '/e', localRoot: '/ok' },
      { remoteRoot: '/e/', localRoot: '/again' },
    ],
    folders,
  );
  assert.deepEqual(rules, [{ remoteRoot: '/e', localRoot: '/ok' }]);
  assert.equal(problems.length, 7);
  assert.match(problems[0], /pathMappings\[0\] is not an object/);
  assert.match(problems[1], /\[1\]\.remoteRoot "app" is not absolute/);
  assert.match(problems[2], /"missing", which is not open \(open: svc, tools\)/);
  assert.match(problems[3], /\$\{env:HOME\}; only/);
  assert.match(problems[4], /\[4\]\.localRoot "relative\/x" is not absolute/);
  assert.match(problems[5], /\[5\]\.localRoot must be/);
  assert.match(problems[6], /\[7\] repeats the remoteRoot "\/e"/);
});

test('rules: no folder open, not a list, nothing set', () => {
  assert.match(resolveRules([{ remoteRoot: '/app', localRoot: '${workspaceFolder}' }], []).problems[0], /no workspace folder is open/);
  assert.match(resolveRules({ remoteRoot: '/app' }, folders).problems[0], /must be a list/);
  assert.deepEqual(resolveRules(undefined, folders), { rules: [], problems: [] });
});

test('a rule maps on a component boundary, the longest remoteRoot wins', () => {
  const rules = [
    { remoteRoot: '/app', localRoot: '/ws/svc' },
    { remoteRoot: '/app/vendor', localRoot: '/ws/vendor' },
  ];
  const index = new WorkspaceIndex([]);
  assert.deepEqual(mapPath('/app/app/handlers.py', rules, index), { kind: 'mapped', path: '/ws/svc/app/handlers.py', by: 'rule' });
  assert.deepEqual(mapPath('/app/vendor/lib.py', rules, index), { kind: 'mapped', path: '/ws/vendor/lib.py', by: 'rule' });
  // /application is not under /app
  assert.deepEqual(mapPath('/application/x.py', rules, index), { kind: 'unmatched' });
});

test('a Windows local root: the result uses backslashes throughout', () => {
  const { rules } = resolveRules([{ remoteRoot: '/app', localRoot: '${workspaceFolder:api}/services/api' }], [{ name: 'api', path: 'C:\\src\\repo' }]);
  assert.deepEqual(rules, [{ remoteRoot: '/app', localRoot: 'C:\\src\\repo\\services\\api' }]);
  assert.deepEqual(mapPath('/app/app/handlers.py', rules, new WorkspaceIndex([])), { kind: 'mapped', path: 'C:\\src\\repo\\services\\api\\app\\handlers.py', by: 'rule' });
});

test('without rules: the longest trailing match over the workspace, multi-root', () => {
  const index = new WorkspaceIndex(['/ws/svc/app/handlers.py', '/ws/tools/handlers.py', '/ws/svc/app/models.py', '/ws/other/lib/app/cache.py']);
  assert.deepEqual(mapPath('/app/app/handlers.py', [], index), { kind: 'mapped', path: '/ws/svc/app/handlers.py', by: 'suffix' });
  assert.deepEqual(mapPath('/srv/lib/app/cache.py', [], index), { kind: 'mapped', path: '/ws/other/lib/app/cache.py', by: 'suffix' });
  // a rule that matches wins over the suffix match
  assert.deepEqual(mapPath('/app/app/handlers.py', [{ remoteRoot: '/app/app', localRoot: '/ws/tools' }], index), { kind: 'mapped', path: '/ws/tools/handlers.py', by: 'rule' });
});

test('a tie is ambiguous with the candidates sorted; no file of that name is unmatched', () => {
  const index = new WorkspaceIndex(['/ws/b/app/handlers.py', '/ws/a/app/handlers.py', '/ws/c/handlers.py']);
  assert.deepEqual(mapPath('/app/app/handlers.py', [], index), { kind: 'ambiguous', candidates: ['/ws/a/app/handlers.py', '/ws/b/app/handlers.py'] });
  assert.deepEqual(mapPath('/usr/lib/python3.12/threading.py', [], index), { kind: 'unmatched' });
  assert.deepEqual(mapPath('', [], index), { kind: 'unmatched' });
});

test('matching is case-sensitive and by whole components', () => {
  const index = new WorkspaceIndex(['/ws/App/Handlers.py', '/ws/myapp/handlers.py']);
  // Handlers.py is another name; myapp/handlers.py shares only the basename
  assert.deepEqual(mapPath('/srv/app/handlers.py', [], index), { kind: 'mapped', path: '/ws/myapp/handlers.py', by: 'suffix' });
  assert.deepEqual(mapPath('/srv/app/other.py', [], index), { kind: 'unmatched' });
});

test('Windows-style workspace paths: backslashes compared as separators, the path given back as it was', () => {
  const index = new WorkspaceIndex(['C:\\src\\svc\\app\\handlers.py', 'C:\\src\\svc\\handlers.py', 'd:/other/app/handlers.py', '\\\\host\\share\\x\\app\\models.py']);
  assert.deepEqual(mapPath('/srv/svc/app/handlers.py', [], index), { kind: 'mapped', path: 'C:\\src\\svc\\app\\handlers.py', by: 'suffix' });
  assert.deepEqual(mapPath('/app/app/handlers.py', [], index), { kind: 'ambiguous', candidates: ['C:\\src\\svc\\app\\handlers.py', 'd:/other/app/handlers.py'] });
  assert.deepEqual(mapPath('/app/app/models.py', [], index), { kind: 'mapped', path: '\\\\host\\share\\x\\app\\models.py', by: 'suffix' });
});

test('minMatch: a match of the basename alone can be refused (a library frame)', () => {
  const index = new WorkspaceIndex(['/ws/svc/app/__init__.py']);
  assert.deepEqual(mapPath('/usr/local/lib/python3.12/json/__init__.py', [], index), { kind: 'mapped', path: '/ws/svc/app/__init__.py', by: 'suffix' });
  assert.deepEqual(mapPath('/usr/local/lib/python3.12/json/__init__.py', [], index, { minMatch: 2 }), { kind: 'unmatched' });
  assert.deepEqual(mapPath('/app/app/__init__.py', [], index, { minMatch: 2 }), { kind: 'mapped', path: '/ws/svc/app/__init__.py', by: 'suffix' });
});

test('a posix container path with a backslash in a name is not split on it', () => {
  const index = new WorkspaceIndex(['/ws/a\\b.py', '/ws/b.py']);
  assert.deepEqual(mapPath('/app/a\\b.py', [], index), { kind: 'mapped', path: '/ws/a\\b.py', by: 'suffix' });
});

test('the index is bounded and skips relative and repeated paths', () => {
  const index = new WorkspaceIndex(['/a/x.py', 'rel/x.py', '/a/x.py', '/b/x.py', '/c/x.py'], 2);
  assert.equal(index.size, 2);
  assert.equal(index.truncated, true);
  assert.deepEqual(mapPath('/z/x.py', [], index), { kind: 'ambiguous', candidates: ['/a/x.py', '/b/x.py'] });
});

test('ruleFor: the trailing components both paths share are dropped', () => {
  assert.deepEqual(ruleFor('/app/app/handlers.py', '/ws/svc/app/handlers.py'), { remoteRoot: '/app', localRoot: '/ws/svc' });
  assert.deepEqual(ruleFor('/app/app/handlers.py', 'C:\\src\\svc\\app\\handlers.py'), { remoteRoot: '/app', localRoot: 'C:\\src\\svc' });
  // the remote root keeps one component: never a rule for the container's /
  assert.deepEqual(ruleFor('/app/handlers.py', '/ws/app/handlers.py'), { remoteRoot: '/app', localRoot: '/ws/app' });
  // a renamed file: the rule maps that one file
  assert.deepEqual(ruleFor('/app/old.py', '/ws/new.py'), { remoteRoot: '/app/old.py', localRoot: '/ws/new.py' });
  assert.equal(ruleFor('app/x.py', '/ws/x.py'), undefined);
  assert.equal(ruleFor('/', '/ws/x.py'), undefined);
});

test('the rule ruleFor writes maps the path it was made from, and its siblings', () => {
  const rule = ruleFor('/app/app/handlers.py', '/ws/svc/app/handlers.py')!;
  const index = new WorkspaceIndex([]);
  assert.deepEqual(mapPath('/app/app/handlers.py', [rule], index), { kind: 'mapped', path: '/ws/svc/app/handlers.py', by: 'rule' });
  assert.deepEqual(mapPath('/app/app/models.py', [rule], index), { kind: 'mapped', path: '/ws/svc/app/models.py', by: 'rule' });
});
