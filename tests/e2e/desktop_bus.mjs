// A private D-Bus session bus for real-window tests and benches, and what a desktop panel does
// with Daka's tray icon over it (find the StatusNotifierItem, read its menu, click an item).
import { execFileSync, spawn } from "node:child_process";

/** Starts a private session bus; returns its address and a stop function. */
export function privateBus() {
  const daemon = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    daemon.stdout.once("data", (d) => resolve({ address: String(d).trim(), stop: () => daemon.kill() }));
    daemon.once("error", reject);
  });
}

export function gdbus(address, args) {
  return execFileSync("gdbus", args, { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } }).toString();
}

/** The bus name and object path of Daka's StatusNotifierItem. */
export function findItem(address) {
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

export async function poll(fn, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = fn();
    if (last) return last;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}


/** The layout of the item's dbusmenu (GVariant text). */
export function menuLayout(address, item) {
  return gdbus(address, [
    "call", "--session", "--dest", item.name, "--object-path", `${item.path}/Menu`,
    "--method", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "@as []",
  ]);
}

/** Clicks the menu item labelled `label`, as a panel would (dbusmenu Event "clicked"). */
export function clickMenuItem(address, item, label) {
  const layout = menuLayout(address, item);
  const m = layout.match(new RegExp(`\\((\\d+), \\{[^}]*'label': <'${label}'>`));
  if (!m) throw new Error(`no menu item ${label} in ${layout}`);
  gdbus(address, [
    "call", "--session", "--dest", item.name, "--object-path", `${item.path}/Menu`,
    "--method", "com.canonical.dbusmenu.Event", m[1], "clicked", "<0>", "0",
  ]);
}
