// Goal forms and descriptions. Pure functions, unit-tested.
import type { Goal, GoalInput, Lang } from "./bindings";
import { formatNumber, weekdayName } from "./i18n/format";
import { translate } from "./i18n/index.svelte";

export function emptyGoalInput(): GoalInput {
  return {
    id: null,
    title: "",
    unit: "",
    target: null,
    measure: "count",
    subject_id: null,
    schedule: { kind: "daily" },
    active_from: "",
    active_until: "",
  };
}

/** Weekday bits (Monday = bit 0) as ISO numbers. */
export function isoDays(bits: number): number[] {
  return [1, 2, 3, 4, 5, 6, 7].filter((d) => (bits & (1 << (d - 1))) !== 0);
}

export function goalToInput(goal: Goal): GoalInput {
  const s = goal.schedule;
  return {
    id: goal.id,
    title: goal.title,
    unit: goal.unit,
    target: goal.target,
    measure: goal.measure,
    subject_id: goal.subject_id,
    schedule:
      s.kind === "weekdays"
        ? { kind: "weekdays", days: isoDays(s.days) }
        : s.kind === "per_week"
          ? { kind: "per_week", times: s.times }
          : { kind: "daily" },
    active_from: goal.active_from,
    active_until: goal.active_until ?? "",
  };
}

/** "20 个" / "90 分钟" */
export function formatTarget(goal: Pick<Goal, "target" | "unit" | "measure">, lang: Lang): string {
  const unit = goal.measure === "minutes" ? translate(lang, "goals.minutes_unit") : goal.unit;
  return `${formatNumber(goal.target, lang)} ${unit}`;
}

/** "每天 20 个" / "每周一、三、五 20 个" / "每周 3 天，每次 2 套" */
export function describeGoal(goal: Goal, lang: Lang): string {
  const target = formatTarget(goal, lang);
  const s = goal.schedule;
  if (s.kind === "weekdays") {
    const days = isoDays(s.days)
      .map((d) => weekdayName(d, lang))
      .join(translate(lang, "goals.weekday_joiner"));
    return translate(lang, "goals.desc.weekdays", { days, target });
  }
  if (s.kind === "per_week") return translate(lang, "goals.desc.per_week", { n: s.times, target });
  return translate(lang, "goals.desc.daily", { target });
}
