// Pure helpers for the statistics screen: heat levels, day explanations, chart scales.
import type { DayVerdict, HeatCell } from "./bindings";
import type { MessageKey } from "./i18n/index.svelte";

/** 0 = nothing, 1..4 = darker, by minutes against the daily target. */
export function heatLevel(minutes: number, target: number): 0 | 1 | 2 | 3 | 4 {
  if (minutes <= 0) return 0;
  const share = target > 0 ? minutes / target : 1;
  if (share < 0.25) return 1;
  if (share < 0.5) return 2;
  if (share < 1) return 3;
  return 4;
}

export type CellKind = "empty" | "before" | "future" | "missed" | "excused" | "open" | "work";

export function cellKind(cell: HeatCell, today: string): CellKind {
  if (cell.date > today) return "future";
  if (!cell.verdict) return cell.minutes > 0 ? "work" : "before";
  const v = cell.verdict;
  if (cell.minutes > 0 || v.state === "done") return "work";
  if (v.state === "excused") return "excused";
  if (v.state === "missed" || v.state === "partial") return "missed";
  if (v.state === "open") return "open";
  return "empty";
}

/** The sentence that says why a day counts the way it does. */
export function whyKey(verdict: DayVerdict | null, isToday: boolean): MessageKey {
  if (!verdict) return "day.why.none";
  switch (verdict.state) {
    case "done":
      return verdict.counted ? "day.why.done" : "day.why.done_uncounted";
    case "excused":
      switch (verdict.excuse) {
        case "rest":
          return "day.why.rest";
        case "travel":
          return "day.why.travel";
        case "repair":
          return "day.why.repair";
        case "freeze":
          return "day.why.freeze";
        default:
          return "day.why.leave";
      }
    case "open":
      return isToday ? "day.why.open_today" : "day.why.open";
    case "partial":
      return "day.why.partial";
    case "not_due":
      return "day.why.not_due";
    default:
      return "day.why.missed";
  }
}

/** A round axis maximum and step for `max` minutes, in hours. */
export function hourScale(maxMinutes: number): { top: number; step: number } {
  const hours = Math.max(1, maxMinutes / 60);
  const steps = [0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500];
  const step = steps.find((s) => hours / s <= 5) ?? 1000;
  return { top: Math.ceil(hours / step) * step, step };
}

/** The short label of a verdict: excused days say why (leave, rest, freeze…). */
export function stateLabelKey(verdict: DayVerdict): MessageKey {
  if (verdict.state === "excused") {
    switch (verdict.excuse) {
      case "rest":
        return "excuse.rest";
      case "travel":
        return "excuse.travel";
      case "repair":
        return "excuse.repair";
      case "freeze":
        return "excuse.freeze";
      default:
        return "excuse.leave";
    }
  }
  const keys = {
    done: "state.done",
    open: "state.open",
    missed: "state.missed",
    partial: "state.partial",
    not_due: "state.not_due",
  } as const;
  return keys[verdict.state];
}
