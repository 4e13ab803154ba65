import * as vscode from 'vscode';
import { checkedSetting, sameKindAs, type SettingCheck } from './settingChecks.ts';

// Setting keys in one place; read through ConfigValue so a change reaches its users.
export const SECTION = 'memoryTriage';
export const Keys = {
  kubeconfig: 'kubeconfig',
  context: 'context',
  namespace: 'namespace',
  labelSelector: 'labelSelector',
  warningThreshold: 'warningThreshold',
  criticalThreshold: 'criticalThreshold',
  metricsInterval: 'metricsInterval',
  prometheusUrl: 'prometheus.url',
  prometheusPathPrefix: 'prometheus.pathPrefix',
  prometheusCaFile: 'prometheus.caFile',
  prometheusService: 'prometheus.service',
  prometheusTimeout: 'prometheus.timeoutSeconds',
  prometheusMetrics: 'prometheus.metrics',
  prometheusCompare: 'prometheus.compare',
  prometheusLabels: 'prometheus.labels',
  trendRefresh: 'trend.refreshSeconds',
  debugImage: 'debugImage',
  pythonFrames: 'python.frames',
  captureWindow: 'capture.windowSeconds',
  goPprofPort: 'go.pprofPort',
  goSampleType: 'go.sampleType',
  nodeSamplingInterval: 'node.samplingIntervalBytes',
  pathMappings: 'pathMappings',
  pythonEngines: 'python.engines',
  dbPorts: 'db.ports',
  dbWindow: 'db.windowSeconds',
  readOnly: 'readOnly',
  escalationLevels: 'escalation.levels',
  escalationNotify: 'escalation.notify',
  recommendationHistoryDays: 'recommendation.historyDays',
} as const;

export class ConfigValue<T> implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<T>();
  private readonly listener: vscode.Disposable;
  private current: T;

  readonly onChange = this.changeEmitter.event;

  readonly key: string;
  private readonly defaultValue: T;
  private readonly check: SettingCheck<T>;

  /** `check`: what a usable value is (by default: of the default's kind); anything else reads as `defaultValue`. */
  constructor(key: string, defaultValue: T, check: SettingCheck<T> = sameKindAs(defaultValue)) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.check = check;
    this.current = this.read();
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${this.key}`)) {
        this.current = this.read();
        this.changeEmitter.fire(this.current);
      }
    });
  }

  get value(): T {
    return this.current;
  }

  private read(): T {
    return ConfigValue.read(this.key, this.defaultValue, this.check);
  }

  /** One read of a setting, for the few places that read it once per use rather than follow it. */
  static read<T>(key: string, defaultValue: T, check: SettingCheck<T> = sameKindAs(defaultValue)): T {
    return checkedSetting(vscode.workspace.getConfiguration(SECTION).get<unknown>(key), defaultValue, check);
  }

  /** Writes a setting in the workspace (path mappings learnt from a click). */
  static update(key: string, value: unknown): Thenable<void> {
    return vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Workspace);
  }

  dispose(): void {
    this.listener.dispose();
    this.changeEmitter.dispose();
  }
}
