/** docs/benchmarks.svg: speed vs A per engine and variant, loopback and throttled. */
import type {Results} from '../types';
import {median} from '../util';
import {SPEED_GOALS} from './goals';
import {ENGINE_NAMES, enginesOf, mib, normalize, runsOf, speedToA} from './summary';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Row {
  label: string;
  values: (number | null)[];
  header?: boolean;
  goals?: [number, number];
}

/** Horizontal bars: speed vs A per variant, loopback and throttled, with each engine's goals. */
export function renderChart(results: Results): string {
  const r = normalize(results);
  const rows: Row[] = [];
  const throttles = [null, r.meta.throttle];
  for (const engine of enginesOf(r)) {
    const variants = r.variants[engine].filter(
      (v) =>
        runsOf(r, engine, null, v.key).length || runsOf(r, engine, r.meta.throttle, v.key).length,
    );
    if (!variants.length) continue;
    const g = SPEED_GOALS[engine];
    rows.push({label: ENGINE_NAMES[engine], values: [], header: true});
    for (const v of variants) {
      rows.push({
        label: v.key,
        goals: v.chunkSize ? [g.loopback, g.throttled] : undefined,
        values: throttles.map((t) => {
          if (v.key === 'A') return runsOf(r, engine, t, 'A').some((x) => x.ok) ? 1 : null;
          const m = median(speedToA(r, engine, t, v.key));
          return Number.isFinite(m) ? m : null;
        }),
      });
    }
  }
  const left = 130;
  const width = 640;
  const plot = width - left - 70;
  const rowH = 34;
  const top = 52;
  const height = top + rows.length * rowH + 40;
  const max = 1.2;
  const x = (v: number) => left + (Math.min(v, max) / max) * plot;
  const colors = ['#3b6fb6', '#e08a2c'];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">Speed relative to A (fetch → cache.put), ${mib(r.meta.size)} MiB, median of ${r.meta.rounds} rounds</text>`,
    `<rect x="${left}" y="28" width="12" height="12" fill="${colors[0]}"/><text x="${left + 16}" y="38">loopback</text>`,
    `<rect x="${left + 90}" y="28" width="12" height="12" fill="${colors[1]}"/><text x="${left + 106}" y="38">server at ${r.meta.throttle / 1e6} MB/s</text>`,
    `<text x="${left + 290}" y="38" fill="#555">ticks on fallback bars: the engine's goals</text>`,
  ];
  for (const g of [0, 0.25, 0.5, 0.75, 1, 1.2]) {
    out.push(`<line x1="${x(g)}" y1="${top - 4}" x2="${x(g)}" y2="${height - 34}" stroke="#ddd"/>`);
    out.push(
      `<text x="${x(g)}" y="${height - 20}" text-anchor="middle" fill="#555">${g.toFixed(2)}×</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    if (row.header) {
      out.push(`<text x="8" y="${y + 20}" font-weight="bold">${esc(row.label)}</text>`);
      return;
    }
    out.push(`<text x="${left - 8}" y="${y + 18}" text-anchor="end">${esc(row.label)}</text>`);
    row.values.forEach((v, j) => {
      const by = y + 4 + j * 13;
      if (v === null) {
        out.push(
          `<text x="${left + 4}" y="${by + 10}" fill="#999" font-size="10">not measured</text>`,
        );
      } else {
        out.push(
          `<rect x="${left}" y="${by}" width="${Math.max(1, x(v) - left)}" height="12" fill="${colors[j]}"/>`,
        );
        out.push(`<text x="${x(v) + 4}" y="${by + 10}" font-size="10">${v.toFixed(2)}</text>`);
      }
      if (row.goals) {
        const gx = x(row.goals[j]);
        out.push(
          `<line x1="${gx}" y1="${by - 1}" x2="${gx}" y2="${by + 13}" stroke="#000" stroke-width="2"/>`,
        );
      }
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
