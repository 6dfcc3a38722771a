import { describe, expect, it } from "vitest";

import type { DayVerdict, HeatCell } from "./bindings";
import { cellKind, heatLevel, hourScale, whyKey } from "./stats";

const verdict = (state: DayVerdict["state"], extra: Partial<DayVerdict> = {}): DayVerdict => ({
  date: "2026-11-20",
  state,
  amount: 0,
  target: 1,
  backfilled: false,
  excuse: null,
  counted: false,
  ...extra,
});

describe("heat", () => {
  it("levels follow the share of the target", () => {
    expect([0, 10, 40, 90, 120, 500].map((m) => heatLevel(m, 120))).toEqual([0, 1, 2, 3, 4, 4]);
  });

  it("kinds say what a cell shows", () => {
    const cell = (minutes: number, v: DayVerdict | null): HeatCell => ({ date: "2026-11-20", minutes, punch_ins: 0, verdict: v });
    expect(cellKind(cell(0, null), "2026-11-22")).toBe("before");
    expect(cellKind(cell(0, verdict("missed")), "2026-11-22")).toBe("missed");
    expect(cellKind(cell(0, verdict("excused", { excuse: "leave" })), "2026-11-22")).toBe("excused");
    expect(cellKind(cell(30, verdict("done")), "2026-11-22")).toBe("work");
    expect(cellKind(cell(0, null), "2026-11-19")).toBe("future");
  });
});

describe("why", () => {
  it("explains each verdict", () => {
    expect(whyKey(verdict("done", { counted: true }), false)).toBe("day.why.done");
    expect(whyKey(verdict("done", { counted: false, backfilled: true }), false)).toBe("day.why.done_uncounted");
    expect(whyKey(verdict("excused", { excuse: "freeze" }), false)).toBe("day.why.freeze");
    expect(whyKey(verdict("open"), true)).toBe("day.why.open_today");
    expect(whyKey(verdict("open"), false)).toBe("day.why.open");
    expect(whyKey(verdict("missed"), false)).toBe("day.why.missed");
    expect(whyKey(null, false)).toBe("day.why.none");
  });
});

describe("scales", () => {
  it("picks round hour steps", () => {
    expect(hourScale(0)).toEqual({ top: 1, step: 0.5 });
    expect(hourScale(8 * 60)).toEqual({ top: 8, step: 2 });
    expect(hourScale(9 * 60)).toEqual({ top: 10, step: 2 });
    expect(hourScale(70 * 60)).toEqual({ top: 80, step: 20 });
  });
});
