// Builds an image's root filesystem once per runtime: the lower layer of every container of that
// image (each container writes to its own overlay upper layer). Binaries are hard links to the
// host's (copies across file systems); the host's /usr/lib, /usr/lib64 and /usr/share are mounted
// read-only into each container at start, with the trees of runtimes the image lacks hidden.
import { accessSync, chmodSync, chownSync, constants as fsConstants, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeName } from './container.ts';
import type { ResolvedImage } from './images.ts';

const imagesDir = fileURLToPath(new URL('../images/', import.meta.url));
const hostBinDirs = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'];

/** Host directories mounted read-only into every container: libraries and shared data, no binaries. */
export const hostLibraryDirs = ['/usr/lib', '/usr/lib64', '/usr/share'].filter((d) => existsSync(d));

function hostTool(name: string): string | undefined {
  for (const dir of hostBinDirs) {
    const p = join(dir, name);
    if (existsSync(p)) return realpathSync(p);
  }
  return undefined;
}

function place(hostFile: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(hostFile, target);
  } catch {
    copyFileSync(hostFile, target);
    chmodSync(target, 0o755);
  }
}

/** The host's Python: Debian's /usr/bin/python3 (the one with python3-sqlalchemy and psycopg2). */
function hostPython(): { binary: string; version: string } | undefined {
  if (!existsSync('/usr/bin/python3')) return undefined;
  const binary = realpathSync('/usr/bin/python3');
  const m = /python(3\.\d+)$/.exec(binary);
  return m ? { binary, version: m[1] } : undefined;
}

/** Directories under the host's library mounts that belong to runtimes this image does not ship. */
export function hiddenTrees(image: ResolvedImage): string[] {
  const hidden: string[] = [];
  if (!image.runtimes.has('python')) {
    for (const d of readdirSync('/usr/lib')) if (/^python3/.test(d)) hidden.push(`/usr/lib/${d}`);
  }
  if (!image.runtimes.has('postgres')) hidden.push('/usr/lib/postgresql', '/usr/share/postgresql');
  return hidden.filter((d) => existsSync(d));
}

function etcFiles(dir: string, image: ResolvedImage): void {
  const u = image.user;
  const users = [`root:x:0:0:root:/root:/bin/sh`, `nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin`];
  const groups = [`root:x:0:`, `nogroup:x:65534:`];
  if (u.uid !== 0) {
    users.push(`${u.name}:x:${u.uid}:${u.gid}::${u.home}:/bin/sh`);
    groups.push(`${u.name}:x:${u.gid}:`);
  }
  writeFileSync(join(dir, 'etc/passwd'), users.join('\n') + '\n');
  writeFileSync(join(dir, 'etc/group'), groups.join('\n') + '\n');
  writeFileSync(join(dir, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files\n');
  writeFileSync(join(dir, 'etc/resolv.conf'), '# no cluster DNS here: Services resolve through /etc/hosts\n');
  for (const f of ['hosts', 'hostname']) writeFileSync(join(dir, 'etc', f), '');
  for (const f of ['ld.so.cache', 'os-release', 'localtime']) {
    if (existsSync(`/etc/${f}`)) copyFileSync(realpathSync(`/etc/${f}`), join(dir, 'etc', f));
  }
}

/** Creates <root>/images/<name>/ for the image and returns its path; `built` is host files made for it (a Go binary) by container path. */
export function buildImageRoot(root: string, image: ResolvedImage, built: Record<string, string> = {}): string {
  const dir = join(root, 'images', safeName(image.name));
  if (existsSync(join(dir, '.built'))) return dir;
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/share', 'usr/local/bin', 'usr/local/sbin', 'etc', 'proc', 'sys', 'dev', 'run', 'var/run', 'var/tmp', 'tmp', 'root']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  for (const [link, target] of [['bin', 'usr/bin'], ['sbin', 'usr/sbin'], ['lib', 'usr/lib'], ['lib64', 'usr/lib64']]) symlinkSync(target, join(dir, link));
  chmodSync(join(dir, 'tmp'), 0o1777);
  chmodSync(join(dir, 'var/tmp'), 0o1777);
  chmodSync(join(dir, 'root'), 0o700);
  for (const name of image.tools) {
    const host = hostTool(name);
    if (host) place(host, join(dir, 'usr/bin', name));
  }
  if (image.runtimes.has('python')) {
    const py = hostPython();
    if (!py) throw new Error('image needs python, but the host has no /usr/bin/python3');
    for (const name of ['python3', 'python', `python${py.version}`]) place(py.binary, join(dir, 'usr/bin', name));
  }
  if (image.runtimes.has('node')) place(process.execPath, join(dir, 'usr/local/bin/node'));
  if (image.runtimes.has('gdb')) {
    const gdb = hostTool('gdb');
    if (!gdb) throw new Error('image needs gdb, but the host has none (apt-get install gdb)');
    place(gdb, join(dir, 'usr/bin/gdb'));
  }
  for (const [target, source] of Object.entries(image.files)) place(join(imagesDir, source), join(dir, target));
  for (const [target, host] of Object.entries(built)) place(host, join(dir, target));
  for (const d of [{ path: image.user.home, uid: image.user.uid, gid: image.user.gid, mode: 0o755 }, { path: image.workdir, uid: 0, gid: 0, mode: 0o755 }, ...image.dirs]) {
    const p = join(dir, d.path);
    mkdirSync(p, { recursive: true });
    chownSync(p, d.uid, d.gid);
    chmodSync(p, d.mode);
  }
  etcFiles(dir, image);
  writeFileSync(join(dir, '.built'), JSON.stringify({ name: image.name, at: new Date().toISOString() }));
  return dir;
}

/** Whether argv0 resolves to an executable in the container's root, as execvp would look it up. */
export function findExecutable(rootOnHost: string, path: string, cwd: string, argv0: string): boolean {
  const candidates = argv0.includes('/') ? [argv0.startsWith('/') ? argv0 : join(cwd, argv0)] : path.split(':').map((d) => join(d, argv0));
  return candidates.some((c) => {
    try {
      accessSync(join(rootOnHost, c), fsConstants.X_OK);
      return statSync(join(rootOnHost, c)).isFile();
    } catch {
      return false;
    }
  });
}
