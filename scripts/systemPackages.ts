// The Debian packages `npm run demo` and `npm test` need beside node_modules, checked before
// anything starts: as root the missing ones are installed, at a terminal the one-line sudo
// command is printed and waited for, otherwise each is named with the command and we stop.
// .ci/run installs the same packages before `npm test`, so in CI the check finds nothing missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

export interface SystemPackage {
  readonly name: string;
  /** What it is for, in the message that names it. */
  readonly why: string;
  /** Which tiers need it; 'demo' is `npm run demo`. */
  readonly needed: readonly string[];
}

const CLUSTER = ['integration', 'suite', 'e2e', 'demo'];

export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  { name: 'prometheus', why: 'Prometheus and promtool for the trend and the demo cluster', needed: CLUSTER },
  { name: 'postgresql', why: "the cluster's PostgreSQL pod", needed: CLUSTER },
  { name: 'python3', why: 'the sample Python workload and the container runtime', needed: CLUSTER },
  { name: 'python3-sqlalchemy', why: 'the sample Python workload', needed: CLUSTER },
  { name: 'python3-psycopg2', why: 'the sample Python workload', needed: CLUSTER },
  { name: 'golang-go', why: 'the sample Go workload, built into its image when a Go pod starts', needed: CLUSTER },
  { name: 'gdb', why: 'the debug image (step 3 attaches with it)', needed: CLUSTER },
  { name: 'procps', why: 'the debug image', needed: CLUSTER },
  { name: 'strace', why: 'the debug image', needed: CLUSTER },
  { name: 'iproute2', why: 'pod networks', needed: CLUSTER },
  { name: 'util-linux', why: 'pod namespaces', needed: CLUSTER },
  { name: 'libkrb5-dev', why: "code-server's kerberos module", needed: ['suite', 'e2e', 'demo'] },
  { name: 'g++', why: "code-server's native modules", needed: ['suite', 'e2e', 'demo'] },
  { name: 'make', why: "code-server's native modules", needed: ['suite', 'e2e', 'demo'] },
  { name: 'chromium', why: 'the E2E browser', needed: ['e2e'] },
];

/** The packages the chosen tiers need, in list order, each once. */
export function packagesFor(tiers: readonly string[], list: readonly SystemPackage[] = SYSTEM_PACKAGES): SystemPackage[] {
  return list.filter((p) => p.needed.some((t) => tiers.includes(t)));
}

/** Names of those not installed, from one `dpkg-query` call (found on PATH). */
export function missingPackages(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (names.length === 0) return [];
  let out = '';
  try {
    out = execFileSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    // dpkg-query exits 1 when a name is unknown but still prints the others.
    out = String((err as { stdout?: string }).stdout ?? '');
    if (!out && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('dpkg-query not found: this check needs a Debian or Ubuntu machine (see ENVIRONMENT in the README)');
  }
  const installed = new Set(
    out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4 && f.slice(1).join(' ') === 'install ok installed').map((f) => f[0]),
  );
  return names.filter((n) => !installed.has(n));
}

export type InstallPlan =
  | { readonly action: 'none' }
  | { readonly action: 'install'; readonly argv: readonly string[]; readonly message: string }
  | { readonly action: 'ask'; readonly message: string }
  | { readonly action: 'fail'; readonly message: string };

/** What to do about the missing packages: install (root), ask at a terminal, or name them and stop. */
export function planInstall(missing: readonly SystemPackage[], how: { readonly root: boolean; readonly tty: boolean }): InstallPlan {
  if (missing.length === 0) return { action: 'none' };
  const names = missing.map((p) => p.name);
  const list = missing.map((p) => `  ${p.name.padEnd(20)} ${p.why}`).join('\n');
  const command = `sudo apt-get install -y --no-install-recommends ${names.join(' ')}`;
  if (how.root) return { action: 'install', argv: ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...names], message: `Debian packages missing, installing:\n${list}` };
  if (how.tty) return { action: 'ask', message: `Debian packages missing:\n${list}\nRun this in another terminal, then press Enter here (Ctrl-C to stop):\n  ${command}` };
  return { action: 'fail', message: `Debian packages missing:\n${list}\nInstall them with:\n  ${command}` };
}

/** Checks, and installs or asks; throws with the message when something stays missing. */
export async function ensureSystemPackages(tiers: readonly string[]): Promise<void> {
  const wanted = packagesFor(tiers);
  const missingNow = () => {
    const names = new Set(missingPackages(wanted.map((p) => p.name)));
    return wanted.filter((p) => names.has(p.name));
  };
  const missing = missingNow();
  const plan = planInstall(missing, { root: process.getuid?.() === 0, tty: Boolean(process.stdin.isTTY) });
  if (plan.action === 'none') return;
  console.error(plan.message);
  if (plan.action === 'fail') throw new Error('missing Debian packages (listed above)');
  if (plan.action === 'install') {
    keepHostPostgresOff();
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-q'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync(plan.argv[0], plan.argv.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit'] });
  } else {
    await enter();
  }
  const still = missingNow();
  if (still.length > 0) throw new Error(`still missing: ${still.map((p) => p.name).join(' ')}`);
}

// The cluster's PostgreSQL runs in its own pod; the package must not create and start a host one.
function keepHostPostgresOff(): void {
  const conf = '/etc/postgresql-common/createcluster.conf';
  if (existsSync(conf)) return;
  mkdirSync('/etc/postgresql-common', { recursive: true });
  writeFileSync(conf, 'create_main_cluster = false\n');
}

function enter(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.resume();
    process.stdin.once('data', () => {
      process.stdin.pause();
      resolve();
    });
  });
}
