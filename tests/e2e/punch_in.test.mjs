// The daily ritual over several days, in the real window: goals, punch-ins, leave, a miss.
// "Moving the clock" is a restart with a later DAKA_NOW and the same data folder.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { completeOnboarding, pngBytes, punchIn, streak } from "./flows.mjs";
import { tempDir, withApp } from "./harness.mjs";

const at = (day, time = "20:00") => `2026-11-${day}T${time}:00+08:00`;

test("a streak grows with punch-ins, holds over leave and resets after a missed day", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");

  await withApp(t, { now: at(22), dataDir }, async (app) => {
    await completeOnboarding(app);
    // A goal, ticked in the first punch-in.
    await app.click('[data-nav="goals"]');
    await app.click('[data-action="new-goal"]');
    await app.type("#goal-title", "背单词");
    await app.type("#goal-target", "20");
    await app.type("#goal-unit", "个");
    await app.click('[data-action="save-goal"]');
    await app.find('[data-testid="goal-list"] li');
    await app.click('[data-nav="today"]');
    await app.find('[data-testid="today-goals"] [data-goal="背单词"]');
    assert.equal(await streak(app), 0);
    await app.click('[data-action="punch-in"]');
    await app.find('[data-testid="punch-dialog"]');
    await app.click('[data-testid="punch-dialog"] [data-goal="背单词"]');
    await app.type('[data-subject="数学一"]', "90");
    await app.click('[data-action="save-punch-in"]');
    await app.find('[data-testid="punched"]');
    assert.equal(await streak(app), 1);
    await app.waitForText('[data-goal="背单词"]', (s) => s.includes("20 / 20"), "the goal to be done");
    assert.match(await app.text('[data-testid="study-total"]'), /1 小时 30 分钟/);
  });

  await withApp(t, { now: at(23), dataDir }, async (app) => {
    assert.equal(await streak(app), 1, "yesterday's punch-in counts, today is still open");
    await punchIn(app, { minutes: "45" });
    assert.equal(await streak(app), 2);
  });

  await withApp(t, { now: at(24), dataDir }, async (app) => {
    await app.click('[data-action="leave"]');
    await app.waitForText('[data-testid="day-mark"]', (s) => s.includes("今天请假了"), "the leave mark");
    assert.equal(await streak(app), 2);
  });

  // Nothing on the 25th. On the 26th evening the 25th has closed (16:00): missed.
  await withApp(t, { now: at(26), dataDir }, async (app) => {
    assert.equal(await streak(app), 0);
    assert.match(await app.text('[data-testid="nudge"]'), /昨天错过了/);
    await punchIn(app, { minutes: "30" });
    assert.equal(await streak(app), 1);
    assert.match(await app.text('[data-testid="punch-card"]'), /最长 2 天/);
  });

  // Restarting keeps everything, and the statistics explain each day.
  await withApp(t, { now: at(26, "21:00"), dataDir }, async (app) => {
    assert.equal(await streak(app), 1);
    assert.match(await app.text('[data-testid="punch-list"]'), /30 分钟/);
    await app.click('[data-nav="stats"]');
    await app.find('[data-testid="heatmap"]');
    const kinds = await app.exec(
      "return Object.fromEntries([...document.querySelectorAll('[data-testid=heatmap] rect[data-date]')].map(r => [r.dataset.date, r.dataset.kind]))",
    );
    assert.deepEqual(
      ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"].map((d) => kinds[d]),
      ["work", "work", "excused", "missed", "work"],
    );
    assert.equal(await app.text('[data-testid="stat-days"]'), "3");
    assert.equal(await app.text('[data-testid="stat-total"]'), "2 小时 45 分钟");
    await app.click('[data-testid="heatmap"] rect[data-date="2026-11-25"]');
    assert.equal(await app.text('[data-testid="day-why"]'), "这天没有打卡，连续天数在这里中断。");
    await app.click('[data-testid="heatmap"] rect[data-date="2026-11-24"]');
    await app.waitForText('[data-testid="day-why"]', (s) => s.startsWith("请假"), "the leave explanation");
  });
});

test("inside the grace window the form asks which day, and explains", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");
  await withApp(t, { now: at(22), dataDir }, async (app) => {
    await completeOnboarding(app);
  });
  // 10:00 on the 24th: the 23rd is still open until 16:00.
  await withApp(t, { now: at(24, "10:00"), dataDir }, async (app) => {
    assert.match(await app.text('[data-testid="nudge"]'), /16:00 前补上/);
    await app.click('[data-action="punch-in"]');
    const dialog = await app.waitForText('[data-testid="punch-dialog"]', (s) => s.includes("这次打卡算哪一天"));
    assert.match(dialog, /可以补打卡到 16:00/);
    await app.click('[data-choice="2026-11-23"]');
    await app.type('[data-subject="数学一"]', "60");
    await app.click('[data-action="save-punch-in"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="punch-dialog"]')), { message: "the form to close" });
    // Logged for the 23rd: today is still open, the streak counts yesterday.
    assert.equal(await streak(app), 1);
    assert.equal(await app.exists('[data-testid="punched"]'), false);
  });
  // 01:30 on the 25th is still the study day of the 24th: the form offers the 24th and the 25th.
  await withApp(t, { now: at(25, "01:30"), dataDir }, async (app) => {
    await app.click('[data-action="punch-in"]');
    const dialog = await app.waitForText('[data-testid="punch-dialog"]', (s) => s.includes("这次打卡算哪一天"));
    assert.match(dialog, /现在还不到 04:00，你的学习日仍是 11月24日/);
  });
});

