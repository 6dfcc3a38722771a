// Today's plan card, pure parts: block names and colours, wall-clock minutes of the study day,
// where "now" is, the timeline strip, and the planned study minutes against the daily target.
// Unit-tested. Colours come from the Plan screen's lib/plan.ts so both screens agree.
import type { Block, DayPlan, Lang, PlannedBlock, Subject } from "./bindings";
import { formatDuration } from "./i18n/format";
import { translate } from "./i18n/index.svelte";
import { blockColor, DAY_MIN, KIND_COLORS } from "./plan";

export { blockColor, KIND_COLORS };

/** What separates a label's name from its note: "散步 — 走一小时". */
const NOTE_SEPARATOR = " — ";

/** "散步 — 走一小时" → { title: "散步", subtitle: "走一小时" }; no separator → no subtitle. */
export function splitLabel(label: string): { title: string; subtitle: string } {
  const at = label.indexOf(NOTE_SEPARATOR);
  if (at === -1) return { title: label.trim(), subtitle: "" };
  return { title: label.slice(0, at).trim(), subtitle: label.slice(at + NOTE_SEPARATOR.length).trim() };
}

/**
 * A block's name as Today shows it: the label's name (and note), else the subject's name for a
 * study block, else the kind's localized name ("吃饭").
 */
export function blockName(
  block: Pick<Block, "label" | "kind" | "subject_id">,
  subjects: Subject[],
  lang: Lang,
): { title: string; subtitle: string } {
  const split = splitLabel(block.label);
  if (split.title) return split;
  if (block.kind === "study" && block.subject_id) {
    const subject = subjects.find((s) => s.id === block.subject_id);
    if (subject) return { title: subject.name, subtitle: split.subtitle };
  }
  return { title: translate(lang, `plan.kind.${block.kind}`), subtitle: split.subtitle };
}

/** The name in one line: "散步 — 走一小时", or the fallback name. */
export function fullName(block: Pick<Block, "label" | "kind" | "subject_id">, subjects: Subject[], lang: Lang): string {
  const { title, subtitle } = blockName(block, subjects, lang);
  return subtitle ? `${title}${NOTE_SEPARATOR}${subtitle}` : title;
}

/** "2026-11-25T19:30" → "19:30" */
export function clock(local: string): string {
  return local.slice(11, 16);
}

/** "19:00–20:00" */
export function timeRange(p: Pick<PlannedBlock, "start_local" | "end_local">): string {
  return `${clock(p.start_local)}–${clock(p.end_local)}`;
}

function dayNumber(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 86_400_000;
}

/**
 * A local `YYYY-MM-DDTHH:MM` as wall-clock minutes after 00:00 of `date`: negative the day
 * before, 1440 and more the day after (so 06:30 the next morning is 1830).
 */
