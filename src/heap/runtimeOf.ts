// Which runtime step 3 meets in a container, read from its processes (not its image name): the
// findLeakingLines command takes the Python or the Node.js path by it.
import type { KubeConfig } from '@kubernetes/client-node';
import { execInPod, type ExecTarget } from '../cluster/podExec.ts';
import { isNode, isPython } from './processList.ts';
import { listProcesses } from './wayIn.ts';

/** 'node' when a node process runs there and no Python one; else 'python' (its path says what it cannot find). */
export async function runtimeOf(kc: KubeConfig, target: ExecTarget, signal?: AbortSignal): Promise<'python' | 'node'> {
  const processes = (await listProcesses((argv) => execInPod(kc, target, argv, { signal, timeoutMs: 30_000 }))) ?? [];
  return processes.some(isNode) && !processes.some(isPython) ? 'node' : 'python';
}
