// Two hours of cAdvisor and kube-state-metrics samples, written so the expected figures can be
// worked out by hand:
// - api-leaky-0: limit 256 MiB, 60 MiB after each start, +4 MiB/min; OOM-killed at 256 MiB every
//   49 min, last killed 35 min before `now`, so now it is at 200 MiB and reaches 256 MiB in ~14 min;
// - api-steady-0: 120 MiB with a ±1 MiB wobble, limit 256 MiB;
// - api-churn-0: 150 MiB rising 10 MiB/min and falling back every 6 min (a GC sawtooth), limit 512 MiB;
// - a pod whose name holds regex and quote characters, to check escaping against real PromQL;
// - Deployment api's pod beside a Job's (api-migrate) and a DaemonSet's (api-agent), whose names
//   fit <name>-<hash>-<5> if the hash could hold any letter: only Kubernetes' alphabet tells them apart.

export const MIB = 1024 * 1024;
export const LEAK_MIB_PER_MIN = 4;
export const LEAKY_LIMIT = 256 * MIB;
export const LAST_KILL_MINUTES_AGO = 35;
const PERIOD_MIN = (256 - 60) / LEAK_MIB_PER_MIN; // 49

export const ODD_POD = 'odd.pod"x\\y';
export const ODD_TWIN = 'oddXpod"x\\y'; // matches ODD_POD's name if "." were not escaped
export const DEPLOYMENT_POD = 'api-7d9f8c6b5-x7k2p';
export const JOB_POD = 'api-migrate-x7k2p';
export const DAEMONSET_POD = 'api-agent-b4z9q';

export function trendHistory(nowSeconds: number, hours = 2, everySeconds = 15): string {
  const from = nowSeconds - hours * 3600;
  const times: number[] = [];
  for (let t = from; t <= nowSeconds - 30; t += everySeconds) times.push(t);
  const lastKill = nowSeconds - LAST_KILL_MINUTES_AGO * 60;
  // kills at lastKill, lastKill - 49 min, ... ; minutesSinceKill and how many kills up to t
  const leaky = (t: number) => {
    const k = Math.floor((t - lastKill) / (PERIOD_MIN * 60)); // 0 after the last kill, -1 before it...
    const since = (t - (lastKill + k * PERIOD_MIN * 60)) / 60;
    return { bytes: (60 + LEAK_MIB_PER_MIN * since) * MIB, restarts: 5 + k };
  };
  const lines: string[] = [];
  const family = (name: string, type: string, rows: (t: number) => [string, number][]) => {
    lines.push(`# TYPE ${name} ${type}`);
    for (const t of times) for (const [labels, v] of rows(t)) lines.push(`${name.replace(/_total$/, '')}${type === 'counter' ? '_total' : ''}{${labels}} ${v} ${t}`);
  };
  const l = (pod: string, container = 'api') => `namespace="default",pod="${pod.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}",container="${container}"`;
  family('container_memory_working_set_bytes', 'gauge', (t) => [
    [l('api-leaky-0'), leaky(t).bytes],
    [l('api-steady-0'), (120 + Math.sin(t / 60)) * MIB],
    [l('api-churn-0'), (150 + 10 * (((t - from) / 60) % 6)) * MIB],
    // the pause container and the pod cgroup, which the queries must leave out
    [l('api-leaky-0', 'POD'), 1 * MIB],
    [`namespace="default",pod="api-leaky-0",container=""`, leaky(t).bytes + 2 * MIB],
    [l(ODD_POD), 11 * MIB],
    [l(ODD_TWIN), 22 * MIB],
    [l(DEPLOYMENT_POD), 300 * MIB],
    [l(JOB_POD), 40 * MIB],
    [l(DAEMONSET_POD), 30 * MIB],
  ]);
  const limit = (pod: string, bytes: number): [string, number] => [`${l(pod)},resource="memory",unit="byte"`, bytes];
  family('kube_pod_container_resource_limits', 'gauge', () => [
    limit('api-leaky-0', LEAKY_LIMIT),
    limit('api-steady-0', 256 * MIB),
    limit('api-churn-0', 512 * MIB),
  ]);
  family('kube_pod_container_status_restarts', 'counter', (t) => [
    [l('api-leaky-0'), leaky(t).restarts],
    [l('api-steady-0'), 0],
    [l('api-churn-0'), 0],
  ]);
  family('kube_pod_container_status_last_terminated_reason', 'gauge', () => [[`${l('api-leaky-0')},reason="OOMKilled"`, 1]]);
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** A bare api pod of the default namespace as the history has it: its 256 MiB limit, starting and leaking as given. */
export const historyPod = (name: string, startMiB: number, leakMiBPerMinute: number) => ({
  name,
  namespace: 'default',
  labels: { app: 'api' },
  container: { name: 'api', image: 'api:1', limits: { memory: '256Mi' }, memory: { startMiB, leakMiBPerMinute } },
});
