// Captures the main screens with the 10-year profile restored (make profile), in zh-CN and
// English, light and dark: for looking at charts, lists and numbers at full size. Asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" node scripts/screenshots-profile.mjs PROFILE OUT_DIR
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { launch, tempDir } from "../tests/e2e/harness.mjs";

const [profile, out = "screenshots"] = process.argv.slice(2);
if (!profile) throw new Error("usage: screenshots-profile.mjs PROFILE.jsonl OUT_DIR");
mkdirSync(out, { recursive: true });
const now = "2026-11-22T20:30:00+08:00";

async function shoot(app, name) {
  await app.exec("return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  await new Promise((r) => setTimeout(r, 700));
  copyFileSync(await app.screenshot(name), join(out, `${name}.png`));
}

const dataDir = tempDir("daka-shots-profile-");
for (const theme of ["light", "dark"]) {
  if (theme === "dark") process.env.GTK_THEME = "Adwaita:dark";
  else delete process.env.GTK_THEME;
  const app = await launch({ now, dataDir, lang: "zh_CN.UTF-8", env: { DAKA_TEST_OPEN_PATH: profile } });
  try {
    await app.cmd("POST", "/window/rect", { x: 0, y: 0, width: 1440, height: 900 });
    if (await app.exists('[data-action="restore-export"]')) {
      await app.click('[data-action="restore-export"]');
      await app.find('[data-testid="countdown"]', { timeout: 120000 });
    }
    for (const lang of ["zh", "en"]) {
      if (lang === "en") {
        await app.click('[data-nav="settings"]');
        await app.click('[data-lang="en"]');
        await app.waitForText("nav", (s) => s.includes("Settings"));
      }
      await app.click('[data-nav="today"]');
      await app.find('[data-testid="countdown"]');
      await shoot(app, `${lang}-${theme}-today`);
      await app.click('[data-action="punch-in"]');
      await app.find('[data-testid="punch-dialog"]');
      await shoot(app, `${lang}-${theme}-punch-in`);
      await app.exec("document.querySelector('[data-testid=punch-dialog] button[aria-label]').click()");
      await app.click('[data-nav="stats"]');
      await app.find('[data-testid="stat-total"]');
      await shoot(app, `${lang}-${theme}-stats`);
      await app.exec("window.scrollTo(0, document.body.scrollHeight); document.querySelector('main')?.scrollTo(0, 100000)");
      await shoot(app, `${lang}-${theme}-stats-bottom`);
      await app.click('[data-nav="goals"]');
      await new Promise((r) => setTimeout(r, 500));
      await shoot(app, `${lang}-${theme}-goals`);
    }
    // Back to Chinese for the next theme.
    await app.click('[data-nav="settings"]');
    await app.click('[data-lang="zh-CN"]');
    await app.waitForText("nav", (s) => s.includes("设置"));
  } finally {
    await app.quit();
  }
}
console.log(`screenshots in ${out}`);