export function minutesFrom(date: string, local: string): number {
  const [day = date, time = "00:00"] = local.split("T");
  const [h, m] = time.split(":").map(Number);
  return (dayNumber(day) - dayNumber(date)) * DAY_MIN + (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Now, in minutes after 00:00 of `date`, without reading the computer's clock (the app's clock
 * can be pinned): inside the current block from how far it has run, otherwise from the board's
 * local time; failing both, halfway between the last block that ended and the next one.
 */
export function nowMinutes(plan: DayPlan, date: string, localNow: string | null): number | null {
  const c = plan.current;
  if (c && plan.current_progress !== null) {
    const s = minutesFrom(date, c.start_local);
    const e = minutesFrom(date, c.end_local);
    return s + plan.current_progress * (e - s);
  }
  if (localNow) return minutesFrom(date, localNow);
  if (!plan.next) return null;
  const nextStart = minutesFrom(date, plan.next.start_local);
  const ended = plan.blocks.map((p) => minutesFrom(date, p.end_local)).filter((e) => e <= nextStart);
  return ended.length ? (Math.max(...ended) + nextStart) / 2 : null;
}

/** Whether two planned blocks are the same occurrence. */
export function sameOccurrence(a: PlannedBlock | null, b: PlannedBlock | null): boolean {
  return !!a && !!b && a.block.id === b.block.id && a.date === b.date;
}

/** Whether `next` is on a later study day than `today` ("明天 06:30 起床"). */
export function isLaterDay(next: Pick<PlannedBlock, "date">, today: string): boolean {
  return next.date > today;
}

export type BlockState = "past" | "current" | "future";

export type TimelineSegment = {
  planned: PlannedBlock;
  /** Minutes after 00:00 of the day, clipped to the strip. */
  from: number;
  to: number;
  /** Percentages of the strip's width. */
  left: number;
  width: number;
  state: BlockState;
};

export type Timeline = {
  /** The strip runs from the first block's start to the last block's end, in minutes of the day. */
  from: number;
  to: number;
  segments: TimelineSegment[];
  /** Where "now" is, in percent of the width; `null` when outside the strip or unknown. */
  now: number | null;
};

/**
 * The strip of today's blocks. A block crossing midnight (23:00–06:30 sleep) ends at the right
 * edge, which is midnight unless later blocks of the study day (after midnight) push it further.
 */
export function timeline(plan: DayPlan, date: string, now: number | null): Timeline | null {
  if (plan.blocks.length === 0) return null;
  const raw = plan.blocks.map((p) => ({ p, s: minutesFrom(date, p.start_local), e: minutesFrom(date, p.end_local) }));
  const from = Math.min(...raw.map((r) => r.s));
  const edge = Math.max(...raw.map((r) => (r.s < DAY_MIN && r.e > DAY_MIN ? DAY_MIN : r.e)));
  const to = Math.max(edge, from + 1);
  const pct = (m: number) => ((m - from) / (to - from)) * 100;
  const segments = raw.map(({ p, s, e }): TimelineSegment => {
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    const state: BlockState = sameOccurrence(p, plan.current)
      ? "current"
      : now !== null && e <= now
        ? "past"
        : "future";
    return { planned: p, from: a, to: b, left: pct(a), width: Math.max(0, pct(b) - pct(a)), state };
  });
  return { from, to, segments, now: now !== null && now >= from && now <= to ? pct(now) : null };
}

/** Minutes from `a` to `b`, UTC instants (so a night with a clock change counts right). */
export function instantMinutes(a: string, b: string): number {
  return Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 60_000));
}

/** All study minutes planned today, including study blocks without a subject. */
export function plannedStudyMinutes(plan: DayPlan): number {
  return plan.blocks
    .filter((p) => p.block.kind === "study")
    .reduce((sum, p) => sum + instantMinutes(p.start_utc, p.end_utc), 0);
}

export type SubjectRow = { id: string | null; name: string; color: string; minutes: number };

/** Planned minutes per subject, with the subjects' names and colours, then study without a subject. */
export function subjectRows(plan: DayPlan, subjects: Subject[], lang: Lang): SubjectRow[] {
  const rows: SubjectRow[] = plan.planned_by_subject.map((sp) => {
    const s = subjects.find((x) => x.id === sp.subject_id);
    return {
      id: sp.subject_id,
      name: s?.name ?? translate(lang, "todayplan.unknown_subject"),
      color: s?.color ?? KIND_COLORS.study,
      minutes: sp.minutes,
    };
  });
  const assigned = rows.reduce((sum, r) => sum + r.minutes, 0);
  const rest = plannedStudyMinutes(plan) - assigned;
  if (rest > 0) rows.push({ id: null, name: translate(lang, "todayplan.unassigned"), color: KIND_COLORS.other, minutes: rest });
  return rows;
}

/** "还剩 30 分钟" / "1 h 20 min left" */
export function leftText(minutes: number, lang: Lang): string {
  return translate(lang, "todayplan.left", { d: formatDuration(minutes, lang) });
}

/** How much of the daily target the plan leaves unplanned (0 when it meets it). */
export function shortfall(plannedMin: number, targetMin: number): number {
  return Math.max(0, targetMin - plannedMin);
}
