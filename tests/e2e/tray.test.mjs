// The tray icon, read the way a desktop panel reads it: over D-Bus. Daka's icon is an
// AppIndicator (StatusNotifierItem) with its menu exported as com.canonical.dbusmenu; a panel
// shows the item's label beside the icon and renders the menu from that layout. This test runs a
// private session bus, then checks the label and the menu lines at a pinned 19:30 with the 考研
// preset, and clicks "hide window" / "show" through the same dbusmenu Event call a panel makes.
// (No panel draws the icon under Xvfb; what reaches the panel is what is checked.)
import assert from "node:assert/strict";
import { test } from "node:test";

import { completeOnboarding } from "./flows.mjs";
import { findItem, gdbus, poll, privateBus } from "./desktop_bus.mjs";
import { withApp } from "./harness.mjs";

const NOW = "2026-11-25T11:30:00Z"; // 19:30 in Asia/Shanghai, a Wednesday

test("the tray shows the running block and the next one, and hides and shows the window", async (t) => {
  const bus = await privateBus();
  t.after(() => bus.stop());
  await withApp(t, { now: NOW, env: { DBUS_SESSION_BUS_ADDRESS: bus.address } }, async (app) => {
    await completeOnboarding(app);
    const applied = await app.exec(
      "return window.__TAURI_INTERNALS__.invoke('apply_preset', { presetName: 'kaoyan' }).then(() => 'ok', (e) => JSON.stringify(e))",
    );
    assert.equal(applied, "ok");

    const item = await poll(() => findItem(bus.address), "the StatusNotifierItem on the bus");
    const label = () =>
      gdbus(bus.address, [
        "call", "--session", "--dest", item.name, "--object-path", item.path,
        "--method", "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", "XAyatanaLabel",
      ]);
    // The tray refreshes every 10 s: the preset applied after start shows within one refresh.
    await poll(() => label().includes("散步 30′"), "the panel label 散步 30′");

    const layout = () =>
      gdbus(bus.address, [
        "call", "--session", "--dest", item.name, "--object-path", `${item.path}/Menu`,
        "--method", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "@as []",
      ]);
    const menu = layout();
    assert.match(menu, /现在：散步（还剩 30 分钟）/);
    assert.match(menu, /下一个：20:00 晚上学习/);
    assert.match(menu, /关闭窗口后留在托盘/);
    assert.match(menu, /开机时启动/);
    assert.match(menu, /退出 Daka/);

    // Click "隐藏窗口" as a panel would: dbusmenu Event(id, "clicked", data, timestamp).
    const idOf = (text, label) => {
      const m = text.match(new RegExp(`\\((\\d+), \\{[^}]*'label': <'${label}'>`));
      assert.ok(m, `menu item ${label} in ${text}`);
      return m[1];
    };
    const click = (id) =>
      gdbus(bus.address, [
        "call", "--session", "--dest", item.name, "--object-path", `${item.path}/Menu`,
        "--method", "com.canonical.dbusmenu.Event", id, "clicked", "<0>", "0",
      ]);
    click(idOf(menu, "隐藏窗口"));
    await poll(() => layout().includes("显示 Daka"), "the menu to offer 显示 Daka", 20_000);
    click(idOf(layout(), "显示 Daka"));
    await poll(() => layout().includes("隐藏窗口"), "the window back", 20_000);
    assert.ok(await app.exists('[data-testid="countdown"]'), "the window still answers");

    // A focus session takes over the label and the first menu line, counting down in seconds.
    const started = await app.exec(
      `return window.__TAURI_INTERNALS__.invoke('focus_start', { request: { timer: {
         mode: 'pomodoro', work_min: 25, short_break_min: 5, long_break_min: 15, rounds: 4, long_every: 4,
         countdown_min: 60, stopwatch_cap_min: 240, strict: false, block_apps: false, block_sites: false,
         overlay: false }, subject_id: null } }).then(() => 'ok', (e) => JSON.stringify(e))`,
    );
    assert.equal(started, "ok");
    const focusLabel = await poll(() => label().match(/专注 2[45]:\d\d/)?.[0], "the label 专注 mm:ss", 10_000);
    await poll(() => !label().includes(focusLabel), "the label to count down", 5_000);
    assert.match(layout(), /专注 2[45]:\d\d（第 1\/4 轮）/);

    // During a strict session "quit" is refused: quitting would end app blocking early.
    const restart = await app.exec(
      `return window.__TAURI_INTERNALS__.invoke('focus_stop').then(() =>
         window.__TAURI_INTERNALS__.invoke('focus_start', { request: { timer: {
           mode: 'countdown', work_min: 25, short_break_min: 5, long_break_min: 15, rounds: 4, long_every: 4,
           countdown_min: 30, stopwatch_cap_min: 240, strict: true, block_apps: false, block_sites: false,
           overlay: false }, subject_id: null } })).then(() => 'ok', (e) => JSON.stringify(e))`,
    );
    assert.equal(restart, "ok");
    click(idOf(layout(), "退出 Daka"));
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(await app.exists('[data-testid="nav-today"]'), "Daka is still running");
    assert.match(label(), /专注 (29|30):\d\d/);
  });
});
