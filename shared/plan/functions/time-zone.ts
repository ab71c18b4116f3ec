/**
 * Time zones as Spark (java.time) names and applies them: the session time zone
 * (`spark.sql.session.timeZone`, UTC by default) and the zones a timestamp string or a
 * function argument names. A zone is either a fixed offset or a region of the tz database
 * (through the runtime's ICU, which carries the same database java.time does).
 *
 * Offsets are in milliseconds east of UTC. A region's offset at an instant is found with
 * Intl once per 15-minute bucket (and exactly where a bucket holds a transition), so a column
 * of timestamps costs a map lookup per value, not an Intl call.
 */
import { UserError } from "../../errors.ts";

export type TimeZone =
  | { readonly kind: "fixed"; readonly id: string; readonly offsetMs: number }
  | { readonly kind: "region"; readonly id: string; readonly offsetAt: (utcMs: number) => number };

/** An unknown or malformed zone id (Spark's INVALID_TIMEZONE / DateTimeException). */
export class TimeZoneError extends UserError {
  override readonly name = "TimeZoneError";
}

/** java.time's ZoneId.SHORT_IDS, which Spark passes to ZoneId.of. */
const SHORT_IDS: Record<string, string> = {
  EST: "-05:00", MST: "-07:00", HST: "-10:00",
  ACT: "Australia/Darwin", AET: "Australia/Sydney", AGT: "America/Argentina/Buenos_Aires", ART: "Africa/Cairo",
  AST: "America/Anchorage", BET: "America/Sao_Paulo", BST: "Asia/Dhaka", CAT: "Africa/Harare", CNT: "America/St_Johns",
  CST: "America/Chicago", CTT: "Asia/Shanghai", EAT: "Africa/Addis_Ababa", ECT: "Europe/Paris", IET: "America/Indiana/Indianapolis",
  IST: "Asia/Kolkata", JST: "Asia/Tokyo", MIT: "Pacific/Apia", NET: "Asia/Yerevan", NST: "Pacific/Auckland", PLT: "Asia/Karachi",
  PNT: "America/Phoenix", PRT: "America/Puerto_Rico", PST: "America/Los_Angeles", SST: "Pacific/Guadalcanal", VST: "Asia/Ho_Chi_Minh",
};

/** UTC; also the zone in which a timestamp_ntz's microseconds are its wall clock (timestamp code on ntz values runs in it). */
export const UTC: TimeZone = { kind: "fixed", id: "UTC", offsetMs: 0 };
const cache = new Map<string, TimeZone>();

function invalid(id: string): never {
  throw new TimeZoneError(
    `[INVALID_TIMEZONE] The time zone "${id}" is invalid. Use a region such as "America/Los_Angeles" or an offset such as "+08:00", "-05:30", "UTC" or "Z".`,
  );
}

/** A fixed offset from its text after a sign: h, hh, hh:mm, hhmm, hh:mm:ss, hhmmss (java.time's ZoneOffset.of). */
function parseOffset(id: string, text: string): number {
  const m = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(text);
  if (!m) invalid(id);
  if (m[2]!.length === 1 && m[3] !== undefined) invalid(id);
  const [h, min, s] = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (h > 18 || min > 59 || s > 59 || h * 3600 + min * 60 + s > 18 * 3600) invalid(id);
  return (m[1] === "-" ? -1 : 1) * (h * 3600 + min * 60 + s) * 1000;
}

function offsetText(ms: number): string {
  const total = Math.abs(ms) / 1000;
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${ms < 0 ? "-" : "+"}${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ""}`;
}

const BUCKET_MS = 15 * 60 * 1000;

function region(id: string): TimeZone {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: id, hourCycle: "h23", era: "short", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
  } catch {
    invalid(id);
  }
  const exact = (utcMs: number): number => {
    const at = Math.floor(utcMs / 1000) * 1000;
    const parts: Record<string, string> = {};
    for (const p of format.formatToParts(new Date(at))) parts[p.type] = p.value;
    const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
    const local = new Date(0);
    local.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
    local.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
    return local.getTime() - at;
  };
  const buckets = new Map<number, number>();
  const offsetAt = (utcMs: number): number => {
    const b = Math.floor(utcMs / BUCKET_MS);
    const known = buckets.get(b);
    if (known !== undefined) return known;
    const start = exact(b * BUCKET_MS);
    if (exact(b * BUCKET_MS + BUCKET_MS - 1000) !== start) return exact(utcMs); // a transition inside: no caching
    if (buckets.size > 100_000) buckets.clear();
    buckets.set(b, start);
    return start;
  };
  return { kind: "region", id, offsetAt };
}

function resolve(raw: string): TimeZone {
  const id = raw
    // Spark's getZoneId: (+|-)h:mm and (+|-)hh:m, which Spark 2 accepted
    .replace(/([+-])(\d):/, "$10$2:")
    .replace(/([+-])(\d\d):(\d)$/, "$1$2:0$3");
  if (id === "Z") return UTC;
  if (id.startsWith("+") || id.startsWith("-")) {
    const ms = parseOffset(raw, id);
    return { kind: "fixed", id: offsetText(ms), offsetMs: ms };
  }
  const prefixed = /^(UTC|GMT|UT)([+-].*)?$/.exec(id);
  if (prefixed) {
    if (prefixed[2] === undefined) return { kind: "fixed", id, offsetMs: 0 };
    const ms = parseOffset(raw, prefixed[2]);
    return { kind: "fixed", id: `${prefixed[1]}${offsetText(ms)}`, offsetMs: ms };
  }
  const mapped = Object.hasOwn(SHORT_IDS, id) ? SHORT_IDS[id]! : id;
  if (mapped.startsWith("-")) return { kind: "fixed", id: mapped, offsetMs: parseOffset(raw, mapped) };
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(mapped)) invalid(raw);
  return region(mapped);
}

/** The zone a Spark zone id names (ZoneId.of with SHORT_IDS), or a TimeZoneError naming it. */
export function timeZone(id: string): TimeZone {
  let zone = cache.get(id);
  if (!zone) {
    zone = resolve(id);
    if (cache.size < 1000) cache.set(id, zone);
  }
  return zone;
}

/** The session time zone when none is set: UTC, as sparkfn's default for `spark.sql.session.timeZone`. */
export const DEFAULT_TIME_ZONE = "UTC";

/** The offset of `zone` at the instant `utcMs`. */
export function offsetAt(zone: TimeZone, utcMs: number): number {
  return zone.kind === "fixed" ? zone.offsetMs : zone.offsetAt(utcMs);
}

/**
 * The instant of a local date-time (milliseconds of the wall clock, as if it were UTC) in
 * `zone`, as java.time's ZonedDateTime.of resolves it: in an overlap (clocks set back) the
 * earlier offset; in a gap (clocks set forward) the time moves later by the gap's length.
 */
export function localToUtc(zone: TimeZone, localMs: number): number {
  if (zone.kind === "fixed") return localMs - zone.offsetMs;
  const DAY = 86_400_000;
  const before = zone.offsetAt(localMs - DAY);
  const after = zone.offsetAt(localMs + DAY);
  const t1 = localMs - before;
  const t2 = localMs - after;
  const ok1 = zone.offsetAt(t1) === before;
  const ok2 = zone.offsetAt(t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok1) return t1;
  if (ok2) return t2;
  // Neither offset fits: a gap (or a transition that is not within a day of both): shift by the earlier offset.
  return localMs - before;
}
