// Captures every screen of the real window, in both languages, light and dark, at 1024×768
// and 1440×900, for looking at the UI as a user would. Not a test: it asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" node scripts/screenshots.mjs OUT_DIR
//
// Needs the e2e build of the app (see `make e2e-build`).
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { launch } from "../tests/e2e/harness.mjs";

const out = process.argv[2] ?? "screenshots";
mkdirSync(out, { recursive: true });

const sizes = [
  [1024, 768],
  [1440, 900],
];

async function shoot(app, name, [w, h]) {
  if (process.env.DAKA_SHOTS_VERBOSE) console.log(`shot ${name}`);
  await app.cmd("POST", "/window/rect", { x: 0, y: 0, width: w, height: h });
  if (process.env.DAKA_SHOTS_VERBOSE) console.log("  resized");
  // Wait for WebKit to lay out and paint at the new size before capturing.
  await app.exec("return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  await new Promise((r) => setTimeout(r, 600));
  const file = await app.screenshot(name);
  if (process.env.DAKA_SHOTS_VERBOSE) console.log("  captured");
  const { copyFileSync } = await import("node:fs");
  copyFileSync(file, join(out, `${name}.png`));
}

for (const theme of ["light", "dark"]) {
  if (theme === "dark") process.env.GTK_THEME = "Adwaita:dark";
  else delete process.env.GTK_THEME;
  const app = await launch({ lang: "zh_CN.UTF-8" });
  try {
    for (const size of sizes) {
      const tag = `${theme}-${size[0]}`;
      await app.find('h2[data-step="0"]');
      await shoot(app, `zh-onboarding-1-${tag}`, size);
    }
    await app.type("#exam-name", "2027 考研");
    await app.type("#exam-date", "2027-02-30");
    await app.click('[data-action="next"]');
    await app.find('[data-error-for="exam-date"]');
    await shoot(app, `zh-onboarding-1-error-${theme}`, sizes[0]);
    await app.type("#exam-date", "2026-12-26");
    await app.click('[data-action="next"]');
    await app.find('h2[data-step="1"]');
    await shoot(app, `zh-onboarding-2-${theme}`, sizes[1]);
    await app.click('[data-action="next"]');
    await app.find('h2[data-step="2"]');
    await shoot(app, `zh-onboarding-3-${theme}`, sizes[0]);
    await app.click('[data-action="next"]');
    await app.find('h2[data-step="3"]');
    await app.type("#time-zone", "北京");
    await shoot(app, `zh-onboarding-4-${theme}`, sizes[1]);
    await app.exec("document.activeElement.blur()");
    await app.click('[data-action="finish"]');
    await app.find('[data-testid="countdown"]');
    for (const size of sizes) await shoot(app, `zh-today-${theme}-${size[0]}`, size);
    await app.click('[data-nav="settings"]');
    await app.find('[data-save="profile"]');
    for (const size of sizes) await shoot(app, `zh-settings-${theme}-${size[0]}`, size);
    // A pending time-zone change, as Settings shows it.
    await app.type("#set-zone", "伦敦");
    await app.click('[data-zone="Europe/London"]');
    await app.click('[data-save="time"]');
    await app.find('[data-testid="pending-day-rule"]');
    await app.exec("document.querySelector('[data-testid=pending-day-rule]').scrollIntoView({block: 'center'})");
    await shoot(app, `zh-settings-pending-${theme}`, sizes[0]);
    await app.click('[data-lang="en"]');
    await app.waitForText("nav", (s) => s.includes("Settings"));
    await shoot(app, `en-settings-${theme}`, sizes[1]);
    await app.click('[data-nav="today"]');
    await app.find('[data-testid="countdown-days"]');
    for (const size of sizes) await shoot(app, `en-today-${theme}-${size[0]}`, size);
  } finally {
    await app.quit();
  }
}
console.log(`screenshots in ${out}`);
