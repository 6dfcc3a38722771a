// Dates, durations and numbers in the user's language, through Intl.
import type { Lang } from "../bindings";
import { translate } from "./index.svelte";

/** A calendar date `YYYY-MM-DD` as a UTC Date, so formatting never shifts it by a time zone. */
export function civilDate(iso: string): Date {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

/** "11月22日 星期日" / "Sunday 22 November" */
export function formatDayHeading(iso: string, lang: Lang): string {
  const date = civilDate(iso);
  if (lang === "zh-CN") {
    const md = new Intl.DateTimeFormat("zh-CN", { month: "long", day: "numeric", timeZone: "UTC" }).format(date);
    const wd = new Intl.DateTimeFormat("zh-CN", { weekday: "long", timeZone: "UTC" }).format(date);
    return `${md} ${wd}`;
  }
  return new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(date);
}

/** "2026年12月26日 星期六" / "Saturday 26 December 2026" */
export function formatLongDate(iso: string, lang: Lang): string {
  const date = civilDate(iso);
  if (lang === "zh-CN") {
    const ymd = new Intl.DateTimeFormat("zh-CN", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(date);
    const wd = new Intl.DateTimeFormat("zh-CN", { weekday: "long", timeZone: "UTC" }).format(date);
    return `${ymd} ${wd}`;
  }
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** A local wall-clock `YYYY-MM-DDTHH:MM` as "11月23日 04:00" / "23 November, 04:00". */
export function formatLocalDateTime(local: string, lang: Lang): string {
  const [day = "", time = ""] = local.split("T");
  const date = civilDate(day);
  if (lang === "zh-CN") {
    const md = new Intl.DateTimeFormat("zh-CN", { month: "long", day: "numeric", timeZone: "UTC" }).format(date);
    return `${md} ${time}`;
  }
  const md = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", timeZone: "UTC" }).format(date);
  return `${md}, ${time}`;
}

export function formatNumber(n: number, lang: Lang, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(lang === "zh-CN" ? "zh-CN" : "en-GB", {
    maximumFractionDigits: maxFractionDigits,
  }).format(n);
}

/** 0 → "0 分钟", 150 → "2 小时 30 分钟" / "2 h 30 min". */
export function formatDuration(minutes: number, lang: Lang): string {
  const total = Math.max(0, Math.round(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return translate(lang, "duration.minutes", { n: formatNumber(m, lang) });
  if (m === 0) return translate(lang, "duration.hours", { n: formatNumber(h, lang) });
  return translate(lang, "duration.hours_minutes", { h: formatNumber(h, lang), m: formatNumber(m, lang) });
}

/** A daily target in hours, e.g. 450 → "7.5 小时" / "7.5 h". */
export function formatTargetHours(minutes: number, lang: Lang): string {
  return translate(lang, "duration.hours", { n: formatNumber(minutes / 60, lang, 2) });
}

export function formatPercent(fraction: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === "zh-CN" ? "zh-CN" : "en-GB", {
    style: "percent",
    maximumFractionDigits: 0,
  }).format(Math.max(0, fraction));
}

/** "11月22日" / "22 Nov" */
export function formatShortDate(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === "zh-CN" ? "zh-CN" : "en-GB", {
    month: lang === "zh-CN" ? "long" : "short",
    day: "numeric",
    timeZone: "UTC",
  }).format(civilDate(iso));
}

/** Short weekday names for ISO weekdays 1 (Monday) … 7 (Sunday): "周一" / "Mon". */
export function weekdayName(iso: number, lang: Lang): string {
  // 2024-01-01 was a Monday.
  const date = new Date(Date.UTC(2024, 0, iso));
  return new Intl.DateTimeFormat(lang === "zh-CN" ? "zh-CN" : "en-GB", {
    weekday: "short",
    timeZone: "UTC",
  }).format(date);
}
