import { describe, expect, it } from "vitest";

import type { DayPlan, PlannedBlock, Subject, TimerChoice, TimerView } from "./bindings";
import {
  MAX_INTERPOLATION_MS,
  blockedText,
  checkTimer,
  clockAt,
  focusPrefill,
  formatClock,
  fromCurrentBlock,
  interpolate,
  joinLines,
  lineErrors,
  minutesToday,
  phaseKey,
  progressFraction,
  punchedMinutes,
  sessionRange,
  splitLines,
  subjectName,
  timerText,
  toChoice,
  type TimerDraft,
} from "./focus";

const CHOICE: TimerChoice = {
  mode: "pomodoro",
  work_min: 25,
  short_break_min: 5,
  long_break_min: 15,
  rounds: 4,
  long_every: 4,
  countdown_min: 50,
  stopwatch_cap_min: 120,
  strict: false,
  block_apps: true,
  block_sites: false,
  overlay: false,
};

const VIEW: TimerView = {
  phase: "work",
  round: 1,
  rounds: 4,
  remaining_ms: 60_000,
  elapsed_ms: 0,
  session_elapsed_ms: 0,
  session_remaining_ms: 60_000,
  work_ms: 0,
  paused: false,
  strict: false,
  finished: false,
  exit_cooldown_remaining_ms: null,
};

const SUBJECTS: Subject[] = [
  { id: "math", name: "数学一", color: "#3e63dd", position: 0 },
  { id: "eng", name: "英语一", color: "#e5484d", position: 1 },
];

describe("timer text", () => {
  it("shows m:ss under an hour and h:mm:ss above", () => {
    expect(formatClock(59_000, true)).toBe("0:59");
    expect(formatClock(25 * 60_000, true)).toBe("25:00");
    expect(formatClock(65 * 60_000, true)).toBe("1:05:00");
    expect(formatClock(0, true)).toBe("0:00");
    expect(formatClock(-5, true)).toBe("0:00");
  });

  it("rounds a countdown up and a stopwatch down", () => {
    expect(formatClock(59_001, true)).toBe("1:00");
    expect(formatClock(59_999, false)).toBe("0:59");
    expect(timerText({ ...VIEW, remaining_ms: 58_500 }, "countdown")).toBe("0:59");
    expect(timerText({ ...VIEW, elapsed_ms: 61_900, remaining_ms: 1_000 }, "stopwatch")).toBe("1:01");
  });

  it("measures how far the phase has run", () => {
    expect(progressFraction({ elapsed_ms: 0, remaining_ms: 60_000 })).toBe(0);
    expect(progressFraction({ elapsed_ms: 15_000, remaining_ms: 45_000 })).toBe(0.25);
    expect(progressFraction({ elapsed_ms: 60_000, remaining_ms: 0 })).toBe(1);
    expect(progressFraction({ elapsed_ms: 0, remaining_ms: 0 })).toBe(0);
  });

  it("labels the phase, paused over everything", () => {
    expect(phaseKey({ phase: "work", paused: false })).toBe("focus.phase.work");
    expect(phaseKey({ phase: "short_break", paused: false })).toBe("focus.phase.short_break");
    expect(phaseKey({ phase: "long_break", paused: false })).toBe("focus.phase.long_break");
    expect(phaseKey({ phase: "long_break", paused: true })).toBe("focus.phase.paused");
  });

  it("counts today's minutes with the running session's whole minutes", () => {
    expect(minutesToday(30, null)).toBe(30);
    expect(minutesToday(30, { work_ms: 119_999 })).toBe(31);
  });
});

describe("interpolation between polls", () => {
  it("moves a running view on, but only a little and never past the phase", () => {
    const v = interpolate({ ...VIEW, exit_cooldown_remaining_ms: 300 }, 400);
    expect(v.remaining_ms).toBe(59_600);
    expect(v.elapsed_ms).toBe(400);
    expect(v.exit_cooldown_remaining_ms).toBe(0);
    expect(interpolate(VIEW, 10_000).remaining_ms).toBe(60_000 - MAX_INTERPOLATION_MS);
    expect(interpolate({ ...VIEW, remaining_ms: 200 }, 900).remaining_ms).toBe(0);
    expect(interpolate(VIEW, -50).remaining_ms).toBe(60_000);
  });

  it("leaves a paused or finished view alone", () => {
    expect(interpolate({ ...VIEW, paused: true }, 400)).toEqual({ ...VIEW, paused: true });
    expect(interpolate({ ...VIEW, finished: true }, 400).remaining_ms).toBe(60_000);
  });
});

