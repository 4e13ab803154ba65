// The image catalogue: what each image name ships (its tools on PATH, interpreters, user, working
// directory, env, entrypoint). A real registry cannot be reached here, so an image is a small root
// filesystem built from the host's own binaries: /usr/bin holds only the image's tools, so a slim
// image really has no gdb and no python, by name or by absolute path. The host's libraries are
// mounted read-only beside it (see containers.ts); the interpreters' own trees (the Python standard
// library, PostgreSQL) are hidden from images that do not ship them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageUser { uid: number; gid: number; name: string; home: string }

export interface ImageSpec {
  /** Another catalogue entry this one starts from (a Dockerfile's FROM); its fields are the defaults. */
  from?: string;
  /** Host commands put on the image's PATH (/usr/bin), by name. */
  tools?: string[];
  /** Interpreters and servers the image ships, each with the tree it needs. */
  runtimes?: ('python' | 'node' | 'postgres' | 'gdb')[];
  user?: Partial<ImageUser> & { uid: number };
  /** WORKDIR: the default cwd, and where a container's workload folder appears. */
  workdir?: string;
  env?: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  /** A Go workload built into the image (a builder stage): its folder under workloads/ and the binary's container path. */
  goBuild?: { workload: string; binary: string };
  /** Files the image carries: container path -> path relative to test/cluster/images/. */
  files?: Record<string, string>;
  /** Directories the image creates, with their owner (e.g. /var/run/postgresql for postgres). */
  dirs?: { path: string; uid?: number; gid?: number; mode?: number }[];
  /** STOPSIGNAL: what a stop sends first (the postgres image's SIGINT is a fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** 'denied': the registry refuses it (ErrImagePull), like a private image without pull secret. */
  pull?: 'denied';
}

export interface ResolvedImage {
  name: string;
  tools: string[];
  runtimes: Set<string>;
  user: ImageUser;
  workdir: string;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  files: Record<string, string>;
  goBuild?: { workload: string; binary: string };
  dirs: { path: string; uid: number; gid: number; mode: number }[];
  pull?: 'denied';
  stopSignal: NodeJS.Signals;
}

// What a Debian slim base image has: coreutils, dash, grep, sed, findutils, tar, gzip. No procps
// (no ps, no kill binary: sh's builtin kill remains), no gdb, no python.
export const slimTools = ['sh', 'cat', 'ls', 'env', 'echo', 'printf', 'sleep', 'head', 'tail', 'grep', 'wc', 'mkdir', 'rm',
  'cp', 'mv', 'ln', 'pwd', 'date', 'id', 'whoami', 'true', 'false', 'test', 'find', 'sed', 'tr', 'sort', 'uniq', 'du',
  'df', 'stat', 'chmod', 'touch', 'basename', 'dirname', 'readlink', 'tar', 'gzip', 'hostname', 'uname', 'nproc', 'timeout'];
const busyboxTools = ['sh', 'cat', 'ls', 'env', 'echo', 'sleep', 'head', 'tail', 'grep', 'wc', 'mkdir', 'rm', 'ps', 'kill',
  'id', 'true', 'false', 'test', 'hostname', 'uname', 'top', 'free'];

const root: ImageUser = { uid: 0, gid: 0, name: 'root', home: '/root' };

