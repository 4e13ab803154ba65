import * as vscode from 'vscode';
import type { Level } from '../triage/pressure.ts';
import { bucketOf, gaugeSvg, type Theme } from './gaugeSvg.ts';

const cache = new Map<string, { light: vscode.Uri; dark: vscode.Uri }>();

export function gaugeIcon(level: Level, percent: number | undefined): { light: vscode.Uri; dark: vscode.Uri } {
  const bucket = level === 'no-limit' || level === 'no-metrics' ? -1 : bucketOf(percent ?? 0);
  const key = `${level}:${bucket}`;
  let icon = cache.get(key);
  if (!icon) {
    const uri = (theme: Theme) => vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(gaugeSvg(level, bucket, theme)).toString('base64')}`);
    icon = { light: uri('light'), dark: uri('dark') };
    cache.set(key, icon);
  }
  return icon;
}
