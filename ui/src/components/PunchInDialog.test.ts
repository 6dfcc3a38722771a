// The punch-in form's prefill from the day's focus sessions (mockIPC for Rust).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
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

describe("the note and the errors", () => {
  it("keeps a pasted note past 2,000 characters whole and says how much to cut", async () => {
    render(PunchInDialog, { props: { board: board([]), subjects: SUBJECTS, onclose: () => {}, onsaved: () => {} } });
    const note = await screen.findByLabelText("今天的心得");
    await fireEvent.input(note, { target: { value: "字".repeat(2001) } });
    expect((note as HTMLTextAreaElement).value).toHaveLength(2001);
    expect(note.hasAttribute("maxlength")).toBe(false);
    expect(screen.getByText("2001/2000").classList.contains("over")).toBe(true);
    expect(screen.getByText("心得最多 2000 字，现在多了 1 字，删掉一些再保存。")).toBeTruthy();
  });

  it("gives a field's reason once, under the field, and the banner only points there", async () => {
    mockIPC((cmd) => {
      if (cmd === "focus_day") return { ...focus, minutes: [], total_min: 0 };
      if (cmd === "photo_thumbnails") return [];
      if (cmd === "save_punch_in")
        throw { kind: "validation", message: "数学一：数量应在 0 到 1440 之间。", fields: [{ field: "minutes.0", message: "数量应在 0 到 1440 之间。" }] };
      throw `unexpected command ${cmd}`;
    });
    render(PunchInDialog, { props: { board: board([]), subjects: SUBJECTS, onclose: () => {}, onsaved: () => {} } });
    const math = await waitFor(() => input("数学一") ?? Promise.reject(new Error("no input")));
    await fireEvent.input(math, { target: { value: "1500" } });
    await fireEvent.submit(math.closest("form") as HTMLFormElement);
    await screen.findByText("请先修改标红的内容。");
    expect(screen.getAllByText(/数量应在 0 到 1440 之间/)).toHaveLength(1);
  });
});
