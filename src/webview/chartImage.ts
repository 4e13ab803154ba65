import type uPlot from 'uplot';

// The trend chart as a PNG for the post-incident report: the plot's canvas (lines, axes,
// markers) on the page's background, with the title above and the legend below, since uPlot
// draws those in the DOM, not on the canvas.

const PAD = 12;
const LINE = 18;

function strokeOf(u: uPlot, i: number): string {
  const s = u.series[i]?.stroke as unknown;
  const value = typeof s === 'function' ? (s as (u: uPlot, i: number) => unknown)(u, i) : s;
  return typeof value === 'string' ? value : 'gray';
}

export function chartDataUrl(u: uPlot, title: string): string {
  const plot = u.ctx.canvas;
  const style = getComputedStyle(document.body);
  const shown = u.series.map((s, i) => ({ s, i })).filter(({ s, i }) => i > 0 && s.show !== false && typeof s.label === 'string');
  const ratio = plot.width / Math.max(1, plot.clientWidth || plot.width);
  const out = document.createElement('canvas');
  out.width = plot.width;
  out.height = plot.height + Math.round((PAD * 2 + LINE * (1 + shown.length)) * ratio);
  const g = out.getContext('2d')!;
  g.fillStyle = style.backgroundColor || style.getPropertyValue('--vscode-editor-background') || 'white';
  g.fillRect(0, 0, out.width, out.height);
  g.scale(ratio, ratio);
  g.font = `13px ${style.fontFamily || 'sans-serif'}`;
  g.fillStyle = style.color || 'black';
  g.fillText(title, PAD, PAD + 10);
  g.drawImage(plot, 0, PAD + LINE, plot.width / ratio, plot.height / ratio);
  let y = PAD + LINE + plot.height / ratio + PAD;
  for (const { s, i } of shown) {
    g.fillStyle = strokeOf(u, i);
    g.fillRect(PAD, y, 14, 4);
    g.fillStyle = style.color || 'black';
    g.fillText(String(s.label), PAD + 22, y + 6);
    y += LINE;
  }
  return out.toDataURL('image/png');
}
