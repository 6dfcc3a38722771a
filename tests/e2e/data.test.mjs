// The user's data in the real window: export to a ZIP, restore it on a "new computer" (a fresh
// data folder) from the first-start screen and see the same numbers; a damaged file is refused
// with a clear message and changes nothing; a backup brings back what a merge changed.
//
// File dialogs cannot be clicked under WebDriver, so test builds read the chosen path from
// DAKA_TEST_SAVE_PATH / DAKA_TEST_OPEN_PATH (src-tauri/src/picker.rs).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { completeOnboarding, punchIn, streak } from "./flows.mjs";
import { tempDir, withApp } from "./harness.mjs";

const at = (day, time = "20:00") => `2026-11-${day}T${time}:00+08:00`;

/** The numbers a user compares after moving computers: statistics and the heatmap. */
async function statsSnapshot(app) {
  await app.click('[data-nav="stats"]');
  await app.find('[data-testid="heatmap"] rect[data-date]');
  const snapshot = {
    total: await app.text('[data-testid="stat-total"]'),
    days: await app.text('[data-testid="stat-days"]'),
    current: await app.text('[data-testid="stat-streak"]'),
    heatmap: await app.exec(
      "return [...document.querySelectorAll('[data-testid=heatmap] rect[data-date]')].filter(r => r.dataset.kind !== 'empty').map(r => r.dataset.date + ':' + r.dataset.kind).join(' ')",
    ),
  };
  await app.click('[data-nav="today"]');
  snapshot.streak = await streak(app);
  snapshot.punchList = await app.text('[data-testid="punch-list"]');
  return snapshot;
}

test("an export restores on a new computer with the same numbers; bad files change nothing", async (t) => {
  const work = tempDir("daka-e2e-export-");
  const exportPath = join(work, "我的打卡.zip");
  const dataDir = tempDir("daka-e2e-data-");

  await withApp(t, { now: at(21), dataDir }, async (app) => {
    await completeOnboarding(app);
    await punchIn(app, { minutes: "90", note: "线代第三章" });
  });
  await withApp(t, { now: at(22), dataDir }, async (app) => {
    await app.click('[data-action="leave"]');
    await app.find('[data-testid="day-mark"]');
  });
  let before;
  await withApp(t, { now: at(23), dataDir, env: { DAKA_TEST_SAVE_PATH: exportPath } }, async (app) => {
    await punchIn(app, { subject: "英语一", minutes: "45" });
    before = await statsSnapshot(app);
    assert.equal(before.streak, 2);
    await app.click('[data-nav="settings"]');
    await app.click('[data-action="export"]');
    const message = await app.waitForText('[data-testid="data-message"]', (s) => s.length > 0, "the export message");
    assert.equal(message, `已导出到 ${exportPath}`);
  });

  const zip = readFileSync(exportPath);
  assert.equal(zip.subarray(0, 2).toString(), "PK", "a ZIP file");
  for (const member of ["daka.jsonl", "README.txt", "csv/punch_ins.csv", "csv/daily_summary.csv"]) {
    assert.ok(zip.includes(member), `the export holds ${member}`);
  }

  // A new computer: an empty data folder, restoring from the first-start screen.
  const newDir = tempDir("daka-e2e-data-");
  await withApp(t, { now: at(23, "21:00"), dataDir: newDir, env: { DAKA_TEST_OPEN_PATH: exportPath } }, async (app) => {
    await app.find('h2[data-step="0"]');
    await app.click('[data-action="restore-export"]');
    await app.find('[data-testid="countdown"]');
    const after = await statsSnapshot(app);
    assert.deepEqual(after, before);
    assert.match(after.punchList, /45 分钟/);
  });

  // A file that is not an export: a clear message, and the data is untouched.
  const junk = join(work, "照片.zip");
  writeFileSync(junk, "这不是压缩包");
  await withApp(t, { now: at(23, "21:30"), dataDir: newDir, env: { DAKA_TEST_OPEN_PATH: junk } }, async (app) => {
    await app.click('[data-nav="settings"]');
    await app.click('[data-action="import-merge"]');
    const error = await app.waitForText('[data-testid="data-error"]', (s) => s.length > 0, "the import error");
    assert.equal(error, "这不是 Daka 导出的文件，请选择“导出数据”生成的 .zip 文件。");
    await app.click('[data-nav="today"]');
    assert.equal(await streak(app), 2);
  });

  // Merging the export again changes nothing (same rows, same versions), and a restore from
  // the safety backup taken before it is confirmed in the app's own dialog.
  await withApp(t, { now: at(23, "22:00"), dataDir: newDir, env: { DAKA_TEST_OPEN_PATH: exportPath } }, async (app) => {
    await app.click('[data-nav="settings"]');
    await app.click('[data-action="import-merge"]');
    const merged = await app.waitForText('[data-testid="data-message"]', (s) => s.length > 0, "the merge report");
    assert.match(merged, /^导入完成：新增 0 条，更新 0 条/);
    const backups = await app.text('[data-testid="backup-list"]');
    assert.match(backups, /导入前/);
    await app.click('[data-testid="backup-list"] li:first-child button');
    const question = await app.text('[data-testid="confirm-dialog"]');
    assert.match(question, /的备份替换现在的全部数据？/);
    await app.click('[data-action="confirm-cancel"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="confirm-dialog"]')), { message: "the dialog to close" });
    await app.click('[data-testid="backup-list"] li:first-child button');
    await app.click('[data-action="confirm-ok"]');
    await app.waitForText('[data-testid="data-message"]', (s) => s === "已恢复。", "the restore message");
    await app.click('[data-nav="today"]');
    assert.equal(await streak(app), 2);
  });
});
