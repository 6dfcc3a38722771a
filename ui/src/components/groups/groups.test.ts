// The Groups screen's pieces against a mocked Rust side: joining from a pasted WeChat message
// (preview first, then join with the chosen sharing), and the sync line's honesty (offline,
// waiting, refused and why), in both languages.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";

import type { Board, Group, InviteView, SyncView } from "../../lib/bindings";
import { forgetGroupPhotos } from "../../lib/groupPhotos";
import { setLang } from "../../lib/i18n/index.svelte";
import BoardView from "./BoardView.svelte";
import JoinForm from "./JoinForm.svelte";
import SyncStatus from "./SyncStatus.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const view: InviteView = {
  invite: { code: "ABCD-EFGH", server: "http://127.0.0.1:8750" },
  preview: { group_name: "考研打卡小组", tz: "Asia/Shanghai", deadline: "22:30", member_count: 3, shares_days: 7 },
};

describe("joining", () => {
  it("previews the group and the history shared, then joins with the sharing chosen", async () => {
    setLang("zh-CN");
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "groups_read_invite") return view;
      if (cmd === "groups_join") return { id: "g1", name: "考研打卡小组" } as unknown as Group;
      throw `unexpected command ${cmd}`;
    });
    let joined: Group | null = null;
    render(JoinForm, { onjoined: (g: Group) => (joined = g), oncancel: () => {} });
    await fireEvent.input(screen.getByLabelText("邀请链接或邀请码"), {
      target: { value: "来打卡！daka://join/abcd-efgh?server=http%3A%2F%2F127.0.0.1%3A8750" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "查看邀请" }));
    await screen.findByText(/“考研打卡小组” · 3 人 · 每天 22:30 截止（Asia\/Shanghai）/);
    expect(screen.getByText("加入后会分享你最近 7 天的打卡，更早的不分享。")).toBeTruthy();

    await fireEvent.click(screen.getByLabelText("备注"));
    await fireEvent.click(screen.getByRole("button", { name: "加入" }));
    await waitFor(() => expect(joined).not.toBeNull());
    const join = calls.find((c) => c.cmd === "groups_join");
    expect(join?.args).toMatchObject({ invite: view.invite, share: { note: true, mood: false, exact_times: true } });
  });

  it("shows the server's refusal in the user's language and joins nothing", async () => {
    setLang("en");
    mockIPC((cmd) => {
      if (cmd === "groups_read_invite")
        throw { kind: "conflict", message: "This invite has expired; ask for a new one.", fields: [] };
      throw `unexpected command ${cmd}`;
    });
    render(JoinForm, { initial: "ABCD-EFGH", onjoined: () => {}, oncancel: () => {} });
    await screen.findByText("This invite has expired; ask for a new one.");
    expect(screen.queryByRole("button", { name: "Join" })).toBeNull();
  });
});

const offline: SyncView = {
  phase: "offline",
  message: "Cannot reach the group server; it syncs when the network is back.",
  pending: 2,
  rejected: [{ record_id: "r1", code: "clock_ahead", reason: "This computer's clock is ahead." }],
  last_synced: "2026-12-07T06:00:00Z",
  retry_at: "2026-12-07T06:05:00Z",
};

describe("the sync line", () => {
  it("says offline, what waits, what was refused and why, and offers sync now", () => {
    setLang("en");
    render(SyncStatus, { sync: offline });
    expect(screen.getByText("Offline; syncs when back")).toBeTruthy();
    expect(screen.getByText("2 waiting to send")).toBeTruthy();
    expect(screen.getByText("1 refused by the server")).toBeTruthy();
    expect(screen.getByText("This computer's clock is ahead.")).toBeTruthy();
    expect(screen.getByText(/Retrying at/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sync now" })).toBeTruthy();
  });

  it("in Chinese, compact for the sidebar", () => {
    setLang("zh-CN");
    render(SyncStatus, { sync: { ...offline, rejected: [] }, compact: true });
    expect(screen.getByText("离线，稍后自动同步")).toBeTruthy();
    expect(screen.getByText("2 条待发送")).toBeTruthy();
    expect(screen.queryByRole("button")).toBeNull();
  });
});

describe("the board's photos", () => {
  const group = { id: "g1", name: "考研小组", tz: "Asia/Shanghai", deadline: "22:30", role: "member" } as unknown as Group;
  const board = {
    group_id: "g1",
    group_name: "考研小组",
    date: "2026-12-06",
    today: "2026-12-06",
    deadline_utc: "2026-12-06T14:30:00Z",
    entries: [
      {
        position: 1,
        user_id: "u1",
        nickname: "小王",
        first_punch_utc: "2026-12-06T01:00:00Z",
        on_time: true,
        minutes: [{ subject: "数学一", color: "#12a594", minutes: 90 }],
        total_minutes: 90,
        notes: [],
        mood: null,
        photos: ["p-shared", "p-unreachable"],
      },
    ],
    on_leave: [],
    missing: [],
    jielong_text: "12月6日 考研小组打卡接龙\n1. 小王 数学一 1h30m ✅",
  } as unknown as Board;

  it("shows each photo fetched through the app, leaves out one it cannot fetch, and opens one large", async () => {
    setLang("zh-CN");
    forgetGroupPhotos();
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "groups_board") return board;
      if (cmd === "groups_photo") {
        asked.push(args);
        if ((args as { photoId: string }).photoId === "p-shared") return "data:image/jpeg;base64,/9j/2Q==";
        throw { kind: "unavailable", message: "连不上小组服务器，联网后会自动同步。", fields: [] };
      }
      throw `unexpected command ${cmd}`;
    });
    render(BoardView, { group });
    const thumbs = await screen.findAllByRole("button", { name: "小王的打卡照片" });
    expect(thumbs).toHaveLength(1);
    const [thumb] = thumbs as [HTMLElement];
    expect(thumb.querySelector("img")?.getAttribute("src")).toBe("data:image/jpeg;base64,/9j/2Q==");
    expect(asked).toEqual([
      { groupId: "g1", photoId: "p-shared" },
      { groupId: "g1", photoId: "p-unreachable" },
    ]);
    await fireEvent.click(thumb);
    expect(screen.getAllByRole("button", { name: "小王的打卡照片" })).toHaveLength(2);
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.getAllByRole("button", { name: "小王的打卡照片" })).toHaveLength(1);
  });
});
