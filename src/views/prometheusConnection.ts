import type { KubeConfig } from '@kubernetes/client-node';
import * as vscode from 'vscode';
import { ConfigValue, Keys, SECTION } from '../config.ts';
import { isPositiveNumber } from '../settingChecks.ts';
import { Disposable } from '../disposable.ts';
import type { Logger } from '../logger.ts';
import { readCaFile } from '../prometheus/caFile.ts';
import { PrometheusClient } from '../prometheus/client.ts';
import { describeSelectors, discoverPrometheus, type Candidate } from '../prometheus/discovery.ts';
import { PrometheusError, PrometheusNotFoundError } from '../prometheus/errors.ts';
import type { CompareWith } from '../prometheus/memoryTrend.ts';
import { DEFAULT_METRICS, labelMatchers, type TrendMetrics } from '../prometheus/promql.ts';
import { formatServiceRef, parseServiceRef, ServiceProxyTransport, type ServiceRef } from '../prometheus/serviceProxyTransport.ts';
import { UrlTransport, type PrometheusAuth } from '../prometheus/urlTransport.ts';

/** What the trend needs of a cluster connection: the pod tree's ClusterSession satisfies it. */
export interface KubeAccess {
  readonly kubeConfig: KubeConfig;
  readonly contextName: string;
}

/** A pick is kept per context and its cluster's server: another cluster under the same context name asks anew. */
function rememberedKey(access: KubeAccess): string {
  const cluster = access.kubeConfig.getContextObject(access.contextName)?.cluster;
  const server = (cluster && access.kubeConfig.getCluster(cluster)?.server) || '';
  return `memoryTriage.prometheus.service:${access.contextName}@${server}`;
}
const secretKey = (url: string) => `memoryTriage.prometheus.auth:${url}`;

/** The user closed the pick among several services: asking again on its own would nag. */
export class PrometheusNotChosenError extends PrometheusError {
  override name = 'PrometheusNotChosenError';
  constructor() {
    super('No Prometheus service was chosen.', 'Run "Memory Triage: Select Prometheus" to choose one.');
  }
}

/**
 * Where Prometheus is, in this order: the URL setting (with credentials from SecretStorage,
 * keyed by that URL so a changed URL never receives another server's token); the service setting;
 * the service picked earlier for this context; discovery, asking when several match.
 */
export class PrometheusConnections extends Disposable {
  private readonly extension: vscode.ExtensionContext;
  private readonly log: Logger;
  private cached: { key: string; owner: object | undefined; client: PrometheusClient } | undefined;
  /** Contexts whose pick was dismissed: not asked again until "Select Prometheus" or a Refresh. */
  private readonly dismissed = new Set<string>();

