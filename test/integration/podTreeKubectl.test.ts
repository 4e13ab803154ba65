// The tree answers the runbook's step 1 with the same facts kubectl gives on the same cluster:
// `kubectl top pods -l app=api` (working set) and the jsonpath OOMKilled query.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Cluster } from '../cluster/index.ts';
import type { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { kubectlCommandsForScope } from '../../src/triage/kubectlCommand.ts';
import { lastOomKill } from '../../src/triage/oomHistory.ts';
import { failOnUnhandledRejections, leakyDeployment, MiB, monitorOf, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const run = promisify(execFile);
let cluster: Cluster;
let monitor: PodMonitor;

before(async () => {
  cluster = await startTestCluster({
    deployments: [
      leakyDeployment('api', { app: 'api' }, '100Mi', 95, 600), // OOM-killed within a second or so
      leakyDeployment('api-steady', { app: 'api' }, '512Mi', 200, 0, 2),
    ],
  });
  monitor = monitorOf(cluster, {}, undefined, 60_000);
});

after(async () => {
  monitor?.stop();
  await cluster?.stop();
});

test('working sets match kubectl top, OOMKilled pods match the runbook jsonpath', { skip: !existsSync(KUBECTL) && 'kubectl 1.33 not installed' }, async () => {
  monitor.start();
  await waitFor(monitor, 'the kill and all metrics', (s) => s.pods.length === 3 && s.pods.some((p) => lastOomKill(p)));
  await new Promise((r) => setTimeout(r, 500));
  const s = await monitor.refresh();
  // The commands copyKubectlCommand would put on the clipboard, run as argv (no shell).
  const [top, get] = kubectlCommandsForScope(s.session.contextName, 'default', 'app=api').split('\n').map(argvOf);
  const kc = ['--kubeconfig', cluster.kubeconfigPath];
  const topOut = (await run(KUBECTL, [...kc, ...top!.slice(1)])).stdout;
  const getOut = (await run(KUBECTL, [...kc, ...get!.slice(1)])).stdout;

  const kubectlMiB = new Map(topOut.trim().split('\n').slice(1).map((l) => l.split(/\s+/)).map(([name, , mem]) => [name!, parseInt(mem!, 10)]));
  // The steady pods: the leaking one moves by megabytes between two reads.
  for (const pod of s.pods.filter((p) => p.metricsAt && p.workload.name === 'api-steady')) {
    const ours = pod.containers.reduce((n, c) => n + (c.workingSetBytes ?? 0), 0) / MiB;
    assert.ok(Math.abs(ours - kubectlMiB.get(pod.ref.name)!) <= 1, `${pod.ref.name}: ${ours} MiB vs kubectl ${kubectlMiB.get(pod.ref.name)}Mi`);
  }
  // "pod<TAB>container=reason container=reason ": a pod is OOMKilled when any of its containers is
  const kubectlOom = getOut.trim().split('\n').map((l) => l.split('\t')).filter(([, reasons]) => (reasons ?? '').split(' ').some((r) => r.endsWith('=OOMKilled'))).map(([name]) => name).sort();
  const ourOom = s.pods.filter((p) => lastOomKill(p)).map((p) => p.ref.name).sort();
  assert.deepEqual(ourOom, kubectlOom);
  assert.equal(ourOom.length, 1);
});

// A tiny POSIX-word splitter for the text our kubectl builder writes (plain words and '...').
function argvOf(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return words;
}
