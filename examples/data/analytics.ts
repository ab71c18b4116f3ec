/**
 * Deterministic sample data of the analytics examples (sessionize.ts, top3-per-group.ts,
 * monthly-pivot.ts): the same seed always gives the same rows.
 */
import { seededRandom } from "../../shared/random.ts";
import { CATEGORIES } from "./transactions.ts";

export type Click = {
  readonly user: string;
  /** Seconds since the epoch. */
  readonly t: number;
};

/** A gap longer than this (30 minutes) between a user's clicks starts a new session. */
export const SESSION_GAP_SECONDS = 1_800;

/** Clicks of `users` users over a day: bursts of a few minutes apart, separated by gaps of hours. */
export function clicks(users = 40, seed = 7): Click[] {
  const random = seededRandom(seed);
  const out: Click[] = [];
  for (let u = 0; u < users; u++) {
    let t = 1_733_011_200 + Math.floor(random() * 3_600);
    const n = 5 + Math.floor(random() * 40);
    for (let i = 0; i < n; i++) {
      out.push({ user: `u${String(u).padStart(3, "0")}`, t });
      // Mostly seconds to minutes apart; now and then more than the 30-minute session gap.
      t += random() < 0.15 ? 1_800 + Math.floor(random() * 7_200) : 5 + Math.floor(random() * 900);
    }
  }
  // Rows arrive in no particular order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export type Sale = {
  readonly id: number;
  readonly category: string;
  readonly region: string;
  readonly month: number;
  /** Cents: sums stay exact integers. */
  readonly cents: number;
};

export const REGIONS = ["north", "south", "east", "west"] as const;

/** A year of sales; a region has no sales at all in some months. */
export function sales(n = 3_000, seed = 11): Sale[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const region = REGIONS[Math.floor(random() * REGIONS.length)]!;
    let month = 1 + Math.floor(random() * 12);
    if (region === "west" && month === 8) month = 9; // no August sales in the west
    return { id: i + 1, category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!, region, month, cents: 100 + Math.floor(random() * 99_900) };
  });
}
