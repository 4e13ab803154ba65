// The sample workloads a container can run, and what their "image" contains: the command
// that starts them, the interpreters on PATH, and the env the image would set.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const workloadsDir = fileURLToPath(new URL('../workloads/', import.meta.url));

// Always Debian's Python, where python3-sqlalchemy lives (a pyenv python3 on PATH has no SQLAlchemy).
const python = '/usr/bin/python3';

export interface WorkloadSpec {
  /** The workload's source folder; the container's working directory mirrors it. */
  dir: string;
  command: string;
  args: string[];
  /** Interpreters the image ships, as name -> host binary; they go into the container's bin/. */
  binaries: Record<string, string>;
  /** Env the image sets; the pod spec's env overrides it. */
  env: Record<string, string>;
}

export function workloadSpec(name: string): WorkloadSpec {
  const dir = join(workloadsDir, name);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(dir)) throw new Error(`unknown workload "${name}" (no folder under test/cluster/workloads)`);
  const pythonImage = {
    binaries: { python: python, python3: python },
    // No __pycache__ written into the workspace; unbuffered so logs arrive as they happen.
    // MALLOC_ARENA_MAX=2, as many Python images set it: with a thread per request, glibc's
    // per-thread arenas otherwise keep freed memory and even a healthy pod's RSS creeps up.
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', MALLOC_ARENA_MAX: '2' },
  };
  switch (name) {
    case 'python-api':
      return { dir, command: python, args: ['server.py'], binaries: pythonImage.binaries,
        // Tracing from the first allocation, 25 frames deep, so a live snapshot has call stacks.
        env: { ...pythonImage.env, PYTHONTRACEMALLOC: '25' } };
    case 'idle':
      return { dir, command: python, args: ['server.py'], ...pythonImage };
    case 'node-api':
      // The Node running the emulator is the required Node 24. No python in this image on purpose.
      return { dir, command: process.execPath, args: ['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir=.triage', 'server.js'],
        binaries: { node: process.execPath }, env: {} };
    default:
      throw new Error(`unknown workload "${name}"`);
  }
}
