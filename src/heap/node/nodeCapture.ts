// Runbook step 3 for Node.js on the live process, the default capture: a sampling heap profile over
// the window through the DevTools protocol (the way in and out: inspectorSession.ts).
import type { KubeConfig } from '@kubernetes/client-node';
import type { AllocationReport, PodRef } from '../../triage/model.ts';
import { INSPECTOR_PORT, withInspector, type InspectorOptions } from './inspectorSession.ts';
import { profileSites, type SamplingProfile } from './samplingProfile.ts';

export { INSPECTOR_PORT };

export interface NodeCaptureOptions extends InspectorOptions {
  readonly windowSeconds: number;
  readonly samplingIntervalBytes: number;
}

export function captureNode(kc: KubeConfig, pod: PodRef, container: string, opts: NodeCaptureOptions): Promise<AllocationReport> {
  return withInspector(kc, pod, container, opts, 'Profiling the live Node.js process', async ({ session, proc, from, window }) => {
    const seconds = Math.max(5, opts.windowSeconds);
    await session.send('HeapProfiler.enable');
    await session.send('HeapProfiler.startSampling', { samplingInterval: opts.samplingIntervalBytes });
    await window(seconds, 'sampling allocations');
    opts.onProgress?.('taking the profile');
    const { profile } = await session.send<{ profile: SamplingProfile }>('HeapProfiler.stopSampling');
    const { sites, totalBytes, totalCount } = profileSites(profile);
    return {
      pod, container, pid: proc.pid, runtime: 'node', takenAt: new Date(), totalBytes, totalCount, growthBytes: totalBytes, sites,
      method: {
        description: `V8 sampling heap profile through the inspector on 127.0.0.1:${INSPECTOR_PORT} (port-forward), opened by SIGUSR1 from ${from}`,
        measure: 'growth', windowSeconds: seconds,
        notes: [`sampled every ${opts.samplingIntervalBytes} bytes on average: sizes are estimates; what was allocated in the window and still alive at its end`],
      },
    };
  });
}
