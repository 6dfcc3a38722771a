// The punch-in form's prefill from the day's focus sessions (mockIPC for Rust).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { FocusDay, PunchInView, Subject, TodayBoard } from "../lib/bindings";
import { setLang } from "../lib/i18n/index.svelte";
import PunchInDialog from "./PunchInDialog.svelte";

const SUBJECTS: Subject[] = [
  { id: "math", name: "数学一", color: "#3e63dd", position: 0 },
  { id: "eng", name: "英语一", color: "#e5484d", position: 1 },
];

const punchIn = (id: string, minutes: { subject_id: string; minutes: number }[]): PunchInView =>
  ({ punch_in: { id, date: "2026-11-22", minutes, note: "", mood: null }, photos: [], local_time: "09:00", total_minutes: 0 }) as unknown as PunchInView;

const board = (punchIns: PunchInView[]): TodayBoard =>
  ({
    day: { date: "2026-11-22", day_start: "04:00", subjects: SUBJECTS.map((subject) => ({ subject, minutes: 0 })) },
    punch_ins: punchIns,
    goals: [],
    entry_choices: ["2026-11-22"],
    yesterday_open_until: "2026-11-22T16:00",
  }) as unknown as TodayBoard;

let focus: FocusDay;

beforeEach(() => {
  setLang("zh-CN");
  focus = {
    date: "2026-11-22",
    sessions: [],
    minutes: [
      { subject_id: "math", minutes: 50 },
      { subject_id: "eng", minutes: 20 },
      { subject_id: null, minutes: 30 },
    ],
    total_min: 100,
  };
  mockIPC((cmd) => {
    if (cmd === "focus_day") return focus;
    if (cmd === "photo_thumbnails") return [];
    throw `unexpected command ${cmd}`;
  });
});

afterEach(() => {
  cleanup();
  clearMocks();
});

const input = (name: string) => document.querySelector<HTMLInputElement>(`[data-subject="${name}"]`);

describe("punch-in prefill", () => {
  it("fills each subject's focus minutes not yet punched in, and says so", async () => {
    render(PunchInDialog, {
      props: { board: board([punchIn("p1", [{ subject_id: "math", minutes: 45 }, { subject_id: "eng", minutes: 30 }])]), subjects: SUBJECTS, onclose: () => {}, onsaved: () => {} },
    });
    const hint = await screen.findByTestId("punch-focus-prefill");
    expect(hint.textContent).toMatch(/已根据今天的专注记录填入 5 分钟/);
    expect(input("数学一")?.value).toBe("5");
    expect(input("英语一")?.value).toBe("");
  });

  it("never changes an existing punch-in's minutes", async () => {
    const editing = punchIn("p1", [{ subject_id: "math", minutes: 10 }]);
    render(PunchInDialog, { props: { board: board([editing]), subjects: SUBJECTS, editing, onclose: () => {}, onsaved: () => {} } });
    await waitFor(() => expect(input("数学一")?.value).toBe("10"));
    await new Promise((r) => setTimeout(r, 20));
    expect(input("英语一")?.value).toBe("");
    expect(screen.queryByTestId("punch-focus-prefill")).toBeNull();
  });

  it("says nothing when there is nothing left to fill", async () => {
    focus = { ...focus, minutes: [{ subject_id: null, minutes: 30 }], total_min: 30 };
    render(PunchInDialog, { props: { board: board([]), subjects: SUBJECTS, onclose: () => {}, onsaved: () => {} } });
    await new Promise((r) => setTimeout(r, 20));
    expect(input("数学一")?.value).toBe("");
    expect(screen.queryByTestId("punch-focus-prefill")).toBeNull();
  });
});
