/**
 * Shared helpers of the report's renderers: HTML escaping (every string that comes from an
 * event log goes through `esc`, in text and in attribute values alike), number formats and
 * the attempt outcome colours.
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML/SVG text and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A finite number for an SVG coordinate (never NaN/Infinity in the markup). */
export function num(n: number, digits = 1): string {
  return Number.isFinite(n) ? String(Number(n.toFixed(digits))) : "0";
}

export function ms(n: number): string {
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(2)} s`;
  const m = Math.floor(n / 60_000);
  return `${m} min ${((n % 60_000) / 1000).toFixed(0)} s`;
}

export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** How an attempt is drawn: its outcome, with speculative attempts told apart. */
export type Outcome = "success" | "failed" | "killed" | "fetchFailed" | "throttled" | "speculative";

export const OUTCOME_COLORS: Record<Outcome, string> = {
  success: "#43a047",
  failed: "#e53935",
  killed: "#9e9e9e",
  fetchFailed: "#fb8c00",
  throttled: "#8e24aa",
  speculative: "#1e88e5",
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  success: "succeeded",
  failed: "failed",
  killed: "killed (abandoned: deadline, lost the race or job stopped)",
  fetchFailed: "fetch failed (input recomputed)",
  throttled: "throttled",
  speculative: "speculative attempt that won",
};

export const STAGE_COLORS = { succeeded: "#e8f5e9", failed: "#ffebee", running: "#fff8e1", skipped: "#f5f5f5" } as const;
