// The tray icon, read the way a desktop panel reads it: over D-Bus. Daka's icon is an
// AppIndicator (StatusNotifierItem) with its menu exported as com.canonical.dbusmenu; a panel
// shows the item's label beside the icon and renders the menu from that layout. This test runs a
// private session bus, then checks the label and the menu lines at a pinned 19:30 with the 考研
// preset, and clicks "hide window" / "show" through the same dbusmenu Event call a panel makes.
// (No panel draws the icon under Xvfb; what reaches the panel is what is checked.)
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { test } from "node:test";

import { completeOnboarding } from "./flows.mjs";
import { withApp } from "./harness.mjs";

const NOW = "2026-11-25T11:30:00Z"; // 19:30 in Asia/Shanghai, a Wednesday

/** Starts a private session bus; returns its address and a stop function. */
function privateBus() {
  const daemon = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    daemon.stdout.once("data", (d) => resolve({ address: String(d).trim(), stop: () => daemon.kill() }));
    daemon.once("error", reject);
  });
}

function gdbus(address, args) {
  return execFileSync("gdbus", args, { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } }).toString();
}

/** The bus name and object path of Daka's StatusNotifierItem. */
function findItem(address) {
  const names = gdbus(address, [
    "call", "--session", "--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
    "--method", "org.freedesktop.DBus.ListNames",
  ]).match(/':1\.\d+'/g) ?? [];
  for (const quoted of names) {
    const name = quoted.slice(1, -1);
    let tree = "";
    try {
      tree = gdbus(address, ["introspect", "--session", "--dest", name, "--object-path", "/org/ayatana/NotificationItem", "--recurse"]);
    } catch {
      continue;
    }
    const path = tree.match(/node (\/org\/ayatana\/NotificationItem\/[^\s/]+) \{/);
    if (path && tree.includes("org.kde.StatusNotifierItem")) return { name, path: path[1] };
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function poll(fn, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = fn();
    if (last) return last;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

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
  });
});