  constructor(extension: vscode.ExtensionContext, log: Logger) {
    super();
    this.extension = extension;
    this.log = log;
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.prometheus`) && this.drop()));
    this.register(extension.secrets.onDidChange(() => this.drop()));
    this.register({ dispose: () => this.drop() });
  }

  metrics(): TrendMetrics {
    const configured = ConfigValue.read<Partial<TrendMetrics>>(Keys.prometheusMetrics, {});
    return { ...DEFAULT_METRICS, ...Object.fromEntries(Object.entries(configured ?? {}).filter(([, v]) => typeof v === 'string' && v !== '')) };
  }

  /**
   * The extra label matchers for a context (setting memoryTriage.prometheus.labels), with
   * `${context}` replaced by the context's name: one Thanos or Mimir often holds many clusters.
   */
  labels(context: string): Record<string, string> {
    const value = ConfigValue.read<unknown>(Keys.prometheusLabels, {});
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const labels = Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .map(([k, v]) => [k, v.replaceAll('${context}', context)]),
    );
    try {
      labelMatchers(labels);
    } catch (err) {
      throw new PrometheusError(`memoryTriage.prometheus.labels: ${err instanceof Error ? err.message : String(err)}.`, 'Use label names like "cluster" that your Prometheus puts on every series.');
    }
    return labels;
  }

  /** Measures to draw beside the working set (setting memoryTriage.prometheus.compare). */
  compare(): CompareWith[] {
    const value = ConfigValue.read<unknown>(Keys.prometheusCompare, []);
    return Array.isArray(value) ? value.filter((v): v is CompareWith => v === 'rss' || v === 'usage') : [];
  }

  /** `access` is asked only when no URL is set: a URL works without any kubeconfig. */
  async clientFor(accessFor: () => KubeAccess | undefined): Promise<PrometheusClient> {
    const timeoutMs = ConfigValue.read(Keys.prometheusTimeout, 30, isPositiveNumber) * 1000;
    const url = ConfigValue.read(Keys.prometheusUrl, '').trim();
    if (url) {
      const pathPrefix = ConfigValue.read(Keys.prometheusPathPrefix, '');
      const caFile = ConfigValue.read(Keys.prometheusCaFile, '').trim();
      return this.reuse(`url:${url}|${pathPrefix}|${timeoutMs}|${caFile}`, async () => {
        const [auth, ca] = await Promise.all([this.readAuth(url), caFile ? readCaFile(caFile) : undefined]);
        return new UrlTransport({ url, pathPrefix, auth, timeoutMs, ca });
      });
    }
    const access = accessFor();
    if (!access) {
      throw new PrometheusError('No cluster is open, so no Prometheus service can be found.', 'Open the Memory Triage view or set "memoryTriage.prometheus.url".');
    }
    const service = await this.serviceFor(access, ConfigValue.read(Keys.prometheusService, '').trim());
    // keyed by the KubeConfig object too: a reopened session (new file, new token) gets a new transport
    return this.reuse(`svc:${access.contextName}|${formatServiceRef(service)}|${timeoutMs}`, async () => new ServiceProxyTransport(access.kubeConfig, service, { timeoutMs }), access.kubeConfig);
  }

  /**
   * The setting that decides where Prometheus is, when one does (`prometheus.url`, else
   * `prometheus.service`): a service picked for the context is then never used.
   */
  overridingSetting(): string | undefined {
    const key = [Keys.prometheusUrl, Keys.prometheusService].find((k) => ConfigValue.read(k, '').trim() !== '');
    return key && `${SECTION}.${key}`;
  }

  /** The user asked to try again: a dismissed pick may be offered again. */
  askAgain(): void {
    this.dismissed.clear();
  }

  /** Discovers again and lets the user choose, even when one was remembered. */
  async chooseService(access: KubeAccess): Promise<ServiceRef | undefined> {
    this.dismissed.delete(access.contextName);
    await this.extension.globalState.update(rememberedKey(access), undefined);
    this.drop();
    return this.serviceFor(access, '');
  }

  async setCredentials(): Promise<void> {
    const url = ConfigValue.read(Keys.prometheusUrl, '').trim();
    if (!url) {
      void vscode.window.showInformationMessage('Set "memoryTriage.prometheus.url" first: credentials are kept for that URL. Through the service proxy, your kubeconfig credentials are used.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'Bearer token', choice: 'bearer' as const },
        { label: 'User and password (basic auth)', choice: 'basic' as const },
        { label: 'None (forget stored credentials)', choice: 'none' as const },
      ],
      { title: `Credentials for ${new URL(url).host}` },
    );
    if (!picked) return;
    let auth: PrometheusAuth = { kind: 'none' };
    if (picked.choice === 'bearer') {
      const token = await vscode.window.showInputBox({ title: 'Bearer token', password: true, ignoreFocusOut: true });
      if (!token) return;
      auth = { kind: 'bearer', token };
    } else if (picked.choice === 'basic') {
      const username = await vscode.window.showInputBox({ title: 'User', ignoreFocusOut: true });
      if (!username) return;
      const password = await vscode.window.showInputBox({ title: 'Password', password: true, ignoreFocusOut: true });
      if (password === undefined) return;
      auth = { kind: 'basic', username, password };
    }
    if (auth.kind === 'none') await this.extension.secrets.delete(secretKey(url));
    else await this.extension.secrets.store(secretKey(url), JSON.stringify(auth));
    this.log.info(`Prometheus credentials for ${new URL(url).host}: ${auth.kind}`); // the kind, never the secret
  }

  private async serviceFor(access: KubeAccess, setting: string): Promise<ServiceRef> {
    if (setting) {
      const ref = parseServiceRef(setting);
      if (!ref) throw new PrometheusError(`"${setting}" is not namespace/name:port.`, 'Example: monitoring/prometheus-server:9090 (prefix https: for a TLS port).');
      return ref;
    }
    const remembered = parseServiceRef(this.extension.globalState.get<string>(rememberedKey(access)) ?? '');
    if (remembered) return remembered;
    if (this.dismissed.has(access.contextName)) throw new PrometheusNotChosenError();
    const candidates = await discoverPrometheus(access.kubeConfig);
    this.log.info(`Prometheus discovery in ${access.contextName}: ${candidates.map((c) => formatServiceRef(c)).join(', ') || 'none'}`);
    if (candidates.length === 0) throw new PrometheusNotFoundError(access.contextName, describeSelectors());
    const chosen = candidates.length === 1 ? candidates[0]! : await this.pick(access.contextName, candidates);
    if (!chosen) {
      this.dismissed.add(access.contextName);
      throw new PrometheusNotChosenError();
    }
    await this.extension.globalState.update(rememberedKey(access), formatServiceRef(chosen));
    return chosen;
  }

  private async pick(context: string, candidates: readonly Candidate[]): Promise<Candidate | undefined> {
    const item = await vscode.window.showQuickPick(
      candidates.map((c) => ({ label: `${c.namespace}/${c.name}`, description: `port ${c.port} · ${c.kind}`, detail: c.selector, candidate: c })),
      { title: `Several Prometheus services in ${context}: which one holds the pods' metrics?`, ignoreFocusOut: true },
    );
    return item?.candidate;
  }

  private async readAuth(url: string): Promise<PrometheusAuth | undefined> {
    const stored = await this.extension.secrets.get(secretKey(url));
    if (!stored) return undefined;
    try {
      return JSON.parse(stored) as PrometheusAuth;
    } catch {
      this.log.warn('Stored Prometheus credentials are unreadable; ignoring them.');
      return undefined;
    }
  }

  private async reuse(key: string, make: () => Promise<UrlTransport | ServiceProxyTransport>, owner?: object): Promise<PrometheusClient> {
    if (this.cached?.key === key && this.cached.owner === owner) return this.cached.client;
    this.drop();
    const client = new PrometheusClient(await make());
    this.cached = { key, owner, client };
    return client;
  }

  private drop(): void {
    const old = this.cached;
    this.cached = undefined;
    void old?.client.transport.close().catch(() => undefined);
  }
}
