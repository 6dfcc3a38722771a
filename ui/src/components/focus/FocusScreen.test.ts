// The Focus screen against a fake Rust side (mockIPC): what it sends and what it shows.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type {
  AppError,
  BlockerStatus,
  FocusDay,
  FocusSettingsView,
  FocusStatus,
  RunningStatus,
  TimerChoice,
  TodayBoard,
} from "../../lib/bindings";
import { confirmation } from "../../lib/confirm.svelte";
import { setLang } from "../../lib/i18n/index.svelte";
import FocusScreen from "./FocusScreen.svelte";

const TIMER: TimerChoice = {
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

const SETTINGS: FocusSettingsView = {
  settings: { presets: ["video"], sites: ["example.com"], apps: [], allow: [], timer: TIMER },
  presets: [{ id: "video", name: "视频", sites: ["bilibili.com"], apps: ["bilibili"] }],
  warnings: [],
  allowlist: ["wechat"],
  site_count: 2,
  app_count: 1,
};

const BOARD = {
  day: {
    date: "2026-11-22",
    time_zone: "Asia/Shanghai",
    subjects: [{ subject: { id: "math", name: "数学一", color: "#3e63dd", position: 0 }, minutes: 0 }],
  },
  punch_ins: [],
  goals: [],
  entry_choices: ["2026-11-22"],
} as unknown as TodayBoard;

function runningStatus(over: Partial<RunningStatus["view"]> = {}, strict = false): RunningStatus {
  return {
    id: "s1",
    config: { mode: { kind: "countdown", minutes: 1 }, subject_id: "math", strict },
    view: {
      phase: "work",
      round: 1,
      rounds: 1,
      remaining_ms: 59_000,
      elapsed_ms: 1_000,
      session_elapsed_ms: 1_000,
      session_remaining_ms: 59_000,
      work_ms: 1_000,
      paused: false,
      strict,
      finished: false,
      exit_cooldown_remaining_ms: null,
      ...over,
    },
    block_apps: true,
    blocked_app_count: 1,
    block_sites: false,
    overlay: false,
    blocked: [{ app: "bilibili", count: 3 }],
    watcher_problem: null,
  };
}

type Handler = (args: Record<string, unknown>) => unknown;
let calls: { cmd: string; args: Record<string, unknown> }[];
let status: FocusStatus;
let day: FocusDay;
let handlers: Record<string, Handler>;

const HELPER_MISSING: BlockerStatus = {
  helper: "not_installed",
  strict: false,
  remaining_secs: 0,
  site_count: 0,
  layers: { hosts: "off", chromium: "off", chrome: "off", firefox: "off" },
  can_install: true,
  problem: null,
};

function reject(error: AppError): never {
  throw error;
}

beforeEach(() => {
  setLang("zh-CN");
  calls = [];
  status = { running: null, last: null };
  day = { date: "2026-11-22", sessions: [], minutes: [], total_min: 0 };
  handlers = {
    focus_status: () => status,
    focus_settings: () => SETTINGS,
    focus_day: () => day,
    blocker_status: () => HELPER_MISSING,
    today_plan: () => ({ blocks: [], current: null, current_left_min: null, current_progress: null, next: null, planned_by_subject: [] }),
  };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    const handler = handlers[cmd];
    if (!handler) throw `unexpected command ${cmd}`;
    return handler((args ?? {}) as Record<string, unknown>);
  });
});

afterEach(() => {
  cleanup();
  clearMocks();
  confirmation.answer(false);
});

const show = () => render(FocusScreen, { props: { board: BOARD, onchanged: async () => {} } });

