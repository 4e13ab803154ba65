import type { Level } from '../triage/pressure.ts';

// A tree icon is an image, and an image cannot read the theme's CSS variables; a ThemeIcon can
// take a ThemeColor but cannot draw a fraction. So the gauge is drawn twice, once for light and
// once for dark themes, in the default values of VS Code's charts.green/yellow/red and
// foreground colours, as small SVG data URIs built once per bucket and cached (26 at most).
const PALETTE = {
  light: { normal: '#388a34', warning: '#bf8803', critical: '#e51400', track: '#616161' },
  dark: { normal: '#89d185', warning: '#cca700', critical: '#f14c4c', track: '#cccccc' },
} as const;

export type Theme = keyof typeof PALETTE;

/**
 * 0, 10, ... 100: one picture per tenth is as fine as a 16 px icon can show. Floored like the
 * shown percent, so the ring is full only at or over the limit and never looks past a threshold
 * the level has not reached (95% draws 90, 79% draws 70).
 */
export function bucketOf(percent: number): number {
  return Math.min(100, Math.max(0, Math.floor(percent / 10) * 10));
}

function arc(percent: number): string {
  // A ring of radius 6 around (8,8), filled clockwise from 12 o'clock.
  if (percent >= 100) return '<circle cx="8" cy="8" r="6" fill="none" stroke="COLOR" stroke-width="3"/>';
  if (percent <= 0) return '';
  const angle = (percent / 100) * 2 * Math.PI;
  const x = (8 + 6 * Math.sin(angle)).toFixed(2);
  const y = (8 - 6 * Math.cos(angle)).toFixed(2);
  const large = percent > 50 ? 1 : 0;
  return `<path d="M8 2 A6 6 0 ${large} 1 ${x} ${y}" fill="none" stroke="COLOR" stroke-width="3"/>`;
}

export function gaugeSvg(level: Level, percent: number | undefined, theme: Theme): string {
  const colours = PALETTE[theme];
  const track = `<circle cx="8" cy="8" r="6" fill="none" stroke="${colours.track}" stroke-opacity="0.35" stroke-width="3"/>`;
  let mark = '';
  if (level === 'no-limit') {
    // an open ring: there is nothing to be a fraction of
    mark = `<path d="M5 8h6" stroke="${colours.track}" stroke-width="1.5"/>`;
  } else if (level === 'no-metrics') {
    mark = `<text x="8" y="11.5" font-size="9" font-family="sans-serif" text-anchor="middle" fill="${colours.track}">?</text>`;
  } else {
    mark = arc(percent ?? 0).replace('COLOR', colours[level]);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">${track}${mark}</svg>`;
}
