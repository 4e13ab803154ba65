// A container's filesystem as far as the tests need one: a working directory that mirrors the
// workload's folder (symlinks, so tracebacks and heap snapshots name the real source files)
// but is private to the container (.triage/, the SQLite file), and a bin/ directory that is the
// container's whole PATH, so an image without Python really has no `python`.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkloadSpec } from './workloads.ts';

// The shell tools a slim base image has. `ps` is left out: here it would list the host's processes.
const tools = ['sh', 'cat', 'ls', 'env', 'echo', 'printf', 'sleep', 'head', 'tail', 'grep', 'wc', 'mkdir',
  'rm', 'cp', 'mv', 'pwd', 'date', 'id', 'true', 'false', 'test', 'find', 'sed', 'tr', 'sort', 'uniq', 'du', 'df', 'stat'];

// Files a run of the workload writes; never mirrored from the source folder.
const generated = new Set(['.triage', '__pycache__', '.gitignore', 'node_modules']);

const killShim = fileURLToPath(new URL('./killShim.ts', import.meta.url));

export interface ContainerFs { dir: string; cwd: string; bin: string; logFile: string; pidFile: string }

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Creates the container's directories afresh, as a restarted container starts from its image again. */
export function prepareContainer(root: string, podKey: string, container: string, spec: WorkloadSpec): ContainerFs {
  const dir = join(root, safeName(podKey), safeName(container));
  rmSync(dir, { recursive: true, force: true });
  const fs: ContainerFs = { dir, cwd: join(dir, 'workdir'), bin: join(dir, 'bin'), logFile: join(dir, 'container.log'), pidFile: join(dir, 'main.pid') };
  mkdirSync(fs.cwd, { recursive: true });
  mkdirSync(fs.bin);
  for (const entry of readdirSync(spec.dir)) {
    if (generated.has(entry) || entry.endsWith('.db')) continue;
    symlinkSync(join(spec.dir, entry), join(fs.cwd, entry));
  }
  for (const tool of tools) {
    const host = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (host) symlinkSync(host, join(fs.bin, tool));
  }
  for (const [name, host] of Object.entries(spec.binaries)) symlinkSync(host, join(fs.bin, name));
  // `kill` knows that PID 1 means the workload (see killShim.ts).
  const kill = join(fs.bin, 'kill');
  writeFileSync(kill, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(killShim)} ${quote(fs.pidFile)} "$@"\n`);
  chmodSync(kill, 0o755);
  return fs;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
