// Captures the Focus screens for looking at them as a user would: idle (start form, layers,
// blocklist), a running pomodoro, a strict session with the exit code shown, the cool-down, the
// summary, Today's focus card, and the full-screen overlay (the whole X screen), in zh-CN and en.
// Not a test: it asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" node scripts/screenshots-focus.mjs OUT_DIR
//
// Needs the e2e build of the app (see `make e2e-build`).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { completeOnboarding } from "../tests/e2e/flows.mjs";
import { launch } from "../tests/e2e/harness.mjs";

const out = process.argv[2] ?? "screenshots";
mkdirSync(out, { recursive: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function shoot(app, name, [w, h] = [1440, 900]) {
  await app.cmd("POST", "/window/rect", { x: 0, y: 0, width: w, height: h });
  await app.exec("return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  await sleep(700);
  copyFileSync(await app.screenshot(name), join(out, `${name}.png`));
}

function screen(name) {
  execFileSync("import", ["-window", "root", join(out, `${name}.png`)]);
}

const ipc = (app, cmd, args = {}) =>
  app.exec(
    "return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(() => 'ok', (f) => JSON.stringify(f))",
    cmd,
    args,
  );

const timer = (over) => ({
  mode: "pomodoro", work_min: 25, short_break_min: 5, long_break_min: 15, rounds: 4, long_every: 4,
  countdown_min: 60, stopwatch_cap_min: 240, strict: false, block_apps: true, block_sites: true, overlay: false,
  ...over,
});

for (const lang of ["zh-CN", "en"]) {
  const app = await launch({ lang: lang === "en" ? "en_US.UTF-8" : "zh_CN.UTF-8", now: "2026-11-25T11:30:00Z" });
  try {
    await completeOnboarding(app);
    await ipc(app, "apply_preset", { presetName: "kaoyan" });
    await app.click('[data-testid="nav-focus"]');
    await app.find('[data-testid="focus-start"]');
    await shoot(app, `${lang}-focus-idle`);
    await app.exec("document.querySelector('[data-testid=\"focus-blocklist-sites\"]').scrollIntoView()");
    await shoot(app, `${lang}-focus-blocklist`);
    const subjects = await app.exec("return [...document.querySelectorAll('[data-testid=\"focus-subject\"] option')].map(o => o.value).filter(Boolean)");
    await ipc(app, "focus_start", { request: { timer: timer({}), subject_id: subjects[2] } });
    await app.find('[data-testid="focus-timer"]');
    await app.exec("document.querySelector('[data-testid=\"focus-timer\"]').scrollIntoView({ block: 'center' })");
    await sleep(1500);
    await shoot(app, `${lang}-focus-running`);
    await app.click('[data-testid="nav-today"]');
    await sleep(1500);
    await shoot(app, `${lang}-today-focus-card`);
    await app.click('[data-testid="nav-focus"]');
    await ipc(app, "focus_stop");
    await app.find('[data-testid="focus-summary"]');
    await shoot(app, `${lang}-focus-summary`);
    await ipc(app, "focus_start", { request: { timer: timer({ mode: "countdown", strict: true }), subject_id: null } });
    await app.click('[data-testid="focus-show-code"]');
    await sleep(1000);
    await shoot(app, `${lang}-focus-strict-code`);
    await app.click('[data-testid="focus-cooldown-start"]');
    await sleep(1000);
    await shoot(app, `${lang}-focus-strict-cooldown`);
  } finally {
    await app.quit();
  }
}

// The overlay, on a fresh app (a strict session with the overlay on).
{
  const app = await launch({ lang: "zh_CN.UTF-8", now: "2026-11-25T11:30:00Z" });
  try {
    await completeOnboarding(app);
    await ipc(app, "focus_start", { request: { timer: timer({ mode: "countdown", strict: true, overlay: true, block_sites: false }), subject_id: null } });
    await sleep(4000);
    screen("zh-CN-focus-overlay");
  } finally {
    await app.quit();
  }
}
