// The sample workloads: a folder of application code that a container runs, like the code an
// image's Dockerfile copies in. A config names a folder (one under test/cluster/workloads, or any
// path) with its command and image; these defaults cover the samples shipped here, so a config
// line `"workload": "python-api"` is enough for them.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join, resolve } from 'node:path';
import type { ImageSpec } from './images.ts';

export const workloadsDir = fileURLToPath(new URL('../workloads/', import.meta.url));

/** The folder of a workload: a name under workloads/, or an absolute (or cwd-relative) path. */
export function workloadFolder(name: string): string {
  const dir = /^[a-z0-9-]+$/.test(name) ? join(workloadsDir, name) : isAbsolute(name) ? name : resolve(name);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`unknown workload "${name}" (no folder ${dir})`);
  return dir;
}

const pythonApp: ImageSpec = { from: 'python:slim', user: { uid: 1000, gid: 1000, name: 'app', home: '/home/app' }, workdir: '/app' };
const nodeApp: ImageSpec = { from: 'node:slim' };
// A Go service's image: the binary from a builder stage in a slim base, run as a non-root user.
const goApp: ImageSpec = { from: 'debian:slim', goBuild: { workload: 'go-api', binary: '/usr/local/bin/go-api' }, user: { uid: 65532, gid: 65532, name: 'nonroot', home: '/home/nonroot' }, workdir: '/app' };

interface Sample { command: string[]; image: ImageSpec; language: 'python' | 'node' | 'go' }

const samples: Record<string, Sample> = {
  'python-api': { command: ['python3', '/app/server.py'], image: pythonApp, language: 'python' },
  idle: { command: ['python3', '/app/server.py'], image: pythonApp, language: 'python' },
  'node-api': { command: ['node', '/usr/src/app/server.js'], image: nodeApp, language: 'node' },
  'go-api': { command: ['/usr/local/bin/go-api'], image: goApp, language: 'go' },
};

/** The command a sample starts with when the config gives none (the image's CMD, as it were). */
export function defaultCommand(workload: string): string[] | undefined {
  return samples[workload]?.command;
}

/** The image a workload's container runs when its image name is not in the catalogue: its language's slim base. */
export function workloadImage(workload: string): ImageSpec {
  return samples[workload]?.image ?? pythonApp;
}

// --- the process-only fallback (index.ts): host processes, no image root --------------------

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

/** For the fallback: the host binary for the command's interpreter, and what its image puts on PATH. */
export function workloadSpec(name: string, command?: string[]): WorkloadSpec {
  const dir = workloadFolder(name);
  if (samples[name]?.language === 'go') throw new Error(`the process-only runtime runs interpreted workloads; ${name} is a Go binary built into its image (it needs the container runtime)`);
  const argv = command?.length ? command : defaultCommand(name) ?? ['python3', 'server.py'];
  const node = argv[0] === 'node' || samples[name]?.language === 'node';
  const binaries: Record<string, string> = node ? { node: process.execPath } : { python: python, python3: python };
  const interpreter = binaries[argv[0]];
  // No image root here: a path under the sample images' WORKDIR is the same file in the mirror.
  const args = argv.slice(1).map((a) => a.replace(/^\/(app|usr\/src\/app)\//, ''));
  return {
    dir, command: interpreter ?? argv[0], args, binaries,
    env: node ? {} : { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', MALLOC_ARENA_MAX: '2' },
  };
}
