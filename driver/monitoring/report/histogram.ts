/**
 * A histogram as SVG (equal-width bins), with the count, min, median and max beside it and
 * max/median, the skew a reader looks for: a stage whose largest task is many times the
 * median one waits on that task.
 */
import { esc, num } from "./format.ts";

const W = 330;
const H = 110;
const BINS = 12;

export function renderHistogram(title: string, values: readonly number[], format: (n: number) => string, attrs: Record<string, string | number>): string {
  const data = Object.entries(attrs)
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join("");
  if (values.length === 0) return `<figure class="histogram"${data}><figcaption>${esc(title)}: no data</figcaption></figure>`;
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const width = (max - min) / BINS || 1;
  const bins = new Array<number>(BINS).fill(0);
  for (const v of sorted) bins[Math.min(BINS - 1, Math.floor((v - min) / width))]!++;
  const top = Math.max(...bins);
  const bw = W / BINS;
  const rects = bins.map((n, i) => {
    const h = (n / top) * (H - 14);
    const lo = min + i * width;
    return `<rect class="bin" data-count="${n}" x="${num(i * bw + 1)}" y="${num(H - h)}" width="${num(bw - 2)}" height="${num(h)}" fill="#5c6bc0"><title>${esc(`${format(lo)} – ${format(lo + width)}: ${n}`)}</title></rect>${n ? `<text class="bin-count" x="${num(i * bw + bw / 2)}" y="${num(H - h - 2)}" text-anchor="middle">${n}</text>` : ""}`;
  });
  const skew = median > 0 ? `${(max / median).toFixed(1)}×` : "–";
  return (
    `<figure class="histogram"${data}><figcaption>${esc(title)}</figcaption>` +
    `<svg width="${W}" height="${H + 16}" viewBox="0 0 ${W} ${H + 16}" role="img" aria-label="${esc(title)}">` +
    rects.join("") +
    `<line x1="0" y1="${H}" x2="${W}" y2="${H}" class="grid"/>` +
    `<text class="tick" x="0" y="${H + 13}">${esc(format(min))}</text><text class="tick" x="${W}" y="${H + 13}" text-anchor="end">${esc(format(max))}</text>` +
    `</svg>` +
    `<p class="stats">${values.length} task${values.length === 1 ? "" : "s"} · min ${esc(format(min))} · median ${esc(format(median))} · max ${esc(format(max))} · max/median ${esc(skew)}</p>` +
    `</figure>`
  );
}
