import { describe, expect, it } from "vitest";

import type { BlockKind, DayPlan, PlannedBlock, Subject } from "./bindings";
import {
  blockName,
  clock,
  fullName,
  isLaterDay,
  KIND_COLORS,
  leftText,
  minutesFrom,
  nowMinutes,
  plannedStudyMinutes,
  sameOccurrence,
  shortfall,
  splitLabel,
  subjectRows,
  timeline,
  timeRange,
  blockColor,
} from "./dayplan";

const DATE = "2026-11-25";
const subjects: Subject[] = [
  { id: "pol", name: "政治", color: "#e5484d", position: 0 },
  { id: "eng", name: "英语一", color: "#3e63dd", position: 1 },
  { id: "math", name: "数学一", color: "#0e7f71", position: 2 },
];

const pad = (n: number) => String(n).padStart(2, "0");

/** A planned block of study day DATE in UTC+8, `start`/`end` as "HH:MM" (end before start: next day; 25:00 is 01:00 the next day). */
function pb(id: string, start: string, end: string, kind: BlockKind, label = "", subject: string | null = null, date = DATE): PlannedBlock {
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const s = toMin(start);
  let e = toMin(end);
  if (e <= s) e += 1440;
  const base = Date.parse(`${date}T00:00:00+08:00`);
  const local = (m: number) => {
    const d = new Date(base + m * 60_000 + 8 * 3_600_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  };
  return {
    date,
    block: { id, start_min: s % 1440, end_min: e % 1440, kind, subject_id: subject, label, color: null, remind_before_min: null },
    template_id: "t",
    start_utc: new Date(base + s * 60_000).toISOString(),
    end_utc: new Date(base + e * 60_000).toISOString(),
    start_local: local(s),
    end_local: local(e),
  };
}

const blocks = [
  pb("up", "06:30", "07:00", "other", "起床"),
  pb("am", "08:30", "11:30", "study", "上午学习", "math"),
  pb("pm", "13:00", "16:00", "study", "", "eng"),
  pb("free", "16:00", "17:00", "study", ""),
  pb("walk", "19:00", "20:00", "exercise", "散步 — 走一小时"),
  pb("eve", "20:00", "22:30", "study", "晚上学习", "pol"),
  pb("sleep", "23:00", "06:30", "sleep", "睡觉"),
];
const walk = blocks[4] as PlannedBlock;
const eve = blocks[5] as PlannedBlock;

function plan(over: Partial<DayPlan> = {}): DayPlan {
  return {
    blocks,
    current: walk,
    current_left_min: 30,
    current_progress: 0.5,
    next: eve,
    planned_by_subject: [
      { subject_id: "math", minutes: 180 },
      { subject_id: "eng", minutes: 180 },
      { subject_id: "pol", minutes: 150 },
    ],
    ...over,
  };
}

describe("names", () => {
  it("splits a label at the dash into name and note", () => {
    expect(splitLabel("散步 — 走一小时")).toEqual({ title: "散步", subtitle: "走一小时" });
    expect(splitLabel("晚上学习")).toEqual({ title: "晚上学习", subtitle: "" });
    expect(splitLabel("a-b")).toEqual({ title: "a-b", subtitle: "" });
  });

  it("falls back to the subject, then the kind", () => {
    expect(blockName(walk.block, subjects, "zh-CN")).toEqual({ title: "散步", subtitle: "走一小时" });
    expect(blockName({ label: "", kind: "study", subject_id: "eng" }, subjects, "zh-CN").title).toBe("英语一");
    expect(blockName({ label: "", kind: "study", subject_id: "gone" }, subjects, "zh-CN").title).toBe("学习");
    expect(blockName({ label: "", kind: "meal", subject_id: null }, subjects, "en").title).toBe("Meal");
    expect(blockName({ label: "  ", kind: "sleep", subject_id: null }, subjects, "zh-CN").title).toBe("睡觉");
    expect(fullName(walk.block, subjects, "en")).toBe("散步 — 走一小时");
  });

  it("colours: own, else the subject's for study, else the kind's", () => {
    expect(blockColor(eve.block, subjects)).toBe("#e5484d");
    expect(blockColor(walk.block, subjects)).toBe(KIND_COLORS.exercise);
    expect(blockColor({ ...walk.block, color: "#123456" }, subjects)).toBe("#123456");
  });

  it("times and ranges", () => {
    expect(clock(walk.start_local)).toBe("19:00");
    expect(timeRange(walk)).toBe("19:00–20:00");
    expect(timeRange(blocks[6] as PlannedBlock)).toBe("23:00–06:30");
  });

  it("time left in both languages", () => {
    expect(leftText(30, "zh-CN")).toBe("还剩 30 分钟");
    expect(leftText(30, "en")).toBe("30 min left");
    expect(leftText(80, "zh-CN")).toBe("还剩 1 小时 20 分钟");
    expect(leftText(80, "en")).toBe("1 h 20 min left");
  });
});

describe("now", () => {
  it("counts minutes from the day's midnight, across days", () => {
    expect(minutesFrom(DATE, "2026-11-25T19:30")).toBe(1170);
    expect(minutesFrom(DATE, "2026-11-26T06:30")).toBe(1830);
    expect(minutesFrom(DATE, "2026-11-24T23:00")).toBe(-60);
    expect(minutesFrom("2026-12-31", "2027-01-01T00:15")).toBe(1455);
  });

  it("comes from the current block's progress, else the board's local time, else between blocks", () => {
    expect(nowMinutes(plan(), DATE, "2026-11-25T19:29")).toBe(1170);
    const free = plan({ current: null, current_progress: null, current_left_min: null, next: walk });
    expect(nowMinutes(free, DATE, "2026-11-25T18:40")).toBe(1120);
    // Dinner would have ended at 17:00 (the "free" block); walk starts 19:00 → halfway.
    expect(nowMinutes(free, DATE, null)).toBe((1020 + 1140) / 2);
    expect(nowMinutes({ ...free, next: null }, DATE, null)).toBeNull();
  });

  it("tells tomorrow's block from today's", () => {
    expect(isLaterDay(eve, DATE)).toBe(false);
    expect(isLaterDay(pb("up", "06:30", "07:00", "other", "起床", null, "2026-11-26"), DATE)).toBe(true);
    expect(sameOccurrence(walk, walk)).toBe(true);
    expect(sameOccurrence(walk, { ...walk, date: "2026-11-26" })).toBe(false);
    expect(sameOccurrence(walk, null)).toBe(false);
  });
});

describe("timeline", () => {
  it("runs from the first start to midnight when the last block crosses it", () => {
    const tl = timeline(plan(), DATE, 1170);
    expect(tl).not.toBeNull();
    if (!tl) return;
    expect(tl.from).toBe(390);
    expect(tl.to).toBe(1440);
    const sleep = tl.segments[6];
    expect(sleep?.to).toBe(1440);
    expect((sleep?.left ?? 0) + (sleep?.width ?? 0)).toBeCloseTo(100);
    expect(tl.segments[0]?.left).toBe(0);
    expect(tl.segments.map((s) => s.state)).toEqual(["past", "past", "past", "past", "current", "future", "future"]);
    expect(tl.now).toBeCloseTo(((1170 - 390) / (1440 - 390)) * 100);
  });

  it("extends past midnight for study-day blocks after it", () => {
    const late = [...blocks.slice(0, 6), pb("night", "23:00", "00:30", "study", "夜读"), pb("sleep", "25:00", "32:00", "sleep")];
    const tl = timeline(plan({ blocks: late, current: null }), DATE, null);
    expect(tl?.to).toBe(1440 + 480);
    expect(tl?.segments.every((s) => s.state === "future")).toBe(true);
    expect(tl?.now).toBeNull();
  });

  it("has no now line outside the strip, and no strip without blocks", () => {
    expect(timeline(plan({ current: null }), DATE, 200)?.now).toBeNull();
    expect(timeline(plan({ blocks: [] }), DATE, 600)).toBeNull();
  });
});

describe("planned study", () => {
  it("adds every study block, with or without a subject", () => {
    expect(plannedStudyMinutes(plan())).toBe(180 + 180 + 60 + 150);
  });

  it("lists subjects with names and colours, then study without a subject", () => {
    const rows = subjectRows(plan(), subjects, "zh-CN");
    expect(rows.map((r) => [r.name, r.minutes])).toEqual([
      ["数学一", 180],
      ["英语一", 180],
      ["政治", 150],
      ["未指定科目", 60],
    ]);
    expect(rows[0]?.color).toBe("#0e7f71");
    const unknown = subjectRows(plan({ planned_by_subject: [{ subject_id: "gone", minutes: 60 }] }), subjects, "en");
    expect(unknown[0]?.name).toBe("Other subject");
  });

  it("a shortfall only when below the target", () => {
    expect(shortfall(420, 480)).toBe(60);
    expect(shortfall(540, 480)).toBe(0);
  });
});
