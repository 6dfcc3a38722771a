// `make bench`, focus timer drift: a 10-minute countdown in the real app with its window hidden
// (through the tray menu, as a user would), then how late the session end was noticed — the
// moment Daka announced it (the log line written with the notification) against the start plus
// exactly ten minutes of the machine's clock — and the work seconds it recorded. The timer runs
// in Rust on the boot-time clock; the webview is hidden, so nothing in the page drives it.
// Goal: drift < 1 s. Figures only.
//
//   DAKA_APP_BIN=target/debug/daka xvfb-run -a node bench/focus_drift.mjs   (DAKA_BENCH_DRIFT_MIN=10)
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { clickMenuItem, findItem, menuLayout, poll, privateBus } from "../tests/e2e/desktop_bus.mjs";
import { completeOnboarding } from "../tests/e2e/flows.mjs";
import { launch } from "../tests/e2e/harness.mjs";

const minutes = Number(process.env.DAKA_BENCH_DRIFT_MIN ?? 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const bus = await privateBus();
// The real clock (no DAKA_NOW), so log timestamps and the start are on one clock.
const app = await launch({ env: { DBUS_SESSION_BUS_ADDRESS: bus.address, DAKA_NOW: "" } });
try {
  await completeOnboarding(app);
  const started = await app.exec(
    `const before = Date.now();
     return window.__TAURI_INTERNALS__.invoke('focus_start', { request: { timer: {
       mode: 'countdown', work_min: 25, short_break_min: 5, long_break_min: 15, rounds: 4, long_every: 4,
       countdown_min: arguments[0], stopwatch_cap_min: 240, strict: false, block_apps: false,
       block_sites: false, overlay: false }, subject_id: null } })
       .then((s) => ({ before, after: Date.now(), remaining: s.running.view.session_remaining_ms }));`,
    minutes,
  );
  // The end the session should have, on the wall clock: the start lies between before and after.
  const expectedEnd = (started.before + started.after) / 2 + minutes * 60_000;
  const item = await poll(() => findItem(bus.address), "the tray item");
  clickMenuItem(bus.address, item, "隐藏窗口");
  await poll(() => menuLayout(bus.address, item).includes("显示 Daka"), "the window hidden");
  console.log(`[bench] focus timer: a ${minutes}-minute countdown with the window hidden (started, ${started.remaining} ms left)`);

  const log = join(app.dataDir, "daka.log");
  const line = await poll(
    () => readFileSync(log, "utf8").split("\n").find((l) => l.includes("focus session recorded")),
    "the session end in the log",
    minutes * 60_000 + 30_000,
  );
  const at = Date.parse(line.slice(0, line.indexOf("Z") + 1));
  const status = await app.exec("return window.__TAURI_INTERNALS__.invoke('focus_status')");
  const session = status?.last;
  console.log(
    `  end announced ${((at - expectedEnd) / 1000).toFixed(3)} s after start + ${minutes} min ` +
      `(± ${((started.after - started.before) / 2000).toFixed(3)} s for the IPC round trip); goal < 1 s`,
  );
  if (session) console.log(`  recorded work: ${session.actual_sec} s of ${minutes * 60} s`);
} finally {
  await app.quit();
  bus.stop();
  await sleep(100);
}
