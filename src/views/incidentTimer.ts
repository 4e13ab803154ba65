import * as vscode from 'vscode';
import { ConfigValue, Keys } from '../config.ts';
import { Disposable } from '../disposable.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_LEVELS, estimateState, levelsToAnnounce, parseLevels, RECOVERY_ESTIMATE_MINUTES, timerText, type EscalationLevel } from '../triage/escalation.ts';
import type { IncidentStore } from './incidentStore.ts';

// The open incident's clock in the status bar: elapsed against the runbook's 10-30 minute
// recovery estimate and the escalation level due now, with a notification when a level falls due.
export class IncidentTimer extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('memoryTriage.incident', vscode.StatusBarAlignment.Left, 49));
  private readonly levelsSetting = this.register(new ConfigValue<unknown>(Keys.escalationLevels, DEFAULT_LEVELS));
  private readonly notify = this.register(new ConfigValue<boolean>(Keys.escalationNotify, true));
  private readonly store: IncidentStore;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private parsed: EscalationLevel[];
  /** Marking a level announced changes the store, which calls update again: not while marking. */
  private marking = false;

  constructor(store: IncidentStore, log: Logger) {
    super();
    this.store = store;
    this.log = log;
    this.parsed = this.parse();
    this.item.name = 'Memory Triage: incident timer';
    this.item.command = 'memoryTriage.writeIncidentReport';
    this.register(store.onDidChange(() => this.update()));
    this.register(this.levelsSetting.onChange(() => {
      this.parsed = this.parse();
      this.update();
    }));
    this.register({ dispose: () => clearInterval(this.timer) });
    this.update();
  }

  /** The levels as the setting says now (parsed when it changes: the clock ticks every second). */
  get levels(): EscalationLevel[] {
    return this.parsed;
  }

  private parse(): EscalationLevel[] {
    const { levels, problems } = parseLevels(this.levelsSetting.value);
    for (const p of problems) this.log.warn(p);
    return levels;
  }

  private update(): void {
    if (this.marking) return;
    const incident = this.store.current;
    if (!incident) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.item.hide();
      return;
    }
    this.timer ??= setInterval(() => this.update(), 1000);
    const levels = this.levels;
    const elapsed = Date.now() - new Date(incident.startedAt).getTime();
    const state = estimateState(elapsed);
    this.item.text = `$(watch) ${timerText(levels, elapsed)}`;
    this.item.tooltip =
      `Memory incident open since ${new Date(incident.startedAt).toLocaleTimeString()} (${incident.startedBy}).\n` +
      `Runbook recovery estimate: ${RECOVERY_ESTIMATE_MINUTES.from}-${RECOVERY_ESTIMATE_MINUTES.to} min.\n` +
      `Escalation: ${levels.map((l) => `${l.name} at ${l.minutes} min`).join(', ')}.\n` +
      `${incident.entries.length} timeline entries. Click to write the post-incident report.`;
    this.item.backgroundColor = state === 'over' ? new vscode.ThemeColor('statusBarItem.errorBackground') : state === 'in range' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    const due = levelsToAnnounce(levels, elapsed, incident.notified);
    this.marking = true;
    try {
      for (const level of due) this.store.markNotified(level.minutes);
    } finally {
      this.marking = false;
    }
    for (const level of due) {
      this.log.info(`Incident: escalation level due at ${level.minutes} min: ${level.name}`);
      if (!this.notify.value) continue;
      const rank = levels.indexOf(level) + 1;
      const text = level.minutes === 0 ? `Memory incident started: Level ${rank}, ${level.name}, is on it now.` : `Memory incident open ${level.minutes} min: escalate to Level ${rank}, ${level.name}.`;
      void vscode.window.showWarningMessage(`Memory Triage: ${text}`);
    }
  }
}
