// Pod networks: one network namespace per pod (held by its sandbox process, like the pause
// container), loopback up, a veth pair to a bridge of this runtime's own, and an address from the
// runtime's pod range 10.244.<k>.0/24. The host reaches pods through the bridge (probes, the
// service proxy), pods reach each other the same way, and each pod's /proc/net/tcp lists only its
// own sockets. Names carry the bridge number so that several runtimes (parallel test runs) coexist.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ownersDir = '/run/kube-memory-triage';

export function run(argv: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0], argv.slice(1), { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Removes bridges (and their owner files) left by runtimes whose process is gone. */
async function sweepStaleBridges(): Promise<void> {
  if (!existsSync(ownersDir)) return;
  for (const f of readdirSync(ownersDir)) {
    const m = /^(kmtbr\d+)\.owner$/.exec(f);
    if (!m) continue;
    const pid = Number(readFileSync(join(ownersDir, f), 'utf8'));
    if (pid && alive(pid)) continue;
    await run(['ip', 'link', 'del', m[1]]).catch(() => {});
    rmSync(join(ownersDir, f), { force: true });
  }
}

export class PodNetwork {
  readonly bridge: string;
  readonly index: number;
  readonly gateway: string;
  private readonly free: number[] = [];
  private next = 2;

  private constructor(index: number) {
    this.index = index;
    this.bridge = `kmtbr${index}`;
    this.gateway = `10.244.${index}.1`;
  }

  /** Takes the first free bridge number (creating the link is the atomic claim) and brings it up. */
  static async create(): Promise<PodNetwork> {
    await sweepStaleBridges();
    mkdirSync(ownersDir, { recursive: true });
    for (let k = 0; k < 128; k++) {
      const net = new PodNetwork(k);
      try {
        await run(['ip', 'link', 'add', net.bridge, 'type', 'bridge']);
      } catch {
        continue; // taken by another runtime
      }
      writeFileSync(join(ownersDir, `${net.bridge}.owner`), String(process.pid));
      await run(['ip', 'addr', 'add', `${net.gateway}/24`, 'dev', net.bridge]);
      await run(['ip', 'link', 'set', net.bridge, 'up']);
      return net;
    }
    throw new Error('no free pod network: bridges kmtbr0..kmtbr127 are all taken');
  }

  /** Moves one end of a new veth into the sandbox's namespace as eth0 and gives it an address. */
  async attach(sandboxPid: number): Promise<{ ip: string; hostLink: string }> {
    const n = this.free.shift() ?? this.next++;
    if (n > 254) throw new Error(`pod network ${this.bridge} is full (253 pods)`);
    const ip = `10.244.${this.index}.${n}`;
    const hostLink = `kmt${this.index}p${n}`;
    await run(['ip', 'link', 'del', hostLink]).catch(() => {});
    await run(['ip', 'link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(sandboxPid)]);
    await run(['ip', 'link', 'set', hostLink, 'master', this.bridge, 'up']);
    await run(['nsenter', `--net=/proc/${sandboxPid}/ns/net`, 'ip', '-batch', '-'],
      ['link set lo up', `addr add ${ip}/24 dev eth0`, 'link set eth0 up', `route add default via ${this.gateway}`].join('\n') + '\n');
    return { ip, hostLink };
  }

  async detach(ip: string, hostLink: string): Promise<void> {
    await run(['ip', 'link', 'del', hostLink]).catch(() => {}); // gone already when the namespace went
    const n = Number(ip.split('.')[3]);
    if (!this.free.includes(n)) this.free.push(n);
  }

  async dispose(): Promise<void> {
    await run(['ip', 'link', 'del', this.bridge]).catch(() => {});
    rmSync(join(ownersDir, `${this.bridge}.owner`), { force: true });
  }
}
