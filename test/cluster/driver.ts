// The process runtime's shape as the API server uses it (the CONTRACT with test/cluster/runtime).
import type { Socket } from 'node:net';

// Type-only: erased when run, so the runtime module is still loaded only when pods need it.
import type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage } from './runtime/index.ts';

export type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage };

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
