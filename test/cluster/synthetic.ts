// Containers without a process, for benchmarks with thousands of pods: the working set
// follows a scripted curve, and a curve that reaches the limit ends in an OOM kill like
// a real process would.
import type { MemoryCurve } from './config.ts';
import type { ContainerLaunch, ProcessExit, ProcessUsage } from './driver.ts';

const MiB = 1024 * 1024;

interface Running { startedAt: Date; curve: MemoryCurve; timer?: NodeJS.Timeout; seed: number }

export class SyntheticDriver {
  private readonly running = new Map<string, Running>();

  start(launch: ContainerLaunch, curve: MemoryCurve, onExit: (exit: ProcessExit) => void): { pid: number; startedAt: Date } {
    const key = `${launch.podKey}|${launch.container}`;
    this.stopOne(key);
    const startedAt = new Date();
    const run: Running = { startedAt, curve, seed: Math.random() * 1000 };
    const leak = curve.leakMiBPerMinute ?? 0;
    if (launch.memoryLimitBytes && leak > 0) {
      const minutes = (launch.memoryLimitBytes / MiB - curve.startMiB) / leak;
      run.timer = setTimeout(() => {
        this.running.delete(key);
        onExit({ exitCode: 137, signal: 'SIGKILL', oomKilled: true, startedAt, finishedAt: new Date() });
      }, Math.max(0, minutes * 60_000));
      run.timer.unref();
    }
    this.running.set(key, run);
    return { pid: 0, startedAt };
  }

  usage(podKey: string, container: string): ProcessUsage | undefined {
    const run = this.running.get(`${podKey}|${container}`);
    if (!run) return undefined;
    const minutes = (Date.now() - run.startedAt.getTime()) / 60_000;
    // A deterministic wobble per container so consecutive samples differ like a live process.
    const jitter = (run.curve.jitterMiB ?? 0) * Math.sin(run.seed + Date.now() / 7000);
    const bytes = Math.max(1, (run.curve.startMiB + (run.curve.leakMiBPerMinute ?? 0) * minutes + jitter) * MiB);
    const cpu = (run.curve.cpuMillicores ?? 5) * 1e6;
    return { workingSetBytes: Math.round(bytes), rssBytes: Math.round(bytes * 0.9), usageBytes: Math.round(bytes * 1.1), cpuNanoCores: cpu };
  }

  stop(podKey: string): void {
    for (const key of [...this.running.keys()]) if (key.startsWith(`${podKey}|`)) this.stopOne(key);
  }

  private stopOne(key: string): void {
    const run = this.running.get(key);
    if (run?.timer) clearTimeout(run.timer);
    this.running.delete(key);
  }

  stopAll(): void {
    for (const key of [...this.running.keys()]) this.stopOne(key);
  }
}