describe("idle", () => {
  it("starts a countdown with the chosen subject and the remembered toggles", async () => {
    handlers.focus_start = (args) => {
      status = { running: runningStatus(), last: null };
      void args;
      return status;
    };
    show();
    await fireEvent.click(await screen.findByTestId("focus-mode-countdown"));
    const minutes = screen.getByTestId("focus-countdown-min") as HTMLInputElement;
    expect(minutes.value).toBe("50");
    await fireEvent.input(minutes, { target: { value: "30" } });
    await fireEvent.change(screen.getByTestId("focus-subject"), { target: { value: "math" } });
    await fireEvent.click(screen.getByTestId("focus-strict"));
    await fireEvent.click(screen.getByTestId("focus-start"));
    const start = calls.find((c) => c.cmd === "focus_start");
    expect(start?.args).toEqual({ request: { timer: { ...TIMER, mode: "countdown", countdown_min: 30, strict: true }, subject_id: "math" } });
    expect((await screen.findByTestId("focus-timer")).textContent).toBe("0:59");
  });

  it("checks ranges before asking Rust, and shows Rust's field errors by the input", async () => {
    show();
    const work = (await screen.findByTestId("focus-work-min")) as HTMLInputElement;
    await fireEvent.input(work, { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("focus-start"));
    expect(calls.some((c) => c.cmd === "focus_start")).toBe(false);
    expect(screen.getByTestId("focus-error").textContent).toMatch(/标红/);
    expect(work.getAttribute("aria-invalid")).toBe("true");

    handlers.focus_start = () =>
      reject({ kind: "validation", message: "请检查", fields: [{ field: "mode.rounds", message: "轮数不对" }] });
    await fireEvent.input(work, { target: { value: "25" } });
    await fireEvent.click(screen.getByTestId("focus-start"));
    await waitFor(() => expect(screen.getByTestId("focus-rounds").getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("轮数不对")).toBeTruthy();
  });

  it("lists today's sessions and sums them", async () => {
    day = {
      date: "2026-11-22",
      sessions: [
        {
          id: "a",
          subject_id: "math",
          mode: "pomodoro",
          planned_min: 25,
          actual_sec: 1500,
          actual_min: 25,
          outcome: "completed",
          strict: true,
          started_at: "2026-11-22T06:00:00Z",
          ended_at: "2026-11-22T06:25:00Z",
          logical_date: "2026-11-22",
          blocked: [{ app: "bilibili", count: 3 }],
        },
      ],
      minutes: [{ subject_id: "math", minutes: 25 }],
      total_min: 25,
    };
    show();
    const item = await screen.findByTestId("focus-session");
    expect(item.textContent).toMatch(/14:00–14:25/);
    expect(item.textContent).toMatch(/数学一/);
    expect(item.textContent).toMatch(/已完成/);
    expect(item.textContent).toMatch(/拦截了 bilibili 3 次/);
    expect(screen.getByTestId("focus-day-total").textContent).toBe("共 25 分钟");
  });

  it("shows the summary of the session that just ended, with a way to punch in", async () => {
    status = {
      running: null,
      last: {
        id: "b",
        subject_id: null,
        mode: "countdown",
        planned_min: 30,
        actual_sec: 600,
        actual_min: 10,
        outcome: "abandoned",
        strict: false,
        started_at: "2026-11-22T06:00:00Z",
        ended_at: "2026-11-22T06:10:00Z",
        logical_date: "2026-11-22",
        blocked: [],
      },
    };
    show();
    const summary = await screen.findByTestId("focus-summary");
    expect(summary.textContent).toMatch(/提前结束/);
    expect(summary.textContent).toMatch(/10 分钟/);
    await fireEvent.click(screen.getByTestId("focus-punch-in"));
    expect(await screen.findByTestId("punch-dialog")).toBeTruthy();
  });
});

describe("website blocking without its helper", () => {
  it("is off and cannot be ticked, says why, and the session does not ask for it", async () => {
    handlers.focus_settings = () => ({ ...SETTINGS, settings: { ...SETTINGS.settings, timer: { ...TIMER, block_sites: true } } });
    handlers.focus_start = () => {
      status = { running: runningStatus(), last: null };
      return status;
    };
    show();
    const sites = (await screen.findByTestId("focus-block-sites")) as HTMLInputElement;
    expect(sites.checked).toBe(false);
    expect(sites.disabled).toBe(true);
    expect(screen.getByText(/网站屏蔽现在是关闭的：需要先安装网站屏蔽助手 daka-blockd/)).toBeTruthy();
    await fireEvent.click(screen.getByTestId("focus-start"));
    const start = calls.find((c) => c.cmd === "focus_start");
    expect((start?.args as { request: { timer: TimerChoice } }).request.timer.block_sites).toBe(false);
  });
});

describe("after a session", () => {
  it("starts the form on the last session's subject", async () => {
    status = {
      running: null,
      last: {
        id: "c",
        subject_id: "math",
        mode: "countdown",
        planned_min: 25,
        actual_sec: 1500,
        actual_min: 25,
        outcome: "completed",
        strict: false,
        started_at: "2026-11-22T06:00:00Z",
        ended_at: "2026-11-22T06:25:00Z",
        logical_date: "2026-11-22",
        blocked: [],
      },
    } as unknown as FocusStatus;
    show();
    const select = (await screen.findByTestId("focus-subject")) as HTMLSelectElement;
    expect(select.value).toBe("math");
  });
});

describe("running", () => {
  it("pauses, and stops only after confirming", async () => {
    status = { running: runningStatus(), last: null };
    handlers.focus_pause = () => {
      status = { running: runningStatus({ paused: true }), last: null };
      return status;
    };
    handlers.focus_stop = () => {
      status = { running: null, last: null };
      return status;
    };
    show();
    await fireEvent.click(await screen.findByTestId("focus-pause"));
    expect(await screen.findByTestId("focus-resume")).toBeTruthy();
    expect(screen.getByTestId("focus-phase").textContent).toBe("已暂停");
    expect(screen.getByTestId("focus-blocked").textContent).toMatch(/bilibili/);

    await fireEvent.click(screen.getByTestId("focus-stop"));
    expect(calls.some((c) => c.cmd === "focus_stop")).toBe(false);
    expect(confirmation.pending?.message).toMatch(/结束这次专注/);
    confirmation.answer(true);
    await waitFor(() => expect(calls.some((c) => c.cmd === "focus_stop")).toBe(true));
    expect(await screen.findByTestId("focus-start")).toBeTruthy();
  });

  it("offers only the emergency exit in a strict session; the code must be typed", async () => {
    status = { running: runningStatus({}, true), last: null };
    handlers.focus_exit_challenge = () => ({ image: "data:image/png;base64,AAAA", length: 6 });
    handlers.focus_emergency_exit = (args) =>
      args.code === "ABC123"
        ? ((status = { running: null, last: null }), status)
        : reject({ kind: "conflict", message: "退出码不对", fields: [] });
    show();
    await screen.findByTestId("focus-show-code");
    expect(screen.queryByTestId("focus-pause")).toBeNull();
    expect(screen.queryByTestId("focus-stop")).toBeNull();
    await fireEvent.click(screen.getByTestId("focus-show-code"));
    const input = (await screen.findByTestId("focus-code-input")) as HTMLInputElement;
    expect(input.getAttribute("autocomplete")).toBe("off");
    expect(input.getAttribute("spellcheck")).toBe("false");
    const img = document.querySelector("img[src^='data:image/png']");
    expect(img?.getAttribute("alt")).not.toMatch(/ABC123/);

    const paste = new Event("paste", { bubbles: true, cancelable: true });
    input.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    expect(await screen.findByText(/不能粘贴/)).toBeTruthy();

    await fireEvent.input(input, { target: { value: "WRONG1" } });
    await fireEvent.click(screen.getByTestId("focus-code-submit"));
    expect((await screen.findByTestId("focus-error")).textContent).toBe("退出码不对");
    await fireEvent.input(input, { target: { value: "ABC123" } });
    await fireEvent.click(screen.getByTestId("focus-code-submit"));
    expect(await screen.findByTestId("focus-start")).toBeTruthy();
  });

  it("counts the cool-down down and confirms only at zero", async () => {
    status = { running: runningStatus({ exit_cooldown_remaining_ms: 125_000 }, true), last: null };
    show();
    const confirm = (await screen.findByTestId("focus-cooldown-confirm")) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    expect(screen.getByTestId("focus-cooldown-left").textContent).toMatch(/2:05|2:04/);
    status = { running: runningStatus({ exit_cooldown_remaining_ms: 0 }, true), last: null };
    await waitFor(() => expect(confirm.disabled).toBe(false), { timeout: 2000 });
  });
});

describe("what is blocked", () => {
  it("explains the missing helper, installs it, then lists its layers", async () => {
    handlers.install_blocker = () => ({
      ...HELPER_MISSING,
      helper: "blocking",
      strict: true,
      remaining_secs: 1500,
      site_count: 5,
      layers: { hosts: "active", chromium: "active", chrome: "skipped", firefox: "off" },
    });
    show();
    const layers = await screen.findByTestId("focus-layers");
    await waitFor(() => expect(layers.textContent).toMatch(/daka-blockd/));
    expect(layers.textContent).toMatch(/应用屏蔽照常工作/);
    expect(layers.textContent).toMatch(/管理员随时可以解除屏蔽：这是为了让分心变得麻烦，而不是不可能。/);
    await fireEvent.click(screen.getByTestId("focus-install-helper"));
    await waitFor(() => expect(layers.textContent).toMatch(/正在屏蔽 5 个网站，还剩 25 分钟/));
    expect(layers.querySelector('[data-layer="hosts"]')?.textContent).toMatch(/已生效/);
    expect(layers.querySelector('[data-layer="chrome"]')?.textContent).toMatch(/已跳过/);
    expect(layers.querySelector('[data-layer="firefox"]')?.textContent).toMatch(/未启用/);
    expect(layers.textContent).toMatch(/即使紧急退出也一样/);
  });

  it("shows an install failure in the error banner", async () => {
    handlers.install_blocker = () => reject({ kind: "internal", message: "安装失败", fields: [] });
    show();
    await fireEvent.click(await screen.findByTestId("focus-install-helper"));
    expect((await screen.findByTestId("focus-error")).textContent).toBe("安装失败");
  });
});

describe("blocklist", () => {
  it("names the line of each refused entry and shows Rust's normalized lists after saving", async () => {
    let sent: { sites: string[] } | null = null;
    handlers.save_focus_settings = (args) => {
      sent = args.settings as { sites: string[] };
      return sent.sites.includes("bad")
        ? reject({ kind: "validation", message: "请检查", fields: [{ field: "sites.1", message: "不是网址" }] })
        : { ...SETTINGS, settings: { ...SETTINGS.settings, sites: ["bilibili.com"] }, warnings: ["去掉了重复的 1 个网站"] };
    };
    show();
    const sites = (await screen.findByTestId("focus-blocklist-sites")) as HTMLTextAreaElement;
    expect(sites.value).toBe("example.com");
    await fireEvent.input(sites, { target: { value: "a.com\n\nbad\n" } });
    await fireEvent.click(screen.getByTestId("focus-blocklist-save"));
    expect(await screen.findByText("第 3 行：不是网址")).toBeTruthy();
    expect(sent).toMatchObject({ sites: ["a.com", "bad"], timer: TIMER });

    await fireEvent.input(sites, { target: { value: "https://www.bilibili.com/video/xyz" } });
    await fireEvent.click(screen.getByTestId("focus-blocklist-save"));
    await waitFor(() => expect(sites.value).toBe("bilibili.com"));
    expect(screen.getByTestId("focus-blocklist-warnings").textContent).toMatch(/重复/);
  });
});
