import { formatEuro } from './rows.js';

/**
 * A horizontal bar chart as inline SVG: one bar per label, its value written at the bar's end. Plain
 * shapes and system fonts only, dark bars on white with value labels, so that it needs nothing from
 * outside the page and stays readable on a black-and-white printout.
 */

export interface Bar {
  label: string;
  cents: number;
  /** The bar that sums the labels too small for a bar of their own; drawn lighter. */
  others?: boolean;
}

/** Bars a chart shows at most: the largest, and one for all the others. */
export const MAX_BARS = 15;

/**
 * The bars of a chart over many labels: the largest `MAX_BARS - 1` as they are, and the rest summed in
 * one last bar named for how many it holds. Expects the bars largest first.
 */
export function chartBars(bars: readonly Bar[]): Bar[] {
  if (bars.length <= MAX_BARS) return [...bars];
  const rest = bars.slice(MAX_BARS - 1);
  return [...bars.slice(0, MAX_BARS - 1), { label: `Übrige ${rest.length} Empfänger`, cents: rest.reduce((sum, bar) => sum + bar.cents, 0), others: true }];
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** A round step for the axis: 1, 2 or 5 times a power of ten, giving about five gridlines. */
function axisStep(max: number): number {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * magnitude).find((step) => step >= rough) ?? magnitude * 10;
}

const compactEuro = new Intl.NumberFormat('de-DE', { notation: 'compact', maximumFractionDigits: 1 });

export function barChartSvg(bars: readonly Bar[], title: string): string {
  const labelWidth = 240;
  const plotWidth = 420;
  const valueWidth = 130;
  const rowHeight = 22;
  const top = 28;
  const width = labelWidth + plotWidth + valueWidth;
  const height = top + Math.max(1, bars.length) * rowHeight + 24;
  const max = Math.max(1, ...bars.map((bar) => bar.cents / 100));
  const step = axisStep(max);
  const axisMax = Math.ceil(max / step) * step;
  const x = (euros: number) => labelWidth + (euros / axisMax) * plotWidth;

  const grid: string[] = [];
  for (let euros = 0; euros <= axisMax + step / 2; euros += step) {
    grid.push(
      `<line x1="${x(euros).toFixed(1)}" y1="${top - 4}" x2="${x(euros).toFixed(1)}" y2="${height - 20}" stroke="#bbb" stroke-width="0.5"/>`,
      `<text x="${x(euros).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="10">${escapeXml(compactEuro.format(euros))} €</text>`,
    );
  }
  const rows = bars.map((bar, index) => {
    const y = top + index * rowHeight;
    const end = x(bar.cents / 100);
    return [
      `<g role="listitem" aria-label="${escapeXml(`${bar.label}: ${formatEuro(bar.cents)}`)}">`,
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="12">${escapeXml(bar.label)}</text>`,
      `<rect class="bar${bar.others ? ' others' : ''}" x="${labelWidth}" y="${y + 4}" width="${Math.max(1, end - labelWidth).toFixed(1)}" height="${rowHeight - 8}" fill="${bar.others ? '#9aa9c2' : '#2b4c7e'}" stroke="#000" stroke-width="0.5"/>`,
      `<text x="${(end + 6).toFixed(1)}" y="${y + 15}" font-size="11">${escapeXml(formatEuro(bar.cents))}</text>`,
      '</g>',
    ].join('');
  });
  const empty = bars.length === 0 ? `<text x="${labelWidth}" y="${top + 15}" font-size="12">Keine gültigen Beträge.</text>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<text x="0" y="14" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    ...grid,
    `<g role="list">${rows.join('')}</g>`,
    empty,
    '</svg>',
  ].join('\n');
}
