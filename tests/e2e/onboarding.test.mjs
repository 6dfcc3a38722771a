// First start, restart, language and bad input, in the real Daka window.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { completeOnboarding } from "./flows.mjs";
import { launch, tempDir, withApp } from "./harness.mjs";

// 10:00 on Sunday 2026-11-22 in Shanghai; the exam on 2026-12-26 is 34 study days away.
const NOW = "2026-11-22T10:00:00+08:00";

test("first start shows onboarding in Chinese", async (t) => {
  await withApp(t, { now: NOW }, async (app) => {
    await app.find('h2[data-step="0"]');
    const text = await app.pageText();
    assert.match(text, /欢迎使用 Daka 打卡/);
    assert.match(text, /你在准备哪场考试？/);
    assert.equal(await app.exists('[data-testid="countdown"]'), false);
  });
});

test("completing onboarding in zh-CN shows Today with the countdown for the pinned date", async (t) => {
  await withApp(t, { now: NOW }, async (app) => {
    await completeOnboarding(app);
    assert.equal(await app.text('[data-testid="countdown-days"]'), "34");
    const countdown = await app.text('[data-testid="countdown"]');
    assert.match(countdown, /距离 2027 考研 还有/);
    assert.match(countdown, /2026年12月26日 星期六/);
    // The study day of 10:00 on the 22nd is the 22nd, a Sunday; day 1 of preparation.
    assert.equal(await app.text('[data-testid="today-date"]'), "11月22日 星期日");
    assert.equal(await app.text('[data-testid="plan-day"]'), "备考第 1 天");
    const subjects = await app.text('[data-testid="today-subjects"]');
    for (const name of ["政治", "英语一", "数学一", "专业课"]) assert.match(subjects, new RegExp(name));
    assert.match(await app.text('[data-testid="study-total"]'), /0 分钟，目标 8 小时/);
  });
});

test("restarting with the same data keeps everything and skips onboarding", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await completeOnboarding(app, { examName: "2027 国考", examDate: "2026-11-29" });
  });
  assert.ok(existsSync(join(dataDir, "daka.sqlite3")));
  // A day later: same data, the countdown has moved on by one.
  await withApp(t, { now: "2026-11-23T09:00:00+08:00", dataDir }, async (app) => {
    await app.find('[data-testid="countdown"]');
    assert.equal(await app.exists('h2[data-step="0"]'), false, "onboarding must not come back");
    assert.equal(await app.text('[data-testid="countdown-days"]'), "6");
    assert.match(await app.text('[data-testid="countdown"]'), /距离 2027 国考 还有/);
    assert.equal(await app.text('[data-testid="plan-day"]'), "备考第 2 天");
  });
});

test("switching to English changes the visible text, and it stays English", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-nav="settings"]');
    await app.find('[data-save="profile"]');
    await app.click('[data-lang="en"]');
    await app.waitForText("nav", (s) => s.includes("Settings") && s.includes("Today"), "English navigation");
    await app.click('[data-nav="today"]');
    await app.waitForText('[data-testid="countdown"]', (s) => /2027 考研 in/.test(s), "English countdown");
    assert.equal(await app.text('[data-testid="countdown-days"]'), "34");
    assert.match(await app.text('[data-testid="countdown"]'), /days/);
    assert.match(await app.text('[data-testid="today-date"]'), /^Sunday,? 22 November$/);
    assert.doesNotMatch(await app.pageText(), /距离|今日学习/);
  });
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await app.waitForText('[data-testid="countdown"]', (s) => /in/.test(s), "English after restart");
    assert.match(await app.pageText(), /Studied today/);
  });
});

test("an impossible exam date shows the localized error and saves nothing", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await app.type("#exam-name", "2027 考研");
    await app.type("#exam-date", "2027-02-30");
    await app.click('[data-action="next"]');
    const error = await app.waitForText('[data-error-for="exam-date"]', (s) => s.length > 0, "the date error");
    assert.equal(error, "2027 年 2 月没有 30 日（这个月只有 28 天），请检查日期。");
    assert.equal(await app.exists('h2[data-step="1"]'), false, "the form must not advance");
    // Switching language re-words the message in place.
    await app.click('[data-lang="en"]');
    await app.waitForText("h2", (s) => s.includes("Which exam"), "English title");
    await app.waitForText(
      '[data-error-for="exam-date"]',
      (s) => s === "2027-02-30 does not exist: that month has only 28 days.",
      "English error",
    );
  });
  // Nothing was saved: the next start is a first start again (in the language chosen last).
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await app.find('h2[data-step="0"]');
    assert.match(await app.pageText(), /Welcome to Daka/);
  });
});

test("an exam date in the past is refused, naming the study day it is compared with", async (t) => {
  const app = await launch({ now: NOW });
  try {
    await app.type("#exam-name", "2027 考研");
    await app.type("#exam-date", "2026-11-21");
    await app.click('[data-action="next"]');
    const error = await app.waitForText('[data-error-for="exam-date"]', (s) => s.length > 0, "the past-date error");
    assert.match(error, /2026-11-21 已经过去了（今天是 2026-11-22）/);
  } finally {
    await app.quit();
  }
});
