/**
 * A stage's task timeline (a Gantt chart) as SVG: one row per task (partition), one rect per
 * task attempt from its start to its end, coloured by outcome. Speculative attempts take the
 * lower half of their task's row, so they show beside the attempt they raced; a cold start is
 * a dark notch at the start of its attempt. A stage of more than MAX_ROWS tasks is drawn by
 * lanes instead (each attempt in the first lane free at its start, so lanes = concurrency),
 * which keeps a 10,000-task stage a readable height.
 */
import { esc, ms, num, OUTCOME_COLORS } from "./format.ts";
import type { AttemptView, StageView } from "./model.ts";

const LABEL_W = 64;
const PLOT_W = 1000;
const AXIS_H = 22;
const MAX_ROWS = 150;

/** Row of each attempt: its task's, or (many tasks) the first lane free when it starts. */
function rows(attempts: readonly AttemptView[]): { rowOf: Map<AttemptView, number>; labels: string[]; byTask: boolean } {
  const partitions = [...new Set(attempts.map((a) => a.partition))].sort((a, b) => a - b);
  if (partitions.length <= MAX_ROWS) {
    const index = new Map(partitions.map((p, i) => [p, i]));
    return { rowOf: new Map(attempts.map((a) => [a, index.get(a.partition)!])), labels: partitions.map((p) => `task ${p}`), byTask: true };
  }
  const laneEnds: number[] = [];
  const rowOf = new Map<AttemptView, number>();
  for (const a of [...attempts].sort((x, y) => x.start - y.start || x.end - y.end)) {
    let lane = laneEnds.findIndex((end) => end <= a.start);
    if (lane < 0) lane = laneEnds.push(a.end) - 1;
    else laneEnds[lane] = a.end;
    rowOf.set(a, lane);
  }
  return { rowOf, labels: laneEnds.map((_, i) => `lane ${i}`), byTask: false };
}

export function renderTimeline(jobId: number, stage: StageView): string {
  const attempts = stage.attempts;
  if (attempts.length === 0) return `<p class="muted">No task attempts.</p>`;
  // Loops, not Math.min(...xs): a stage may have more attempts than a call has arguments.
  const t0 = attempts.reduce((t, a) => Math.min(t, a.start), stage.submitted ?? Infinity);
  const t1 = attempts.reduce((t, a) => Math.max(t, a.end), t0 + 1);
  const span = t1 - t0;
  const { rowOf, labels: names, byTask } = rows(attempts);
  const rowH = Math.max(3, Math.min(16, Math.floor(560 / names.length)));
  const height = names.length * rowH + AXIS_H + 4;
  const x = (t: number) => LABEL_W + ((t - t0) / span) * PLOT_W;

  const labelEvery = Math.ceil(11 / rowH);
  const labels = names
    .map((name, i) => (i % labelEvery === 0 ? `<text class="row-label" x="${LABEL_W - 6}" y="${num(i * rowH + rowH - 2)}" text-anchor="end">${name}</text>` : ""))
    .filter(Boolean);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = LABEL_W + f * PLOT_W;
    const y = names.length * rowH;
    return `<line x1="${num(tx)}" y1="0" x2="${num(tx)}" y2="${num(y + 4)}" class="grid"/><text class="tick" x="${num(tx)}" y="${num(y + 16)}" text-anchor="${f === 0 ? "start" : f === 1 ? "end" : "middle"}">${esc(ms(f * span))}</text>`;
  });
  const bars = attempts.map((a) => bar(a, rowOf.get(a)! * rowH, rowH, x, byTask && a.speculative));
  const width = LABEL_W + PLOT_W + 8;
  return (
    `<svg class="timeline" data-job="${jobId}" data-stage="${stage.stageId}" data-rows="${byTask ? "tasks" : "lanes"}" width="${width}" height="${num(height, 0)}" viewBox="0 0 ${width} ${num(height, 0)}" role="img" aria-label="Task timeline of stage ${stage.stageId}">` +
    ticks.join("") +
    labels.join("") +
    bars.join("") +
    `</svg>`
  );
}

function bar(a: AttemptView, top: number, rowH: number, x: (t: number) => number, half: boolean): string {
  const y = top + (half ? rowH / 2 : 0) + 0.5;
  const h = Math.max(1, (half ? rowH / 2 : rowH) - 1);
  const x1 = x(a.start);
  const w = Math.max(1.5, x(a.end) - x1);
  const e = a.event;
  const what = [
    `task ${a.partition}, attempt ${a.attempt}${a.speculative ? " (speculative)" : ""}${a.pass === "run" ? "" : `, ${a.pass} pass`}: ${a.status} after ${ms(e.durationMs)}`,
    a.coldStart ? "cold start" : "",
    e.error ? `${e.errorType ?? "error"}: ${e.error}` : "",
    e.willRetry ? "retried" : "",
  ]
    .filter(Boolean)
    .join("\n");
  const rect =
    `<rect class="attempt" data-stage="${a.stageId}" data-task="${a.partition}" data-attempt="${a.attempt}" data-pass="${a.pass}" data-status="${esc(a.status)}" data-outcome="${a.outcome}"` +
    ` data-speculative="${a.speculative}" data-cold-start="${a.coldStart}" x="${num(x1)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${OUTCOME_COLORS[a.outcome]}"` +
    `${a.speculative ? ' stroke="#0d47a1" stroke-width="0.8"' : ""}><title>${esc(what)}</title></rect>`;
  if (!a.coldStart) return rect;
  const m = Math.min(5, h);
  return `${rect}<path class="cold-start-mark" d="M${num(x1)},${num(y)} l${num(m)},0 l${num(-m)},${num(m)} z" fill="#263238"/>`;
}