describe("start form", () => {
  const draft = (over: Partial<TimerDraft>): TimerDraft => ({ ...CHOICE, ...over });

  it("accepts the defaults", () => {
    expect(checkTimer(draft({}), "zh-CN")).toEqual({});
  });

  it("reports each out-of-range or empty field of the chosen mode under Rust's field name", () => {
    const errors = checkTimer(draft({ work_min: 0, short_break_min: null, rounds: 13, long_every: 2.5 }), "en");
    expect(Object.keys(errors).sort()).toEqual(["mode.long_every", "mode.rounds", "mode.short_break_min", "mode.work_min"]);
    expect(errors["mode.work_min"]).toBe("Enter a whole number from 1 to 180.");
    expect(checkTimer(draft({ mode: "countdown", work_min: 0, countdown_min: 601 }), "zh-CN")).toEqual({
      "mode.minutes": "请输入 1 到 600 之间的整数。",
    });
    expect(Object.keys(checkTimer(draft({ mode: "stopwatch", stopwatch_cap_min: 721 }), "en"))).toEqual(["mode.cap_min"]);
    expect(checkTimer(draft({ mode: "stopwatch", stopwatch_cap_min: 720 }), "en")).toEqual({});
  });

  it("fills the unused empty fields so the request decodes", () => {
    const choice = toChoice(draft({ mode: "countdown", work_min: null, countdown_min: 45 }));
    expect(choice.work_min).toBe(1);
    expect(choice.countdown_min).toBe(45);
    expect(choice.block_apps).toBe(true);
  });

  it("starts from the current block: its minutes left and its subject", () => {
    const block = (subject_id: string | null, left: number | null): DayPlan => ({
      blocks: [],
      current: { block: { subject_id } } as PlannedBlock,
      current_left_min: left,
      current_progress: 0.5,
      next: null,
      planned_by_subject: [],
    });
    expect(fromCurrentBlock(block("math", 42), SUBJECTS)).toEqual({ minutes: 42, subjectId: "math" });
    expect(fromCurrentBlock(block("gone", 700), SUBJECTS)).toEqual({ minutes: 600, subjectId: null });
    expect(fromCurrentBlock(block(null, 0), SUBJECTS)).toEqual({ minutes: 1, subjectId: null });
    expect(fromCurrentBlock({ ...block(null, 5), current: null }, SUBJECTS)).toBeNull();
    expect(fromCurrentBlock(null, SUBJECTS)).toBeNull();
  });
});

describe("blocklist lines", () => {
  it("drops blank lines but remembers where each entry was", () => {
    expect(splitLines("bilibili.com\n\n  douyin.com  \r\n\n")).toEqual({ entries: ["bilibili.com", "douyin.com"], lines: [1, 3] });
    expect(splitLines("")).toEqual({ entries: [], lines: [] });
    expect(joinLines(["a.com", "b.com"])).toBe("a.com\nb.com");
  });

  it("maps Rust's entry errors back to textarea lines, in order", () => {
    const { lines } = splitLines("ok.com\n\nbad\n\nlocalhost");
    const fields = [
      { field: "sites.2", message: "localhost" },
      { field: "sites.1", message: "single label" },
      { field: "apps.0", message: "other list" },
      { field: "sites", message: "too many" },
    ];
    expect(lineErrors(fields, "sites", lines)).toEqual([
      { line: null, message: "too many" },
      { line: 3, message: "single label" },
      { line: 5, message: "localhost" },
    ]);
    expect(lineErrors(fields, "apps", [4])).toEqual([{ line: 4, message: "other list" }]);
    // An index beyond what was sent still names a line rather than vanishing.
    expect(lineErrors([{ field: "allow.7", message: "x" }], "allow", [])).toEqual([{ line: 8, message: "x" }]);
    expect(lineErrors([{ field: "sitesx.1", message: "x" }], "sites", [1, 2])).toEqual([]);
  });
});

describe("punch-in prefill", () => {
  it("sums what was punched in per subject", () => {
    expect(
      punchedMinutes([
        { minutes: [{ subject_id: "math", minutes: 30 }] },
        { minutes: [{ subject_id: "math", minutes: 15 }, { subject_id: "eng", minutes: 10 }] },
      ]),
    ).toEqual({ math: 45, eng: 10 });
  });

  it("fills focus minutes not punched in yet, never negative, never under an invented subject", () => {
    const focus = [
      { subject_id: "math", minutes: 50 },
      { subject_id: "eng", minutes: 20 },
      { subject_id: null, minutes: 40 },
      { subject_id: "deleted", minutes: 10 },
    ];
    expect(focusPrefill(focus, { math: 45, eng: 30 }, ["math", "eng"])).toEqual({ math: 5 });
    expect(focusPrefill(focus, {}, ["math", "eng"])).toEqual({ math: 50, eng: 20 });
    expect(focusPrefill([], { math: 10 }, ["math"])).toEqual({});
  });
});

describe("session words", () => {
  it("names the subject, or says there is none", () => {
    expect(subjectName("math", SUBJECTS, "zh-CN")).toBe("数学一");
    expect(subjectName(null, SUBJECTS, "zh-CN")).toBe("未选科目");
    expect(subjectName("gone", SUBJECTS, "en")).toBe("Deleted subject");
  });

  it("lists blocked apps with counts", () => {
    const blocked = [
      { app: "bilibili", count: 3 },
      { app: "steam", count: 1 },
    ];
    expect(blockedText(blocked, "zh-CN")).toBe("bilibili 3 次、steam 1 次");
    expect(blockedText(blocked, "en")).toBe("bilibili 3 times, steam once");
    expect(blockedText([], "en")).toBe("");
  });

  it("shows times in the home zone", () => {
    expect(clockAt("2026-11-22T06:05:00Z", "Asia/Shanghai")).toBe("14:05");
    expect(sessionRange({ started_at: "2026-11-22T06:00:00Z", ended_at: "2026-11-22T06:25:00Z" }, "Asia/Shanghai")).toBe("14:00–14:25");
    expect(clockAt("not a time", "Asia/Shanghai")).toBe("");
    // An unknown zone falls back to the machine's rather than failing.
    expect(clockAt("2026-11-22T06:05:00Z", "Not/AZone")).toMatch(/^\d\d:\d\d$/);
  });
});
