// client-node 2.0.1 builds a new undici Agent in every applySecurityAuthentication call (its
// private createDispatcher), so each list page, metrics poll, watch and service-proxy query
// opened its own TLS connection and the agents were never closed. This KubeConfig keeps one
// keep-alive dispatcher per cluster and credentials (the TLS options the call resolved: CA,
// client certificate, proxy), reused by every request made through it, and closes them on dispose.
import { createHash } from 'node:crypto';
import { KubeConfig, type Cluster, type RequestContext } from '@kubernetes/client-node';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

type MakeDispatcher = (cluster: Cluster | null, agentOptions: Record<string, unknown>) => Dispatcher | undefined;

// kube-apiserver keeps an idle connection 90 s (secure_serving.go IdleTimeout); undici's own
// default is 4 s, which would drop it between two metrics polls.
const KEEP_ALIVE_MS = 60_000;

export class PooledKubeConfig extends KubeConfig {
  private readonly pool = new Map<string, Dispatcher>();
  private authenticating: Promise<unknown> = Promise.resolve();
  /** Dispatchers made (one per cluster and credentials); read by the tests and the benchmark. */
  dispatchersMade = 0;

  constructor() {
    super();
    // The method is private in client-node's types, not in its JavaScript: an own property
    // shadows it, and the prototype's version stays the fallback for what we do not pool.
    (this as unknown as { createDispatcher: MakeDispatcher }).createDispatcher = (cluster, agentOptions) => this.pooled(cluster, agentOptions);
  }

  // client-node's exec plugin cache is filled when a run returns: the list, the metrics poll and
  // the watch that start together would each run `aws eks get-token` (or open a browser login).
  // One at a time, the later ones find the token cached. A hung plugin holds the others back;
  // each caller gives up on its own timeout (apiRequest's authenticate).
  override applySecurityAuthentication(context: RequestContext): Promise<void> {
    const run = this.authenticating.then(() => super.applySecurityAuthentication(context));
    this.authenticating = run.catch(() => undefined);
    return run;
  }

  private pooled(cluster: Cluster | null, agentOptions: Record<string, unknown>): Dispatcher | undefined {
    const options = this.createDispatcherOptions(cluster, agentOptions);
    if (options.type === 'none') return undefined;
    const key = createHash('sha256').update(JSON.stringify([cluster?.name, cluster?.server, options])).digest('hex');
    let dispatcher = this.pool.get(key);
    if (!dispatcher) {
      dispatcher = options.type === 'agent'
        ? new Agent({ connect: options.connect, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS })
        : options.type === 'proxy'
          ? new ProxyAgent({ uri: options.uri, requestTls: options.requestTls, connect: options.connect, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS })
          : (KubeConfig.prototype as unknown as { createDispatcher: MakeDispatcher }).createDispatcher.call(this, cluster, agentOptions);
      if (!dispatcher) return undefined;
      this.pool.set(key, dispatcher);
      this.dispatchersMade++;
    }
    return dispatcher;
  }

  /** Replaced by a newer KubeConfig: requests in flight finish, then the connections close. */
  close(): Promise<void> {
    return this.drain((d) => d.close());
  }

  /** Closes every pooled connection now; requests still open through them are cut. */
  dispose(): Promise<void> {
    return this.drain((d) => d.destroy());
  }

  private async drain(end: (d: Dispatcher) => Promise<void>): Promise<void> {
    const all = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(all.map((d) => end(d).catch(() => undefined)));
  }
}
