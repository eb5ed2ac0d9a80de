/** Writes a loss/accuracy chart as a standalone SVG file (no dependencies; opens in any browser). */
import { writeFileSync } from 'node:fs';

export interface Series {
  name: string;
  color: string;
  values: number[];
  /** Which y axis: left (loss) or right (accuracy, 0..1). */
  axis: 'left' | 'right';
}

export function writeChart(path: string, title: string, xLabel: string, series: Series[]): void {
  const W = 640;
  const H = 360;
  const m = { l: 56, r: 56, t: 36, b: 44 };
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const leftMax = Math.max(...series.filter((s) => s.axis === 'left').flatMap((s) => s.values), 1e-9) * 1.05;
  const x = (i: number) => m.l + (i / (n - 1)) * (W - m.l - m.r);
  const y = (v: number, axis: 'left' | 'right') => H - m.b - (axis === 'left' ? v / leftMax : v) * (H - m.t - m.b);
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v, s.axis).toFixed(1)}`).join(' ');
    const dots = s.values
      .map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v, s.axis).toFixed(1)}" r="3" fill="${s.color}"/>`)
      .join('');
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>${dots}`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const yy = H - m.b - f * (H - m.t - m.b);
      return (
        `<line x1="${m.l}" x2="${W - m.r}" y1="${yy}" y2="${yy}" stroke="#eee"/>` +
        `<text x="${m.l - 6}" y="${yy + 4}" text-anchor="end" font-size="11">${(f * leftMax).toFixed(2)}</text>` +
        `<text x="${W - m.r + 6}" y="${yy + 4}" font-size="11">${(f * 100).toFixed(0)}%</text>`
      );
    })
    .join('');
  const xTicks = Array.from(
    { length: n },
    (_, i) => `<text x="${x(i)}" y="${H - m.b + 16}" text-anchor="middle" font-size="11">${i + 1}</text>`,
  ).join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${m.l + 10 + i * 150}" y="${m.t - 24}" width="12" height="12" fill="${s.color}"/><text x="${m.l + 28 + i * 150}" y="${m.t - 14}" font-size="12">${s.name}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="16" text-anchor="middle" font-size="14">${title}</text>
${ticks}${xTicks}
<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${xLabel}</text>
${legend}
${lines.join('\n')}
</svg>
`;
  writeFileSync(path, svg);
}
