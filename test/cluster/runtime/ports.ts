// Real loopback ports for containers, chosen synchronously (start() is synchronous) from the
// kernel's socket tables. The range sits below Linux's ephemeral range (32768+), so ports the
// kernel hands out for listen(0) and outgoing connections cannot collide with ours.
import { readFileSync } from 'node:fs';

const LOW = 20000;
const HIGH = 32000;

function portsInUse(): Set<number> {
  const used = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local) used.add(parseInt(local.split(':')[1], 16));
    }
  }
  return used;
}

/** n distinct free ports, never one in `taken` (ports this runtime already gave out). */
export function pickFreePorts(n: number, taken: Set<number>): number[] {
  const used = portsInUse();
  const picked: number[] = [];
  for (let tries = 0; picked.length < n; tries++) {
    if (tries > 10_000) throw new Error('no free loopback port left');
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (used.has(port) || taken.has(port) || picked.includes(port)) continue;
    picked.push(port);
  }
  return picked;
}