test("bad punch-in input is explained and saves nothing", async (t) => {
  await withApp(t, { now: at(22) }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-action="punch-in"]');
    await app.find('[data-testid="punch-dialog"]');
    await app.click('[data-action="save-punch-in"]');
    const error = await app.waitForText('[data-error-for="minutes"]', (s) => s.length > 0, "the empty-form error");
    assert.equal(error, "请至少填写学习时间、完成的目标、今天的心得或一张照片中的一项。");
    // Said once, under the field; the banner only points there.
    assert.equal(await app.text('[data-banner="punch"]'), "请先修改标红的内容。");
    await app.type('[data-subject="数学一"]', "1500");
    await app.click('[data-action="save-punch-in"]');
    await app.waitForText('[data-testid="punch-dialog"]', (s) => s.includes("数量应在 0 到 1440 之间"), "the range error");
    assert.doesNotMatch(await app.text('[data-banner="punch"]'), /1440/, "not repeated in the banner");
    await app.click('[data-testid="punch-dialog"] button[aria-label="关闭"]');
    assert.equal(await streak(app), 0);
    assert.equal(await app.exists('[data-testid="punch-list"]'), false);
  });
});

test("the punch-in reminder is set in Settings, refuses a bad time and survives a restart", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");
  await withApp(t, { now: at(22), dataDir }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-nav="settings"]');
    await app.click('[data-reminder="enabled"]');
    await app.type("#set-reminder", "25:00");
    await app.click('[data-save="reminder"]');
    const error = await app.waitForText('[data-error-for="set-reminder"]', (s) => s.length > 0, "the bad-time error");
    assert.equal(error, "时间格式不对，请按 24 小时制“时:分”填写，例如 06:30。");
    assert.equal(await app.text('[data-banner="reminder"]'), "请先修改标红的内容。", "said once, under the field");
    await app.type("#set-reminder", "21:45");
    await app.click('[data-save="reminder"]');
    await app.find('[data-saved="reminder"]');
  });
  await withApp(t, { now: at(23, "09:00"), dataDir }, async (app) => {
    await app.click('[data-nav="settings"]');
    assert.equal(await app.value("#set-reminder"), "21:45");
    assert.equal(await app.exec("return document.querySelector('[data-reminder=enabled]').checked"), true);
    await app.click('[data-reminder="enabled"]');
    await app.waitFor(async () => !(await app.exists("#set-reminder")), { message: "the time field to hide" });
    await app.click('[data-save="reminder"]');
    await app.find('[data-saved="reminder"]');
  });
  await withApp(t, { now: at(23, "10:00"), dataDir }, async (app) => {
    await app.click('[data-nav="settings"]');
    await app.find('[data-reminder="enabled"]');
    assert.equal(await app.exec("return document.querySelector('[data-reminder=enabled]').checked"), false);
  });
});

test("photos: two are added, a non-image and a 20,000×20,000 picture are refused by name", async (t) => {
  const dir = tempDir("daka-e2e-photos-");
  const files = {
    "山顶.png": pngBytes(640, 480, [200, 90, 40]),
    "笔记.png": pngBytes(300, 600, [40, 90, 200]),
    "notes.jpg": Buffer.from("这不是图片"),
    "huge.png": pngBytes(20000, 20000, undefined, { claimOnly: true }),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  const env = { DAKA_TEST_OPEN_PATH: Object.keys(files).map((n) => join(dir, n)).join(":") };

  await withApp(t, { now: at(22), env }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-action="punch-in"]');
    await app.find('[data-testid="punch-dialog"]');
    await app.type('[data-subject="数学一"]', "45");
    await app.click('[data-action="add-photos"]');
    await app.find('[data-photo="1"]');
    const problems = await app.waitForText('[data-testid="photo-picker"]', (s) => s.includes("huge.png"), "the refusals");
    assert.match(problems, /“notes\.jpg”不是图片/);
    assert.match(problems, /“huge\.png”尺寸过大（20000×20000）/);
    assert.match(problems, /2\/9/);
    await app.click('[data-action="save-punch-in"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="punch-dialog"]')), { message: "the form to close" });
    await app.find('[data-testid="photo-strip"] img');
    const shown = await app.exec(
      "return [...document.querySelectorAll('[data-testid=photo-strip] img')].map((i) => i.naturalWidth > 0 && i.src.startsWith('data:image/jpeg'))",
    );
    assert.deepEqual(shown, [true, true]);
  });
});
