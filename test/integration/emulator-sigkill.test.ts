// `npm run cluster` killed by SIGKILL (no stop(), no exit handlers): the reapers' watchdogs must
// still end the pods' and Prometheus' processes, remove the temp dirs, the containers' memory
// cgroups and the pod network's bridge.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const mainPath = new URL('../cluster/main.ts', import.meta.url).pathname;
const hasPrometheus = existsSync('/usr/bin/prometheus');

/** pid -> ppid for every process on the host. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      out.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

const links = () => execFileSync('ip', ['-o', 'link', 'show']).toString().split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '');

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

test('SIGKILL of the emulator leaves no process and no temp dir behind', { timeout: 60_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'kmt-sigkill-test-'));
  const configPath = join(work, 'cluster.json');
  await writeFile(configPath, JSON.stringify({
    readyDelayMs: 100,
    prometheus: { enabled: hasPrometheus, backfillMinutes: 10 },
    deployments: [{ name: 'api', labels: { app: 'api' }, container: { name: 'api', image: 'api:1', workload: 'idle', ports: [8080], limits: { memory: '256Mi' } } }],
  }));
  const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', mainPath, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => { out += d; if (out.includes('Ctrl-C stops everything.')) resolve(); });
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
    });
    const clusterDir = /^kubeconfig:\s+(\S+)\/kubeconfig$/m.exec(out)![1];
    const started = [...parents()].filter(([, ppid]) => ppid === child.pid).map(([pid]) => pid);
    const cmd = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    assert.ok(started.some((pid) => cmd(pid).endsWith('python3')), 'the pod process runs');
    if (hasPrometheus) assert.ok(started.some((pid) => cmd(pid) === 'prometheus'), 'Prometheus runs');
    // The container runtime's root, cgroups and pod bridge, as its processes and files name them.
    const args = started.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8')).join('\n');
    const runtimeDir = /(\/tmp\/kmt-containers-[^/"]+)\//.exec(args)?.[1];
    const cgroupDir = /\/sys\/fs\/cgroup\/memory\/(kmt-\d+-[a-z0-9]+)\//.exec(args)?.[1];
    const owners = '/run/kube-memory-triage';
    const bridge = existsSync(owners) ? readdirSync(owners).find((f) => readFileSync(join(owners, f), 'utf8') === String(child.pid))?.replace('.owner', '') : undefined;
    assert.ok(runtimeDir && existsSync(runtimeDir) && existsSync(clusterDir), `${runtimeDir} ${clusterDir}`);
    assert.ok(cgroupDir && existsSync(`/sys/fs/cgroup/memory/${cgroupDir}`), 'the pod has a memory cgroup');
    assert.ok(bridge && links().includes(bridge), 'the pod network has its bridge');

    child.kill('SIGKILL');
    const end = Date.now() + 10_000;
    const leftovers = () => started.some(alive) || existsSync(clusterDir) || existsSync(runtimeDir) || existsSync(`/sys/fs/cgroup/memory/${cgroupDir}`) || links().includes(bridge);
    while (Date.now() < end && leftovers()) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(started.filter(alive).map(cmd), [], 'no process survives');
    assert.equal(existsSync(clusterDir), false, `${clusterDir} removed`);
    assert.equal(existsSync(runtimeDir), false, `${runtimeDir} removed`);
    assert.equal(existsSync(`/sys/fs/cgroup/memory/${cgroupDir}`), false, `cgroup ${cgroupDir} removed`);
    assert.equal(links().includes(bridge), false, `bridge ${bridge} removed`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(work, { recursive: true, force: true });
  }
});
