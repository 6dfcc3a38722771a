// The overlay window's root and Today's focus card, against a fake Rust side.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { FocusStatus, RunningStatus, TodayBoard } from "../../lib/bindings";
import { setLang } from "../../lib/i18n/index.svelte";
import FocusCard from "../today/FocusCard.svelte";
import Overlay from "./Overlay.svelte";

function running(strict: boolean): RunningStatus {
  return {
    id: "s1",
    config: { mode: { kind: "pomodoro", work_min: 25, short_break_min: 5, long_break_min: 15, rounds: 4, long_every: 4 }, subject_id: null, strict },
    view: {
      phase: "work",
      round: 2,
      rounds: 4,
      remaining_ms: 24 * 60_000 + 30_000,
      elapsed_ms: 30_000,
      session_elapsed_ms: 0,
      session_remaining_ms: 0,
      work_ms: 0,
      paused: false,
      strict,
      finished: false,
      exit_cooldown_remaining_ms: null,
    },
    block_apps: false,
    blocked_app_count: 0,
    block_sites: false,
    overlay: true,
    blocked: [],
    watcher_problem: null,
  };
}

let status: FocusStatus;
let commands: string[];

beforeEach(() => {
  setLang("zh-CN");
  commands = [];
  status = { running: running(false), last: null };
  mockIPC((cmd) => {
    commands.push(cmd);
    if (cmd === "app_info") return { language: "en", onboarded: true, detected_time_zone: "UTC", version: "0", data_dir: "", startup_error: null };
    if (cmd === "focus_status") return status;
    if (cmd === "focus_day") return { date: "2026-11-22", sessions: [], minutes: [{ subject_id: null, minutes: 1 }], total_min: 1 };
    if (cmd === "focus_request_exit") return (status = { running: { ...running(true), view: { ...running(true).view, exit_cooldown_remaining_ms: 600_000 } }, last: null });
    throw `unexpected command ${cmd}`;
  });
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("overlay", () => {
  it("shows the timer in the app's language and where to stop a non-strict session", async () => {
    render(Overlay);
    await waitFor(() => expect(screen.getByTestId("focus-timer").textContent).toMatch(/^24:(30|29)$/));
    await waitFor(() => expect(screen.getByText("Pause or stop in the Daka window.")).toBeTruthy());
    expect(screen.getByText(/Round 2\/4/)).toBeTruthy();
    expect(screen.queryByTestId("focus-show-code")).toBeNull();
  });

  it("offers the emergency exit of a strict session, and uses only the commands it may", async () => {
    status = { running: running(true), last: null };
    render(Overlay);
    await fireEvent.click(await screen.findByTestId("focus-cooldown-start"));
    expect(await screen.findByTestId("focus-cooldown-confirm")).toBeTruthy();
    const allowed = ["app_info", "focus_status", "focus_exit_challenge", "focus_emergency_exit", "focus_request_exit", "focus_cancel_exit", "focus_confirm_exit"];
    expect(commands.filter((c) => !allowed.includes(c))).toEqual([]);
  });
});

describe("Today's focus card", () => {
  const board = { day: { date: "2026-11-22", subjects: [] } } as unknown as TodayBoard;

  it("shows today's minutes and the running session's time left", async () => {
    render(FocusCard, { props: { board, onopen: () => {} } });
    await waitFor(() => expect(screen.getByTestId("today-focus-minutes").textContent).toBe("1 分钟"));
    expect((await screen.findByTestId("today-focus-left")).textContent).toMatch(/还剩 24:30/);
  });

  it("offers to start when nothing runs", async () => {
    status = { running: null, last: null };
    let opened = false;
    render(FocusCard, { props: { board, onopen: () => (opened = true) } });
    await fireEvent.click(await screen.findByTestId("today-focus-start"));
    expect(opened).toBe(true);
  });
});
