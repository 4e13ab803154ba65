// A Go workload's binary, built the way its image's Dockerfile would (`go build` in a builder stage,
// the binary copied into a slim image): with the host's Go (Debian's golang-go), stdlib only, no
// network. Built once per source version into a cache shared by runtimes, then linked into images.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workloadFolder } from './workloads.ts';

const run = promisify(execFile);
const cacheRoot = join(tmpdir(), 'kmt-go-build');
const building = new Map<string, Promise<string>>();

function sourceHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => /\.(go|mod|sum)$/.test(f)).sort()) h.update(f).update('\0').update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

/** The host path of the workload's binary, built if this source has not been built before. */
export function goBinary(workload: string): Promise<string> {
  const dir = workloadFolder(workload);
  const out = join(cacheRoot, `${workload.replace(/[^a-z0-9-]/g, '_')}-${sourceHash(dir)}`);
  if (existsSync(out)) return Promise.resolve(out);
  let p = building.get(out);
  if (!p) {
    p = build(dir, out).finally(() => building.delete(out));
    building.set(out, p);
  }
  return p;
}

async function build(dir: string, out: string): Promise<string> {
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cacheRoot, GOCACHE: join(cacheRoot, 'cache'), GOPATH: join(cacheRoot, 'path'),
    GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', CGO_ENABLED: '0',
  };
  try {
    // -trimpath: the binary names its files by module path (example.com/go-api/main.go), as release builds do
    await run('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: dir, env, timeout: 300_000 });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    throw new Error(e.code === 'ENOENT' ? 'a Go workload needs the host\'s Go (apt-get install golang-go)' : `go build of ${dir} failed: ${e.stderr ?? String(err)}`);
  }
  renameSync(tmp, out);
  return out;
}
