/**
 * A job's stage DAG as SVG: stages as boxes in columns by depth (a stage sits one column
 * right of its deepest parent), edges from each parent stage to the stage that reads it.
 */
import { esc, ms, num, STAGE_COLORS } from "./format.ts";
import type { JobView, StageView } from "./model.ts";

const BOX_W = 190;
const BOX_H = 58;
const GAP_X = 70;
const GAP_Y = 22;
const PAD = 12;

export function renderDag(job: JobView): string {
  const stages = job.stages;
  if (stages.length === 0) return `<p class="muted">No stages.</p>`;
  const byId = new Map(stages.map((s) => [s.stageId, s]));
  const parentsOf = (s: StageView) => s.parentStageIds.filter((p) => p !== s.stageId && byId.has(p));
  const depth = new Map<number, number>();
  const depthOf = (s: StageView, seen: Set<number>): number => {
    const known = depth.get(s.stageId);
    if (known !== undefined) return known;
    if (seen.has(s.stageId)) return 0; // a cycle cannot happen in a valid log; do not loop on a bad one
    seen.add(s.stageId);
    const d = Math.max(-1, ...parentsOf(s).map((p) => depthOf(byId.get(p)!, seen))) + 1;
    depth.set(s.stageId, d);
    return d;
  };
  for (const s of stages) depthOf(s, new Set());
  const columns: StageView[][] = [];
  for (const s of stages) (columns[depth.get(s.stageId)!] ??= []).push(s);
  const pos = new Map<number, { x: number; y: number }>();
  columns.forEach((column, c) => column.forEach((s, r) => pos.set(s.stageId, { x: PAD + c * (BOX_W + GAP_X), y: PAD + r * (BOX_H + GAP_Y) })));
  const width = PAD * 2 + columns.length * BOX_W + (columns.length - 1) * GAP_X;
  const height = PAD * 2 + Math.max(...columns.map((c) => c.length)) * (BOX_H + GAP_Y) - GAP_Y;

  const edges: string[] = [];
  for (const s of stages) {
    const to = pos.get(s.stageId)!;
    for (const p of parentsOf(s)) {
      const from = pos.get(p)!;
      const x1 = from.x + BOX_W;
      const y1 = from.y + BOX_H / 2;
      const x2 = to.x - 4;
      const y2 = to.y + BOX_H / 2;
      const mid = (x1 + x2) / 2;
      edges.push(
        `<path class="dag-edge" data-from="${p}" data-to="${s.stageId}" d="M${num(x1)},${num(y1)} C${num(mid)},${num(y1)} ${num(mid)},${num(y2)} ${num(x2)},${num(y2)}" fill="none" stroke="#607d8b" stroke-width="1.5" marker-end="url(#arrow-${job.jobId})"/>`,
      );
    }
  }
  const nodes = stages.map((s) => {
    const { x, y } = pos.get(s.stageId)!;
    const took = s.submitted !== undefined && s.completed !== undefined ? ms(s.completed - s.submitted) : "";
    const failed = s.attempts.filter((a) => a.status === "failed").length;
    // The box is narrow: a pass's name, and whether one was stopped early (the stage section says more).
    const passes = s.passes.filter((p) => p !== "run").map((p) => p.replace(/ \(.*\)$/, ""));
    const stopped = s.passes.some((p) => p.includes("(stopped early"));
    const line2 = s.result === "skipped" ? "not run" : `${s.numTasks} task${s.numTasks === 1 ? "" : "s"}, ${s.attempts.length} attempt${s.attempts.length === 1 ? "" : "s"}`;
    const line3 = [s.result === "skipped" ? "" : s.result, took, failed ? `${failed} failed` : "", passes.length ? `+${passes.join(", ")} pass${stopped ? " (stopped early)" : ""}` : ""].filter(Boolean).join(" · ");
    return (
      `<g class="dag-node" data-stage="${s.stageId}" data-result="${esc(s.result)}">` +
      `<title>${esc(`Stage ${s.stageId}\n${s.plan}`)}</title>` +
      `<rect x="${num(x)}" y="${num(y)}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${STAGE_COLORS[s.result]}" stroke="${s.result === "failed" ? "#c62828" : "#546e7a"}"${s.result === "skipped" ? ' stroke-dasharray="4 3"' : ""}/>` +
      `<text x="${num(x + 10)}" y="${num(y + 18)}" class="dag-title">Stage ${s.stageId}</text>` +
      `<text x="${num(x + 10)}" y="${num(y + 34)}" class="dag-text">${esc(line2)}</text>` +
      `<text x="${num(x + 10)}" y="${num(y + 49)}" class="dag-text">${esc(line3)}</text>` +
      `</g>`
    );
  });
  return (
    `<svg class="dag" data-job="${job.jobId}" width="${num(width, 0)}" height="${num(height, 0)}" viewBox="0 0 ${num(width, 0)} ${num(height, 0)}" role="img" aria-label="Stage DAG of job ${job.jobId}">` +
    `<defs><marker id="arrow-${job.jobId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#607d8b"/></marker></defs>` +
    edges.join("") +
    nodes.join("") +
    `</svg>`
  );
}
