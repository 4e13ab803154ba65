// The process runtime's shape as the CONTRACT with test/cluster/runtime describes it.
// Declared here (types only) so the API server depends on the contract, not on the file.
import type { Socket } from 'node:net';

export interface ContainerLaunch {
  podKey: string;
  container: string;
  workload: string;
  env: Record<string, string>;
  memoryLimitBytes?: number;
  ports?: number[];
}

export interface ProcessUsage { workingSetBytes: number; rssBytes: number; usageBytes: number; cpuNanoCores: number }

export interface ProcessExit { exitCode: number; signal?: string; oomKilled: boolean; startedAt: Date; finishedAt: Date }

export interface ExecIO { stdin?: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

export interface Runtime {
  start(launch: ContainerLaunch, onExit: (exit: ProcessExit) => void): { pid: number; startedAt: Date; cwd: string };
  usage(podKey: string, container: string): ProcessUsage | undefined;
  exec(podKey: string, container: string, argv: string[], io: ExecIO): Promise<number>;
  signal(podKey: string, container: string, sig: NodeJS.Signals): boolean;
  connect(podKey: string, container: string | undefined, port: number): Socket;
  stop(podKey: string): Promise<void>;
  stopAll(): Promise<void>;
}

/** Loads the real-process runtime if its module is present; the emulator still serves synthetic pods without it. */
export async function loadRuntime(pollMs: number): Promise<Runtime | undefined> {
  try {
    // A computed specifier: the module is another engineer's and may land later than this file.
    const mod = await import(new URL('./runtime/index.ts', import.meta.url).href);
    return new mod.ProcessRuntime({ pollMs }) as Runtime;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes('runtime/index.ts')) return undefined;
    throw err;
  }
}
