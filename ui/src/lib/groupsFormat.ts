// Dates and times on the Groups screen: pure helpers (the group's own zone, never the
// computer's, for anything judged by the group).

/** `HH:MM` of an instant in the group's zone. */
export function timeInZone(utc: string, tz: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: tz }).format(
    new Date(utc),
  );
}

/** Adds `days` to an ISO date (calendar arithmetic in UTC, no time-zone drift). */
export function shiftDate(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** An instant in this computer's zone: "12月13日 08:30" / "13 Dec, 08:30". */
export function formatInstant(utc: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === "zh-CN" ? "zh-CN" : "en-GB", {
    month: lang === "zh-CN" ? "long" : "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(utc));
}
