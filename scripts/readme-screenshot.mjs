// Takes docs/screenshot-today.png: the real Daka window after onboarding, captured from the X
// display with ImageMagick's `import -window root` (not the WebDriver page capture).
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node scripts/readme-screenshot.mjs [OUT.png]
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

import { launch } from "../tests/e2e/harness.mjs";

const out = resolve(process.argv[2] ?? "docs/screenshot-today.png");
// 19:30 on a Wednesday: with the 考研 preset the walk (散步) is the current block.
const app = await launch({ now: "2026-11-25T19:30:00+08:00" });
try {
  await app.type("#exam-name", "2027 考研");
  await app.type("#exam-date", "2026-12-26");
  for (const step of [1, 2, 3]) {
    await app.click('[data-action="next"]');
    await app.find(`h2[data-step="${step}"]`);
  }
  await app.click('[data-action="finish"]');
  await app.find('[data-testid="countdown-days"]');
  await app.exec("return window.__TAURI_INTERNALS__.invoke('apply_preset', { presetName: 'kaoyan' }).then(() => 'ok')");
  await app.click('[data-nav="plan"]');
  await app.click('[data-nav="today"]');
  await app.waitForText('[data-testid="plan-current"]', (s) => s.includes("散步"), "the walk on Today");
  await app.cmd("POST", "/window/rect", { x: 0, y: 0, width: 1280, height: 800 });
  // Let WebKit lay out and paint at the new size before capturing the display.
  await app.exec("return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  await new Promise((r) => setTimeout(r, 2500));
  execFileSync("import", ["-window", "root", out]);
  console.log(`wrote ${out}`);
} finally {
  await app.quit();
}