/** The built-in images. Names are what a pod spec's `image` says; a config's `images` adds or overrides. */
export const builtinImages: Record<string, ImageSpec> = {
  'debian:slim': { tools: slimTools, user: root, workdir: '/' },
  'python:slim': {
    from: 'debian:slim', runtimes: ['python'],
    // unbuffered logs; MALLOC_ARENA_MAX=2 as many Python images set it (per-thread arenas keep freed memory)
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', MALLOC_ARENA_MAX: '2', LANG: 'C.UTF-8' },
    cmd: ['python3'],
  },
  'node:slim': { from: 'debian:slim', runtimes: ['node'], user: { uid: 1000, gid: 1000, name: 'node', home: '/home/node' }, workdir: '/usr/src/app', cmd: ['node'] },
  busybox: { tools: busyboxTools, user: root, workdir: '/', cmd: ['sh'] },
  // The debug image a user would build (README: a Dockerfile with gdb, python3 and procps).
  'ghcr.io/kube-memory-triage/debug:1': {
    from: 'debian:slim', runtimes: ['python', 'gdb'],
    tools: [...slimTools, 'ps', 'kill', 'pgrep', 'pkill', 'top', 'bash', 'less', 'ss', 'ip', 'strace'], cmd: ['bash'],
  },
  postgres: {
    from: 'debian:slim', runtimes: ['postgres'], user: { uid: 999, gid: 999, name: 'postgres', home: '/var/lib/postgresql' },
    files: { '/usr/local/bin/docker-entrypoint.sh': 'postgres/docker-entrypoint.sh' },
    dirs: [{ path: '/var/run/postgresql', uid: 999, gid: 999, mode: 0o2777 }, { path: '/var/lib/postgresql', uid: 999, gid: 999, mode: 0o755 }],
    env: { PGDATA: '/var/lib/postgresql/data/pgdata', LANG: 'C.UTF-8' },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], stopSignal: 'SIGINT',
  },
};

/** PostgreSQL's server binaries on the host (Debian: /usr/lib/postgresql/<major>/bin), newest first. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'postgres')));
  majors.sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(base, majors[0], 'bin') : undefined;
}

/** Finds an image by name: exact, else the longest `prefix*` pattern that matches. */
export function lookupImage(catalogue: Record<string, ImageSpec>, name: string): string | undefined {
  if (catalogue[name]) return name;
  const patterns = Object.keys(catalogue).filter((k) => k.endsWith('*') && name.startsWith(k.slice(0, -1)));
  return patterns.sort((a, b) => b.length - a.length)[0];
}

export function resolveImage(catalogue: Record<string, ImageSpec>, name: string, seen: string[] = []): ResolvedImage | undefined {
  const key = lookupImage(catalogue, name);
  if (!key) return undefined;
  if (seen.includes(key)) throw new Error(`image catalogue: ${[...seen, key].join(' -> ')} is a cycle`);
  const spec = catalogue[key];
  const base = spec.from ? resolveImage(catalogue, spec.from, [...seen, key]) : undefined;
  if (spec.from && !base) throw new Error(`image catalogue: ${key} is FROM unknown image ${spec.from}`);
  const user = spec.user ? { ...root, name: `u${spec.user.uid}`, home: '/', gid: spec.user.uid, ...spec.user } : base?.user ?? root;
  return {
    name,
    tools: [...new Set([...(base?.tools ?? []), ...(spec.tools ?? [])])],
    runtimes: new Set([...(base?.runtimes ?? []), ...(spec.runtimes ?? [])]),
    user,
    workdir: spec.workdir ?? base?.workdir ?? '/',
    env: { ...base?.env, ...spec.env },
    // As in a Dockerfile, a new ENTRYPOINT resets CMD unless the image sets CMD too.
    entrypoint: spec.entrypoint ?? base?.entrypoint ?? [],
    cmd: spec.cmd ?? (spec.entrypoint ? [] : base?.cmd ?? []),
    files: { ...base?.files, ...spec.files },
    goBuild: spec.goBuild ?? base?.goBuild,
    dirs: [...(base?.dirs ?? []), ...(spec.dirs ?? [])].map((d) => ({ uid: 0, gid: 0, mode: 0o755, ...d })),
    pull: spec.pull,
    stopSignal: spec.stopSignal ?? base?.stopSignal ?? 'SIGTERM',
  };
}

/** The PATH the image sets: PostgreSQL's bin directory first, as the official image does. */
export function imagePath(image: ResolvedImage): string {
  const pg = image.runtimes.has('postgres') ? postgresBinDir() : undefined;
  return [pg, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].filter(Boolean).join(':');
}
