// The real kubectl 1.33 against a started emulator, for the tests that cross-check the emulator
// with it: argv arrays only, and a discovery cache of its own per suite.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
/** For describe(..., { skip }): false when kubectl 1.33 is there, else why the suite is skipped. */
export const noKubectl: false | string = !existsSync(KUBECTL) && 'kubectl 1.33 not installed';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Kubectl {
  readonly kubeconfig: string;
  readonly cacheDir: string;

  private constructor(kubeconfig: string, cacheDir: string) {
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  static async for(kubeconfig: string): Promise<Kubectl> {
    return new Kubectl(kubeconfig, await mkdtemp(join(tmpdir(), 'kmt-kubectl-cache-')));
  }

  /** The flags every call starts with (for a spawned `kubectl get -w`). */
  get baseArgs(): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir];
  }

  run(...args: string[]): Promise<KubectlResult> {
    return new Promise((resolve) => {
      execFile(KUBECTL, [...this.baseArgs, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  /** stdout of a call that must succeed. */
  async ok(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  async dispose(): Promise<void> {
    await rm(this.cacheDir, { recursive: true, force: true });
  }
}

/** Polls `fn` until it gives a value. */
export async function eventually<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 150): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
